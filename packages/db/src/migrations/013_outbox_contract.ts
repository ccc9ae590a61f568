import { type Kysely, sql } from 'kysely';

/**
 * One outbox contract (decision 010): the worker reads only `transition` rows in the shape of the
 * engine's `profileChangePayload` (packages/engine/src/outbox-payload.ts), and no longer the
 * single-effect topics (`notification`, `task.opened`, `task.due_changed`, `task.closed`) nor task
 * entries without a `change`. A deployment may still hold unprocessed rows written before, so this
 * rewrites them into the new shape; processed rows are history and stay as they are.
 *
 * - `transition` rows: each task entry gets its `change` — `closed` (it had `closed`), `due` (a
 *   `DEADLINE` entry, or a task that no longer exists) or `opened`, with the task's assignee group.
 * - `notification` rows become `transition` rows with that one notice; the notice keeps the row's cause
 *   (its mails' exactly-once key and Message-ID), and the row keeps its cause too.
 * - `task.*` rows become `transition` rows with that one task change, attributed to the profile's
 *   history entry current when the row was written. A row whose task no longer exists is left as it is
 *   (the worker marks it "no handler"): there is nothing left to plan for it.
 *
 * packages/db cannot import the engine (the engine builds on it): the shapes written here are those of
 * `profileChangePayload`, and 013_outbox_contract.test.ts states them in full.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update outbox o set payload = jsonb_set(o.payload, '{tasks}', coalesce((
      select jsonb_agg(case
          when x.e ? 'change' then x.e
          when x.e ? 'closed' then jsonb_build_object(
            'change', 'closed', 'taskId', x.e->'taskId', 'kind', x.e->'kind', 'status', x.e->'closed')
          when o.payload->>'event' = 'DEADLINE' or t.id is null then jsonb_build_object(
            'change', 'due', 'taskId', x.e->'taskId', 'kind', x.e->'kind', 'dueAt', coalesce(x.e->'dueAt', 'null'::jsonb))
          else jsonb_build_object(
            'change', 'opened', 'taskId', x.e->'taskId', 'kind', x.e->'kind', 'dueAt', coalesce(x.e->'dueAt', 'null'::jsonb),
            'assignee', jsonb_build_object('role', t.assignee_role, 'scope', t.assignee_scope))
        end order by x.n)
      from jsonb_array_elements(o.payload->'tasks') with ordinality as x(e, n)
      left join tasks t on t.id::text = x.e->>'taskId'
    ), '[]'::jsonb))
    where o.topic = 'transition' and o.processed_at is null and jsonb_typeof(o.payload->'tasks') = 'array'`.execute(db);

  await sql`
    update outbox o set topic = 'transition', payload = jsonb_build_object(
      'profileId', o.payload->'profileId',
      'workflow', coalesce(p.workflow_id, o.payload->>'workflow'),
      'seq', o.payload->'seq',
      'event', coalesce(h.event, 'NOTIFY'),
      'from', h.from_state,
      'to', o.payload->'to',
      'notices', jsonb_build_array(jsonb_build_object(
        'cause', o.cause, 'template', o.payload->'template', 'recipients', o.payload->'recipients')),
      'tasks', '[]'::jsonb)
    from outbox src
    left join profiles p on p.id::text = src.payload->>'profileId'
    left join profile_history h on h.profile_id = p.id and h.seq::text = src.payload->>'seq'
    where src.id = o.id and o.topic = 'notification' and o.processed_at is null`.execute(db);

  await sql`
    update outbox o set topic = 'transition', payload = jsonb_build_object(
      'profileId', t.profile_id,
      'workflow', t.workflow_id,
      'seq', coalesce(h.seq, 1),
      'event', coalesce(h.event, 'CREATE'),
      'from', h.from_state,
      'to', coalesce(h.to_state, t.state),
      'notices', '[]'::jsonb,
      'tasks', jsonb_build_array(case src.topic
        when 'task.closed' then jsonb_build_object('change', 'closed', 'taskId', t.id, 'kind', t.kind,
          'status', case when t.status = 'done' then 'done' else 'cancelled' end)
        when 'task.opened' then jsonb_build_object('change', 'opened', 'taskId', t.id, 'kind', t.kind,
          'dueAt', coalesce(src.payload->'dueAt', 'null'::jsonb),
          'assignee', jsonb_build_object('role', t.assignee_role, 'scope', t.assignee_scope))
        else jsonb_build_object('change', 'due', 'taskId', t.id, 'kind', t.kind,
          'dueAt', coalesce(src.payload->'dueAt', 'null'::jsonb))
      end))
    from outbox src
    join tasks t on t.id::text = src.payload->>'taskId'
    left join lateral (
      select seq, event, from_state, to_state from profile_history
      where profile_id = t.profile_id and at <= src.created_at
      order by seq desc limit 1
    ) h on true
    where src.id = o.id
      and o.topic in ('task.opened', 'task.due_changed', 'task.closed') and o.processed_at is null`.execute(db);
}

/** The rewritten rows stay in the new shape: the worker no longer reads the old one. */
export async function down(): Promise<void> {}
