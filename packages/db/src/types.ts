import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** jsonb columns: pg parses them on read; we always write them as JSON text (arrays would otherwise become SQL arrays). */
export type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** A role a user holds, with the scope attributes the role needs (e.g. `{role: 'ministry', ministry: 'MIL'}`). */
export interface RoleGrant {
  role: string;
  [scope: string]: string | number;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  organisation: string | null;
  roles: Json<RoleGrant[]>;
  created_at: CreatedAt;
  disabled_at: NullableTimestamp;
  /** Set when an erasure request pseudonymised the account (migration 011). */
  erased_at: NullableTimestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  /** SHA-256 of the token: tokens are 256-bit random values, so a fast hash is enough and lookups stay O(1). */
  token_hash: string;
  label: string | null;
  created_at: CreatedAt;
  revoked_at: NullableTimestamp;
}

export interface ProfilesTable {
  id: Generated<string>;
  workflow_id: string;
  workflow_version: number;
  state: string;
  snapshot: Json<unknown>;
  version: number;
  data: Json<Record<string, unknown>>;
  /** Who owns the profile: `org:<organisation>` or `user:<id>`; applicants see what their key owns. */
  owner_key: string;
  created_by: string;
  /** Scope attributes for visibility, e.g. {"werkstatt": ["4"], "ministry": ["MIL"]}; GIN-indexed. */
  scope: Json<Record<string, string[]>>;
  /** Generated from data->>'title' for search and display. */
  title: ColumnType<string | null, never, never>;
  submitted_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
  summary: Json<ProfileSummaryFields>;
  /** Retention (migration 011): a kept profile's personal data stays until this date; null keeps it. */
  keep_until: NullableTimestamp;
  /** When the owner of a never-submitted draft was told of its deletion. */
  retention_notice_at: NullableTimestamp;
  /** When the retention job removed the profile's personal data. */
  personal_data_removed_at: NullableTimestamp;
}

/** What lists, inboxes, minutes and budgets show of a profile; money as integer cents. */
export interface ProfileSummaryFields {
  title?: string | null;
  sponsor?: string | null;
  amountCents?: number | null;
}

export interface ProfileHistoryTable {
  id: Generated<string>;
  profile_id: string;
  seq: number;
  event: string;
  from_state: string | null;
  to_state: string;
  actor_id: string | null;
  payload: Json<unknown>;
  comment: string | null;
  at: Timestamp;
  /** sha256 of the row's canonical content; filled by the database on insert (migration 010). */
  content_hash: Generated<Buffer>;
  /** sha256(previous row's chain_hash || content_hash); filled by the database on insert. */
  chain_hash: Generated<Buffer>;
  /** Set when retention or erasure replaced personal content; a later REDACT entry names the seq. */
  redacted_at: NullableTimestamp;
}

/** Written before a whole profile is deleted, so its anchored chain head stays accounted for. */
export interface ProfileTombstonesTable {
  profile_id: string;
  workflow_id: string;
  deleted_at: Timestamp;
  reason: string;
  last_seq: number;
  last_chain_hash: Buffer;
}

/** The heads of all history chains at one time (`{ profileId: [seq, hex chain hash] }`). */
export interface HistoryAnchorsTable {
  id: Generated<string>;
  taken_at: Timestamp;
  heads: Json<Record<string, [number, string]>>;
  heads_hash: Buffer;
}

export type TaskStatus = 'open' | 'done' | 'cancelled';

export interface TasksTable {
  id: Generated<string>;
  profile_id: string;
  workflow_id: string;
  /** Stable key of the task within its profile (e.g. `ministry_review:MIL`): used to diff open tasks. */
  key: string;
  kind: string;
  state: string;
  assignee_role: string;
  /** `<attribute>:<value>` for scoped groups (`ministry:MIL`, `owner:org:X`), '' for the whole role. */
  assignee_scope: string;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  due_at: NullableTimestamp;
  claimed_by: string | null;
  claimed_at: NullableTimestamp;
  created_at: CreatedAt;
  closed_at: NullableTimestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  /** Unique cause key: a repeated write of the same cause is a no-op, and the worker uses it as job and Message-ID. */
  cause: string;
  profile_id: string | null;
  payload: Json<unknown>;
  created_at: CreatedAt;
  published_at: NullableTimestamp;
  processed_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  profile_id: string;
  request_hash: string;
  status: number;
  body: Json<unknown>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: Generated<string>;
  workflow_id: string;
  kind: string;
  /** The scope attribute value a session is limited to (e.g. Werkstatt '4'), '' for none. */
  scope_value: ColumnType<string, string | undefined, string>;
  date: ColumnType<string, string, string>;
  title: string;
  created_by: string | null;
  created_at: CreatedAt;
  /** Set while the minutes are public; `published_minutes` is the document as published then. */
  minutes_published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  minutes_published_by: ColumnType<string | null, string | null | undefined, string | null>;
  published_minutes: ColumnType<unknown | null, string | null | undefined, string | null>;
}

