export * from './errors.js';
export { defineWorkflow, DefinitionError, machineEventTypes, machineStateIds } from './definition.js';
export type {
  ActorInfo,
  Duration,
  EngineEvent,
  EventSpec,
  Label,
  NotificationSpec,
  RoleScope,
  RoleSpec,
  TaskSpec,
  TransitionInfo,
  WorkflowDefinition,
} from './definition.js';
export { createRegistry, SYSTEM_ROLES } from './registry.js';
export type { DeadlineOverrides, WorkflowRegistry } from './registry.js';
export { canSee, hasRole, ownerKeyOf, taskGroupsOf } from './access.js';
export type { Actor } from './access.js';
export { applyEvent, planEvent } from './transition.js';
export type { EngineDeps, EventInput, EventResult } from './transition.js';
export { createProfile, getProfile, listProfiles, patchProfileData, profileHistory } from './profiles.js';
export type { HistoryItem, ListFilters, ProfileSummary } from './profiles.js';
export { claimTask, listTasks, releaseTask, setTaskDue } from './inbox.js';
export type { InboxFilters, InboxTask } from './inbox.js';
export { eventsHandledIn } from './machine.js';
export { mermaidDiagram } from './mermaid.js';
export { mergePatch } from './merge-patch.js';
export { bilingualErrors, parseOrThrow, toIssues } from './validation.js';
export type { ProfileView, TaskView } from './views.js';
