import type { TaskSpec, WorkflowRegistry } from '@steckbrief/engine';
import type pg from 'pg';
import type { Ack, User } from './load.js';
import type { SinkMail } from './smtp-sink.js';

export interface Duplicate {
  messageId: string;
  cause: string;
  to: string;
  copies: number;
  /** When each copy was accepted (Date.now()). */
  at: number[];
}

export interface CheckReport {
  acknowledged: number;
  /** Acknowledged changes with no history entry (target 0). */
  lost: string[];
  /** Profiles whose history is not exactly one entry per version. */
  historyGaps: string[];
  /** Profiles whose open tasks differ from what the workflow wants in their state. */
  tasksOutOfStep: string[];
  /** Profiles decided more often than they sat on a session's agenda. */
  decidedTwice: string[];
  /** Notices (cause × recipient) the history implies. */
  expectedNotices: number;
  /** Implied notices without a delivered mail in the log and in the sink. */
  undelivered: string[];
  sinkMails: number;
  duplicates: Duplicate[];
  /** Mails in the sink that no notice of the history explains (e.g. reminders), by cause kind. */
  unexplained: Record<string, number>;
}

const normaliseId = (id: string) => id.trim().replace(/^<|>$/g, '');

/** Members of a task or notice group (`role`, `scope` as the engine stores them), from the users the harness made. */
export function groupMembers(users: User[], role: string, scope: string): User[] {
  return users.filter((u) => {
    const grants = u.roles.filter((g) => g.role === role);
    if (!grants.length) return false;
    if (scope === '') return true;
    if (scope.startsWith('owner:org:')) return u.organisation === scope.slice('owner:org:'.length);
    if (scope.startsWith('owner:user:')) return u.id === scope.slice('owner:user:'.length);
    const at = scope.indexOf(':');
    const [attribute, value] = at > 0 ? [scope.slice(0, at), scope.slice(at + 1)] : [scope, ''];
    return grants.some((g) => String(g[attribute]) === value);
  });
}

interface HistoryRow {
  profile_id: string;
  seq: number;
  event: string;
  from_state: string | null;
  to_state: string;
  payload: Record<string, unknown>;
  opened: Array<{ key: string; kind: string; role: string; scope: string }>;
}

/**
 * The invariants after the system has settled, read from PostgreSQL and the SMTP sink. Expected open
 * tasks and notices come from the workflow definitions in the registry, not from a copy in the harness.
 */
