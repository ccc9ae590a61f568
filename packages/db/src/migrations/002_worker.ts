import { type Kysely, sql } from 'kysely';

/**
 * What the worker needs to lose nothing when Redis does: a delivery log (one row per cause and
 * recipient: the exactly-once guard for mails), the planned deadline timers (PostgreSQL holds the
 * plan, Redis only the timing) and a NOTIFY on outbox inserts so the relay wakes without polling.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('smtp_response', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('mail_deliveries_cause_recipient_key', ['cause', 'recipient_id'])
    .addCheckConstraint('mail_deliveries_status_check', sql`status in ('pending', 'sending', 'delivered', 'failed')`)
    .execute();
  await sql`create index mail_deliveries_unfinished_idx on mail_deliveries (id) where status in ('pending', 'sending')`.execute(
    db,
  );
  await sql`create index mail_deliveries_failed_idx on mail_deliveries (updated_at desc) where status = 'failed'`.execute(
    db,
  );

  await db.schema
    .createTable('task_timers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('cause', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('offset_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fire_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('fired_at', 'timestamptz')
    .addCheckConstraint('task_timers_kind_check', sql`kind in ('reminder', 'escalation')`)
    .addCheckConstraint('task_timers_status_check', sql`status in ('planned', 'fired', 'skipped', 'cancelled')`)
    .execute();
  await sql`create index task_timers_planned_idx on task_timers (fire_at, id) where status = 'planned'`.execute(db);
  await sql`create index task_timers_task_idx on task_timers (task_id, due_at)`.execute(db);

  // The relay looks for rows not yet handed to the queue.
  await sql`create index outbox_unpublished_idx on outbox (id) where published_at is null`.execute(db);

  // One notification per inserting statement (a transition writes its rows in one statement). The
  // payload names the schema: every schema shares the channel, and a worker ignores the others.
  await sql`
    create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('steckbrief_outbox', tg_table_schema);
      return null;
    end $$
  `.execute(db);
  await sql`create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists outbox_notify on outbox`.execute(db);
  await sql`drop function if exists outbox_notify()`.execute(db);
  await sql`drop index if exists outbox_unpublished_idx`.execute(db);
  await db.schema.dropTable('task_timers').ifExists().execute();
  await db.schema.dropTable('mail_deliveries').ifExists().execute();
}
