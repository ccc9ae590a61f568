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

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  profiles: ProfilesTable;
  profile_history: ProfileHistoryTable;
  tasks: TasksTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type ProfileRow = Selectable<ProfilesTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type HistoryRow = Selectable<ProfileHistoryTable>;
export type UserRow = Selectable<UsersTable>;