export async function checkInvariants(args: {
  db: pg.Pool;
  registry: WorkflowRegistry;
  acks: Ack[];
  users: User[];
  mails: SinkMail[];
}): Promise<CheckReport> {
  const { db, registry, acks, users, mails } = args;
  const profiles = (
    await db.query(
      'select id, workflow_id, workflow_version, state, version, snapshot, owner_key from profiles order by created_at',
    )
  ).rows as Array<{
    id: string;
    workflow_id: string;
    workflow_version: number;
    state: string;
    version: number;
    snapshot: { context?: unknown };
    owner_key: string;
  }>;
  // The tasks a transition opened carry its timestamp (one statement writes both).
  const history = (
    await db.query(`
      select h.profile_id, h.seq, h.event, h.from_state, h.to_state, h.payload,
             coalesce(json_agg(json_build_object('key', t.key, 'kind', t.kind, 'role', t.assignee_role,
                      'scope', t.assignee_scope)) filter (where t.id is not null), '[]') as opened
      from profile_history h
      left join tasks t on t.profile_id = h.profile_id and t.created_at = h.at
      group by h.id order by h.profile_id, h.seq`)
  ).rows as HistoryRow[];
  const openTasks = (await db.query(`select profile_id, key, assignee_role from tasks where status = 'open'`))
    .rows as Array<{ profile_id: string; key: string; assignee_role: string }>;
  const outbox = (await db.query(`select cause, payload from outbox where topic = 'transition'`)).rows as Array<{
    cause: string;
    payload: { notices?: Array<{ cause: string; template: string; recipients: { role: string; scope: string } }> };
  }>;
  const deliveries = (await db.query(`select cause, lower(email) as email, message_id, status from mail_deliveries`))
    .rows as Array<{ cause: string; email: string; message_id: string; status: string }>;
  const decisions = (
    await db.query(`
      select p.id from profiles p
      where (select count(*) from profile_history h where h.profile_id = p.id and h.event in ('CONFIRM', 'DEFER'))
          > (select count(*) from session_agenda a where a.profile_id = p.id and a.decision_event is not null)`)
  ).rows as Array<{ id: string }>;

  const byProfile = new Map(profiles.map((p) => [p.id, p]));
  const historyKey = new Map(history.map((h) => [`${h.profile_id}:${h.seq}`, h]));

  const lost: string[] = [];
  for (const a of acks) {
    if (a.event === 'DEADLINE') {
      const found = history.some(
        (h) =>
          h.profile_id === a.profileId &&
          h.event === 'DEADLINE' &&
          h.payload.taskId === a.taskId &&
          typeof h.payload.to === 'string' &&
          new Date(h.payload.to).getTime() === new Date(a.dueAt ?? '').getTime(),
      );
      if (!found) lost.push(`${a.profileId} DEADLINE ${a.taskId} → ${a.dueAt}`);
      continue;
    }
    const h = historyKey.get(`${a.profileId}:${a.version}`);
    if (!h || h.event !== a.event)
      lost.push(`${a.profileId} v${a.version} ${a.event} (history: ${h?.event ?? 'none'})`);
  }

  const historyGaps: string[] = [];
  const seqs = new Map<string, number[]>();
  for (const h of history) seqs.set(h.profile_id, [...(seqs.get(h.profile_id) ?? []), h.seq]);
  for (const p of profiles) {
    const s = seqs.get(p.id) ?? [];
    if (s.length !== p.version || s.some((v, i) => v !== i + 1)) {
      historyGaps.push(`${p.id}: version ${p.version}, history seqs ${s.join(',')}`);
    }
  }

  const tasksOutOfStep: string[] = [];
  const openBy = new Map<string, string[]>();
  for (const t of openTasks)
    openBy.set(t.profile_id, [...(openBy.get(t.profile_id) ?? []), `${t.key}@${t.assignee_role}`]);
  for (const p of profiles) {
    const definition = registry.get(p.workflow_id, p.workflow_version);
    const wanted = definition
      .tasks({ state: p.state, context: p.snapshot.context })
      .map((t: TaskSpec) => `${t.key}@${t.role}`)
      .sort();
    const open = (openBy.get(p.id) ?? []).sort();
    if (wanted.join('|') !== open.join('|')) {
      tasksOutOfStep.push(`${p.id} in ${p.state}: open [${open.join(', ')}], wanted [${wanted.join(', ')}]`);
    }
  }

  // Notices: what each history entry implies by the definition, the outbox row's cause for it, its recipients.
  const outboxBy = new Map(outbox.map((o) => [o.cause, o.payload]));
  const delivered = new Map(deliveries.map((d) => [`${d.cause}|${d.email}`, d]));
  const sinkBy = new Map<string, SinkMail[]>();
  for (const m of mails) {
    const id = normaliseId(m.messageId);
    sinkBy.set(id, [...(sinkBy.get(id) ?? []), m]);
  }
  const undelivered: string[] = [];
  const explained = new Set<string>();
  let expectedNotices = 0;
  for (const h of history) {
    const p = byProfile.get(h.profile_id);
    if (!p) continue;
    const definition = registry.get(p.workflow_id, p.workflow_version);
    if (!(h.event in definition.events)) continue; // CREATE, EDIT, DEADLINE cause no notices
    const notices = definition.notifications({
      event: h.event,
      from: h.from_state ?? '',
      to: h.to_state,
      context: p.snapshot.context,
      payload: h.payload,
      openedTasks: h.opened.map((t) => ({
        key: t.key,
        kind: t.kind,
        role: t.role,
        ...(t.scope === '' ? {} : { scope: t.scope.startsWith('owner:') ? 'owner' : t.scope }),
      })),
    });
    const written = outboxBy.get(`transition:${h.profile_id}:${h.seq}`)?.notices ?? [];
    for (const n of notices) {
      const scope = n.scope === 'owner' ? `owner:${p.owner_key}` : (n.scope ?? '');
      const row = written.find(
        (w) => w.template === n.template && w.recipients.role === n.role && w.recipients.scope === scope,
      );
      const recipients = groupMembers(users, n.role, scope);
      expectedNotices += recipients.length;
      if (!row) {
        undelivered.push(`${h.profile_id} #${h.seq} ${h.event}: ${n.template} to ${n.role}:${scope} not in the outbox`);
        continue;
      }
      for (const u of recipients) {
        const d = delivered.get(`${row.cause}|${u.email.toLowerCase()}`);
        const inSink = d
          ? (sinkBy.get(normaliseId(d.message_id)) ?? []).some((m) => m.to === u.email.toLowerCase())
          : false;
        if (d) explained.add(normaliseId(d.message_id));
        if (d?.status !== 'delivered' || !inSink) {
          undelivered.push(`${row.cause} → ${u.email}: log ${d?.status ?? 'none'}, sink ${inSink ? 'yes' : 'no'}`);
        }
      }
    }
  }

  const duplicates: Duplicate[] = [];
  const unexplained: Record<string, number> = {};
  for (const [id, copies] of sinkBy) {
    const first = copies[0] as SinkMail;
    if (copies.length > 1) {
      duplicates.push({
        messageId: id,
        cause: first.cause,
        to: first.to,
        copies: copies.length,
        at: copies.map((c) => c.at),
      });
    }
    if (!explained.has(id)) {
      const kind = first.cause.split(':')[0] || '(no cause header)';
      unexplained[kind] = (unexplained[kind] ?? 0) + copies.length;
    }
  }

  return {
    acknowledged: acks.length,
    lost,
    historyGaps,
    tasksOutOfStep,
    decidedTwice: decisions.map((d) => d.id),
    expectedNotices,
    undelivered,
    sinkMails: mails.length,
    duplicates,
    unexplained,
  };
}