export interface SessionAgendaTable {
  session_id: string;
  profile_id: string;
  position: number;
  added_at: CreatedAt;
  carried_from: string | null;
  decision_event: string | null;
  decision_payload: Json<unknown> | null;
  decision_seq: number | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  to_state: string | null;
  carried_to: string | null;
}

export interface CalendarTokensTable {
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
}

/** A browser session of the queue dashboard; the cookie holds the id, the table only its SHA-256. */
export interface AdminSessionsTable {
  id_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** A browser session of the web application; the cookie holds the id, the table only its SHA-256. */
export interface WebSessionsTable {
  id_hash: string;
  /** Null for a visitor who has not signed in. */
  user_id: string | null;
  csrf_token: string;
  pending_email: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  /** The absolute end; the idle end is `last_seen_at` plus the idle timeout. */
  expires_at: Timestamp;
}

/** A sign-in code and link sent by e-mail: both hashed, single use, short-lived. */
export interface WebSigninCodesTable {
  id: Generated<string>;
  user_id: string;
  email: string;
  code_hash: string;
  link_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

/** Code requests and wrong codes, per address and IP, for the sign-in rate limits. */
export interface WebSigninEventsTable {
  id: Generated<string>;
  kind: 'request' | 'failure';
  email: string;
  ip: string;
  at: Timestamp;
}

export type MailStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** One e-mail to one recipient for one cause; (cause, recipient_id) is unique: the exactly-once guard. */
export interface MailDeliveriesTable {
  id: Generated<string>;
  cause: string;
  recipient_id: string;
  email: string;
  /** Stable per cause and recipient, so a re-send after a crash is recognisable as the same mail. */
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: ColumnType<MailStatus, MailStatus | undefined, MailStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  /** While a worker sends, no other worker may; a crashed worker's lease runs out. */
  lease_until: NullableTimestamp;
  /** Drawn afresh by every claim: only its holder may renew the lease or record the outcome (decision 007). */
  lease_token: string | null;
  smtp_response: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  delivered_at: NullableTimestamp;
}

export type TimerKind = 'reminder' | 'escalation';
export type TimerStatus = 'planned' | 'fired' | 'skipped' | 'cancelled';

/** A reminder or escalation planned for one task and one due date; Redis only carries its timing. */
export interface TaskTimersTable {
  id: Generated<string>;
  /** `reminder:<taskId>:<dueMs>:<offsetMs>` or `escalation:<taskId>:<dueMs>`. */
  cause: string;
  task_id: string;
  kind: TimerKind;
  offset_ms: ColumnType<string, number | string | undefined, number | string>;
  due_at: Timestamp;
  fire_at: Timestamp;
  status: ColumnType<TimerStatus, TimerStatus | undefined, TimerStatus>;
  created_at: CreatedAt;
  fired_at: NullableTimestamp;
}

/** The bytes of an attachment, in the default (PostgreSQL) attachment store. */
export interface AttachmentBlobsTable {
  key: Generated<string>;
  bytes: Buffer;
  created_at: CreatedAt;
}

/** A file attached to a profile; the bytes live in an attachment store under `storage_key`. */
export interface AttachmentsTable {
  id: Generated<string>;
  profile_id: string;
  kind: string;
  /** Sanitised for display and for Content-Disposition. */
  file_name: string;
  /** Detected from the bytes, never taken from the client. */
  media_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
  removed_by: string | null;
  removed_at: NullableTimestamp;
}

/** An OpenID Connect subject (issuer + sub) of a user (migration 012). */
export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: Timestamp;
  last_used_at: Timestamp;
}

/** An OpenID Connect sign-in in progress: state (hashed), PKCE verifier and nonce, for one visitor session. */
export interface WebOidcRequestsTable {
  state_hash: string;
  session_hash: string;
  code_verifier: string;
  nonce: string;
  next_path: string | null;
  expires_at: Timestamp;
}

/** An inbox address (view, filters, order) a user saved under a name. */
export interface SavedViewsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  query: string;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  profiles: ProfilesTable;
  profile_history: ProfileHistoryTable;
  tasks: TasksTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  sessions: SessionsTable;
  session_agenda: SessionAgendaTable;
  calendar_tokens: CalendarTokensTable;
  mail_deliveries: MailDeliveriesTable;
  task_timers: TaskTimersTable;
  admin_sessions: AdminSessionsTable;
  web_sessions: WebSessionsTable;
  web_signin_codes: WebSigninCodesTable;
  web_signin_events: WebSigninEventsTable;
  attachments: AttachmentsTable;
  attachment_blobs: AttachmentBlobsTable;
  profile_tombstones: ProfileTombstonesTable;
  history_anchors: HistoryAnchorsTable;
  user_identities: UserIdentitiesTable;
  web_oidc_requests: WebOidcRequestsTable;
  saved_views: SavedViewsTable;
}

export type ProfileRow = Selectable<ProfilesTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type HistoryRow = Selectable<ProfileHistoryTable>;
export type UserRow = Selectable<UsersTable>;
export type MailDeliveryRow = Selectable<MailDeliveriesTable>;
export type TaskTimerRow = Selectable<TaskTimersTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
