export type { Actor, RegisteredRole } from './access.js';
export { canSee, hasRole, ownerKeyOf, taskGroupsOf } from './access.js';
export type { Akte, AkteAttachment, AkteDecision, AkteField, AkteHistoryEntry, AkteMail, AktePerson } from './akte.js';
export { akteAttachmentBytes, buildAkte, verificationSummary } from './akte.js';
export type { AttachmentStore, PostgresAttachmentStore } from './attachment-store.js';
export { postgresAttachmentStore } from './attachment-store.js';
export type { AttachmentType } from './attachment-types.js';
export {
  ATTACHMENT_TYPES,
  contentDisposition,
  detectAttachmentType,
  downloadHeaders,
  sanitizeFileName,
} from './attachment-types.js';
export type { AttachmentDeps, AttachmentKind, AttachmentList, AttachmentView } from './attachments.js';
export {
  ATTACHMENT_EVENTS,
  ATTACHMENT_KINDS,
  addAttachment,
  checkMayChangeAttachments,
  fileTooLarge,
  isAttachmentKind,
  listAttachments,
  MAX_ATTACHMENT_BYTES,
  MAX_PROFILE_ATTACHMENT_BYTES,
  PayloadTooLarge,
  readAttachment,
  removeAttachment,
} from './attachments.js';
export type { AnchorResult, BrokenEntry, BrokenKind, VerifyResult } from './audit.js';
export { BROKEN_REASONS, BROKEN_REASONS_DE, recordHistoryAnchor, verifyHistory } from './audit.js';
export type { BudgetView, FundingPeriod } from './budget.js';
export { budgetView } from './budget.js';
export type {
  ActorInfo,
  Duration,
  EngineEvent,
  EventSpec,
  Label,
  NotificationSpec,
  PayloadFieldSpec,
  PayloadValue,
  RoleScope,
  RoleSpec,
  SessionKindSpec,
  TaskSpec,
  TransitionInfo,
  WorkflowDefinition,
  WorkflowMigration,
} from './definition.js';
export {
  DefinitionError,
  defineWorkflow,
  describePayload,
  MIGRATION_NOTICE_TEMPLATE,
  machineEventTypes,
  machineStateIds,
  payloadEnumerations,
  roleLabels,
  scopeValueLabel,
} from './definition.js';
export { definitionProblems, initialStateOf, machineEdges, noticeProblems } from './definition-checks.js';
export * from './errors.js';
export type { SchemaMode } from './field-schemas.js';
export { fieldSchemas, submitIssuesOf, toCents } from './field-schemas.js';
export type {
  AssignmentNotice,
  InboxFilters,
  InboxQuery,
  InboxRow,
  InboxSort,
  InboxTask,
  InboxView,
} from './inbox.js';
export {
  ASSIGNMENT_TOPIC,
  addNote,
  assignTask,
  claimTask,
  getTask,
  INBOX_DONE_COUNT_LIMIT,
  INBOX_SORTS,
  INBOX_VIEWS,
  inboxPage,
  inboxPageWithSummary,
  inboxSummary,
  inboxViewCounts,
  isPlausibleYear,
  listTasks,
  mayWriteNotes,
  NOTE_EVENT,
  NOTE_MAX_LENGTH,
  previewEvent,
  releaseTask,
  setTaskDue,
  taskColleagues,
  taskCounts,
  yearRangeMessage,
} from './inbox.js';
export type { GroupScope } from './keys.js';
export {
  escalationCause,
  isOwnerScope,
  noticeCause,
  OUTBOX_TOPICS,
  ownerScope,
  parseGroupScope,
  reminderCause,
  signinCause,
  transitionCause,
} from './keys.js';
export { eventsHandledIn } from './machine.js';
export { mergePatch } from './merge-patch.js';
export { mermaidDiagram } from './mermaid.js';
export type { MigrationInput, MigrationOutcome, MigrationPlan, MigrationReport, TaskMove } from './migrate.js';
export { MIGRATE_EVENT, migrateProfiles, migrationDefinitions, planMigration } from './migrate.js';
export type { ProfileChangePayload, ProfileChangePayloadInput } from './outbox-payload.js';
export { profileChangePayload } from './outbox-payload.js';
export type {
  PresentationField,
  PresentationInput,
  PresentationSection,
  PresentationTone,
  PublicGroup,
  PublicPresentation,
  WorkflowPresentation,
} from './presentation.js';
export type { ErasureReport, PrivacyDeps, PrivacyExport } from './privacy.js';
export { erasedEmail, erasePerson, exportPerson } from './privacy.js';
export type { HistoryItem, ListFilters, ProfileSummary, ProfileSummaryWithNextTask } from './profiles.js';
export {
  createProfile,
  getProfile,
  listProfiles,
  listProfilesWithNextTask,
  patchProfileData,
  profileHistory,
  profileWithHistory,
} from './profiles.js';
export type { MinutesContent, PublicationState, PublishedMinutes, PublishedSession } from './published-minutes.js';
export {
  publishedMinutes,
  publishedSessionMinutes,
  publishMinutes,
  unpublishMinutes,
} from './published-minutes.js';
export type { DeadlineOverrides, RegistryOptions, WorkflowRegistry } from './registry.js';
export { createRegistry, SYSTEM_ROLES } from './registry.js';
export type {
  HistoryRedaction,
  RetentionDecision,
  RetentionDeps,
  RetentionFacts,
  RetentionPeriod,
  RetentionReport,
  RetentionSpec,
} from './retention.js';
export {
  addPeriod,
  applyRetention,
  DEFAULT_RETENTION,
  REDACTED,
  RETENTION_EVENTS,
  redactJson,
  retentionDecision,
  retentionOf,
  setKeepUntil,
} from './retention.js';
export type { ScopeAttribute } from './scope-filter.js';
export { parseScopeFilter, scopeAttributes, scopeFilterShape, scopeValueOf } from './scope-filter.js';
export type { AgendaItem, DecisionResult, Minutes, SessionView } from './sessions.js';
export { applyDecisions, createSession, getSession, listSessions, sessionMinutes, setAgenda } from './sessions.js';
export { isUuid } from './store.js';
export type { EngineDeps, EventInput, EventResult } from './transition.js';
export { applyEvent, planEvent } from './transition.js';
export { bilingualErrors, parseOrThrow, toIssues } from './validation.js';
export type { ProfileView, TaskView } from './views.js';
