import type { CheckReport } from './checks.js';
import type { Harness, Probe } from './harness.js';
import { failed, ok } from './http.js';
import type { ServiceProcess } from './services.js';
import { connectedLocalPorts, delay, pollUntil } from './util.js';

/** What a fault did: its window, what counts as recovery, and what it may cost. */
export interface Injected {
  /** When the fault began and when its cause was removed (the server is back, the process restarted). */
  start: number;
  end: number;
  recoveryMs: number | null;
  /** Processes the fault killed or stopped on purpose (the harness restarts them, as a supervisor would). */
  killed: ServiceProcess[];
  /** Duplicate mails the documented window allows for this fault. */
  duplicatesAllowed: number;
  /** Message-IDs the SMTP server had accepted but not yet answered on a connection of a killed worker. */
  inWindow: string[];
  /** Targets this fault violated beyond the common checks. */
  problems: string[];
  notes: string[];
}

export interface Fault {
  id: string;
  label: string;
  /** What "recovery time" measures for this fault. */
  recovery: string;
  /** What this fault asserts beyond the common checks (for the test's title). */
  asserts: string;
  inject(h: Harness, probes: Probe[]): Promise<Injected>;
}

export interface FaultResult {
  id: string;
  label: string;
  recovery: string;
  requests: number;
  failedRequests: number;
  outcomes: Record<string, number>;
  recoveryMs: number | null;
  lost: number;
  duplicates: number;
  duplicatesAllowed: number;
  /** Why mails were sent twice, with counts. */
  duplicateReasons: Record<string, number>;
  settleMs: number;
  relayLatencyMs: number | null;
  listeners: number | null;
  check: CheckReport;
  problems: string[];
  notes: string[];
}

const API_RECOVERY_TARGET_MS = 5_000;

const summarise = (outcomes: Array<number | string>) => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[String(o)] = (counts[String(o)] ?? 0) + 1;
  return counts;
};

/**
 * While PostgreSQL is away each API must answer 503 (not 500, not a reset, not a hang); once it accepts
 * connections again each API must serve within 5 s. Returns the slower API's recovery time.
 */
function judgeOutage(
  probes: Probe[],
  apis: number,
  downAt: number,
  startAt: number,
  upAt: number,
  problems: string[],
): number | null {
  const during = probes.filter((p) => p.t >= downAt && p.t + p.ms <= startAt);
  const wrong = during.filter((p) => p.outcome !== 503);
  if (!during.length) problems.push('no probe request fell into the outage');
  if (wrong.length) {
    problems.push(
      `while PostgreSQL was down the API answered ${JSON.stringify(summarise(wrong.map((p) => p.outcome)))} ` +
        `instead of 503 (${wrong.length} of ${during.length} probes)`,
    );
  }
  const slow = during.filter((p) => p.ms > 5_000);
  if (slow.length) problems.push(`${slow.length} probes took more than 5 s while PostgreSQL was down`);
  return judgeRecovery(probes, apis, upAt, problems, startAt);
}

/** Time from `from` to the end of each API's first 2xx to a request sent after `sentAfter` (the slower API). */
function judgeRecovery(
  probes: Probe[],
  apis: number,
  from: number,
  problems: string[],
  sentAfter = from,
): number | null {
  let worst: number | null = 0;
  for (let api = 0; api < apis; api++) {
    const first = probes.find((p) => p.api === api && p.t >= sentAfter && ok(p.outcome));
    if (!first) {
      problems.push(`api${api + 1} served no request after the fault`);
      worst = null;
      continue;
    }
    const ms = Math.max(0, first.t + first.ms - from);
    if (ms > API_RECOVERY_TARGET_MS) problems.push(`api${api + 1} took ${ms} ms to serve again (target 5000)`);
    if (worst !== null) worst = Math.max(worst, ms);
  }
  return worst;
}

/** Waits (bounded a little past the target) until every API has served a probe that began after `from`. */
async function servedAgain(probes: Probe[], apis: number, from: number): Promise<void> {
  const served = () =>
    Array.from({ length: apis }, (_, api) => api).every((api) =>
      probes.some((p) => p.api === api && p.t >= from && ok(p.outcome)),
    );
  await pollUntil(served, API_RECOVERY_TARGET_MS + 2_000, 'every API serves again', 100).catch(() => undefined);
}

/** Of the given Message-IDs, those whose delivery row is not marked delivered. */
async function unmarked(h: Harness, messageIds: string[]): Promise<string[]> {
  if (!messageIds.length) return [];
  const bare = messageIds.map((id) => id.replace(/^<|>$/g, ''));
  const r = await h.db.query(
    `select message_id from mail_deliveries where status <> 'delivered' and trim(both '<>' from message_id) = any($1)`,
    [bare],
  );
  const open = new Set((r.rows as Array<{ message_id: string }>).map((x) => x.message_id.replace(/^<|>$/g, '')));
  return messageIds.filter((id) => open.has(id.replace(/^<|>$/g, '')));
}

const base = (start: number): Injected => ({
  start,
  end: start,
  recoveryMs: null,
  killed: [],
  duplicatesAllowed: 0,
  inWindow: [],
  problems: [],
  notes: [],
});

export const pgRestart: Fault = {
  id: 'pg-restart',
  asserts: 'the APIs answer 503 or 2xx during the restart and serve again within 5 s',
  label: 'PostgreSQL restarted (`pg_ctl restart -m fast`) under load',
  recovery: 'PostgreSQL accepting connections → first 2xx from each API (the slower one)',
  async inject(h, probes) {
    const r = base(Date.now());
    await h.cluster.restart();
    const upAt = await h.cluster.waitAccepting(30_000);
    r.end = upAt;
    await servedAgain(probes, h.apis.length, r.end);
    r.recoveryMs = judgeRecovery(probes, h.apis.length, upAt, r.problems);
    const wrong = probes.filter((p) => p.t >= r.start && p.t + p.ms <= upAt && !ok(p.outcome) && p.outcome !== 503);
    if (wrong.length) {
      r.problems.push(`during the restart the API answered ${JSON.stringify(summarise(wrong.map((p) => p.outcome)))}`);
    }
    return r;
  },
};

export const pgStop = (seconds: number): Fault => ({
  id: `pg-stop-${seconds}s`,
  asserts: 'the APIs answer 503 while PostgreSQL is down and serve again within 5 s of its start',
  label: `PostgreSQL stopped for ${seconds} s, then started`,
  recovery: 'PostgreSQL accepting connections → first 2xx from each API (the slower one)',
  async inject(h, probes) {
    const r = base(Date.now());
    await h.cluster.stop();
    const downAt = Date.now();
    await delay(seconds * 1_000);
    // Down for sure from the end of `stop` to the start of `start`; up for sure once a connection answers.
    const startAt = Date.now();
    await h.cluster.start();
    const upAt = await h.cluster.waitAccepting(30_000);
    r.end = upAt;
    await servedAgain(probes, h.apis.length, startAt);
    r.recoveryMs = judgeOutage(probes, h.apis.length, downAt, startAt, upAt, r.problems);
    return r;
  },
});

export const pgTerminate: Fault = {
  id: 'pg-terminate',
  asserts: 'the APIs serve again within 5 s',
  label: 'every backend of the application terminated (`pg_terminate_backend`)',
  recovery: 'termination → first 2xx from each API (the slower one)',
  async inject(h, probes) {
    const r = base(Date.now());
    const n = await h.cluster.terminateBackends('steckbrief');
    r.end = Date.now();
    r.notes.push(`${n} backends terminated`);
    await servedAgain(probes, h.apis.length, r.end);
    r.recoveryMs = judgeRecovery(probes, h.apis.length, r.end, r.problems);
    return r;
  },
};

export const redisOutage = (seconds: number): Fault => ({
  id: `redis-stop-${seconds}s`,
  asserts: 'the APIs stay ready (PostgreSQL is their only dependency) and the backlog from the outage is worked off',
  label: `Redis stopped for ${seconds} s, then started empty`,
  recovery: 'Redis back → every outbox row and mail from before that moment done',
  async inject(h) {
    const r = base(Date.now());
    await h.redis.stop();
    await delay((seconds * 1_000) / 2);
    // The API needs Redis only for the queue dashboard: a readiness probe must not take it out of service.
    for (const api of h.apis) {
      const res = await fetch(`http://127.0.0.1:${api.port}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(
        (error: Error) => error,
      );
      const status = res instanceof Error ? res.message : res.status;
      if (status !== 200) r.problems.push(`${api.name} /readyz answered ${status} while only Redis was down`);
    }
    await delay((seconds * 1_000) / 2);
    await h.redis.start();
    r.end = Date.now();
    const failures = h.client.records.filter((x) => x.start >= r.start && x.start <= r.end && failed(x.outcome));
    if (failures.length) {
      r.problems.push(
        `${failures.length} requests failed while only Redis was down: ${JSON.stringify(summarise(failures.map((x) => x.outcome)))}`,
      );
    }
    r.recoveryMs = (await h.drainedSince(r.end, 120_000)) - r.end;
    return r;
  },
});

export const workerKills: Fault = {
  id: 'worker-kill',
  asserts:
    'the SIGTERMed worker exits 0; only mails of the killed worker sent and not yet marked come twice, at most one per connection',
  label: 'worker 1 SIGKILLed while sending, worker 2 stopped with SIGTERM, both restarted',
  recovery: 'SIGKILL → every outbox row and mail from before it done',
  async inject(h) {
    const [w1, w2] = h.workers as [ServiceProcess, ServiceProcess];
    // A slow SMTP answer keeps mails in flight, so the kill lands in the middle of a send.
    h.sink.setDelay(1_500);
    let inFlight: number[] = [];
    let connections: number[] = [];
    await pollUntil(
      () => {
        connections = connectedLocalPorts(w1.pid as number, h.sink.port);
        const mine = new Set(connections);
        inFlight = [...h.sink.inFlightByClientPort()].filter(([port, n]) => mine.has(port) && n > 0).map(([p]) => p);
        return inFlight.length > 0;
      },
      90_000,
      'worker 1 has a mail in flight',
      20,
    );
    const r = base(Date.now());
    const exit1 = await w1.kill('SIGKILL');
    // The window: mails the server accepted from worker 1 whose delivered mark had not committed when it died.
    const unanswered = h.sink.awaitingAnswer(inFlight);
    const accepted = h.sink.mails.filter((m) => connections.includes(m.clientPort)).map((m) => m.messageId);
    r.inWindow = await unmarked(h, accepted);
    r.duplicatesAllowed = connections.length;
    r.notes.push(
      `worker 1 had ${connections.length} SMTP connection(s), ${inFlight.length} with a mail in flight, at the SIGKILL; ` +
        `${unanswered.length} mail(s) accepted by the server and not yet answered, ` +
        `${r.inWindow.length} accepted but not marked delivered`,
    );
    h.sink.setDelay(0);
    const exit2 = await w2.kill('SIGTERM');
    r.killed.push(w1, w2);
    if (exit1.signal !== 'SIGKILL') r.problems.push(`worker 1 ended with ${exit1.code ?? exit1.signal}`);
    if (exit2.code !== 0) {
      r.problems.push(`worker 2 ended with ${exit2.code ?? exit2.signal} after SIGTERM, not 0: ${w2.crashReason()}`);
    }
    await Promise.all([w1.restart(), w2.restart()]);
    r.end = Date.now();
    r.recoveryMs = (await h.drainedSince(r.start, 120_000)) - r.start;
    return r;
  },
};

export const apiKillDuringBatch: Fault = {
  id: 'api-kill-batch',
  asserts: 'the kill lands mid-batch and the batch sent again is answered',
  label: 'API 2 SIGKILLed during a batch decision, restarted',
  recovery: 'SIGKILL → the batch, sent again by the client, answered by the other API',
  async inject(h) {
    h.load.pauseSessions = true;
    try {
      await pollUntil(() => h.load.pool.size >= 8, 120_000, 'eight profiles wait for the IMAG', 250);
      const api2 = h.apis[1] as ServiceProcess;
      let killedAt = 0;
      let committedAtKill = 0;
      const watch: Promise<void>[] = [];
      const report = await h.load.runSession({
        api: 1,
        onSent: (_api, sessionId) => {
          watch.push(
            (async () => {
              // Kill once the first decision of the batch has committed, i.e. in the middle of it.
              await pollUntil(
                async () => {
                  const q = await h.db.query(
                    `select count(*)::int as n from session_agenda where session_id = $1 and decision_event is not null`,
                    [sessionId],
                  );
                  committedAtKill = q.rows[0].n;
                  return committedAtKill > 0;
                },
                30_000,
                'the batch has begun to commit',
                5,
              );
              killedAt = Date.now();
              await api2.kill('SIGKILL');
            })(),
          );
        },
      });
      await Promise.all(watch);
      const r = base(killedAt);
      r.killed.push(api2);
      if (!report) throw new Error('no batch was sent');
      r.notes.push(
        `batch of ${report.size}: ${committedAtKill} decided when the API was killed; the first answer was ${report.firstOutcome}`,
      );
      if (ok(report.firstOutcome)) r.problems.push('the batch finished before the kill: the fault did not land');
      r.recoveryMs = report.answeredAt ? report.answeredAt - killedAt : null;
      if (!report.answeredAt) r.problems.push('the batch sent again was not answered');
      await api2.restart();
      r.end = Date.now();
      return r;
    } finally {
      h.load.pauseSessions = false;
    }
  },
};

const IN_WINDOW = 'accepted by the server but not yet marked delivered when its worker was SIGKILLed';

/** Mails accepted since `from` whose Message-ID the sink had already accepted, each with why it came again. */
function duplicatesSince(h: Harness, from: number, injected: Injected, windowEnd: number) {
  const firstAt = new Map<string, number>();
  const dupes: Array<{ messageId: string; cause: string; reason: string; firstAt: number; againAt: number }> = [];
  h.sink.mails.forEach((m, i) => {
    const first = firstAt.get(m.messageId);
    if (first === undefined) {
      firstAt.set(m.messageId, m.at);
      return;
    }
    if (i < from) return;
    const reason = injected.inWindow.includes(m.messageId)
      ? IN_WINDOW
      : first >= injected.start && first <= windowEnd
        ? 'first copy accepted during the fault, sent again (the delivered mark or the lease did not hold)'
        : 'sent again outside the fault window';
    dupes.push({ messageId: m.messageId, cause: m.cause, reason, firstAt: first, againAt: m.at });
  });
  return dupes;
}

export interface PhaseOptions {
  warmMs: number;
  afterMs: number;
  settleTimeoutMs: number;
}

/** Load on, fault, load on a little longer, load off, settle, check. */
export async function runFault(h: Harness, fault: Fault, o: PhaseOptions): Promise<FaultResult> {
  const phaseStart = Date.now();
  const sinkFrom = h.sink.mails.length;
  h.load.start();
  await delay(o.warmMs);
  const probe = h.probe();
  let injected: Injected;
  try {
    injected = await fault.inject(h, probe.probes);
  } finally {
    await probe.stop();
  }
  await delay(o.afterMs);
  await h.load.stop();

  const problems = [...injected.problems];
  const notes = [...injected.notes];
  // Every process the fault did not kill must still run and answer its probe: nobody restarts them by hand.
  for (const s of h.services) {
    const crashes = s.crashes(phaseStart);
    for (const c of crashes) {
      problems.push(
        `${s.name} (pid ${c.pid}) ended on its own (exit ${c.code ?? c.signal}): ${s.crashReason()} [log: ${s.logFile}]`,
      );
    }
    if (!s.running) {
      await s.restart(); // so that the next faults can run; the crash above fails this one
    } else if (!(await s.healthy())) {
      problems.push(`${s.name} runs but does not answer ${s.healthUrl}`);
    }
  }

  let settleMs = 0;
  try {
    settleMs = await h.settle(o.settleTimeoutMs);
  } catch (error) {
    problems.push(`${(error as Error).message}: ${JSON.stringify(await h.backlog().catch(() => null))}`);
  }
  const check = await h.check();
  let relayLatencyMs: number | null = null;
  let listeners: number | null = null;
  try {
    listeners = await h.listeners();
    relayLatencyMs = await h.relayLatency();
    await h.settle(o.settleTimeoutMs);
  } catch (error) {
    problems.push(`relay probe: ${(error as Error).message}`);
  }
  if (listeners !== h.workers.length) problems.push(`${listeners} LISTEN connections for ${h.workers.length} workers`);
  if (relayLatencyMs !== null && relayLatencyMs > 3_000) {
    problems.push(`the relay took ${Math.round(relayLatencyMs)} ms to pick up a transition: no NOTIFY woke it`);
  }

  // "During the fault" includes its recovery: a restart is over in a second, its consequences are not.
  const windowEnd = injected.end + (injected.recoveryMs ?? 5_000);
  const records = h.client.records.filter((r) => r.start >= injected.start && r.start <= windowEnd);
  const dupes = duplicatesSince(h, sinkFrom, injected, windowEnd);
  if (check.lost.length)
    problems.push(`${check.lost.length} acknowledged changes lost: ${check.lost.slice(0, 5).join('; ')}`);
  if (check.historyGaps.length) problems.push(`history gaps: ${check.historyGaps.slice(0, 5).join('; ')}`);
  if (check.tasksOutOfStep.length) {
    problems.push(
      `${check.tasksOutOfStep.length} profiles with tasks out of step: ${check.tasksOutOfStep.slice(0, 5).join('; ')}`,
    );
  }
  if (check.unexplained.notify) {
    problems.push(`${check.unexplained.notify} notice mails in the sink that no history entry implies`);
  }
  if (check.decidedTwice.length) problems.push(`profiles decided twice: ${check.decidedTwice.join(', ')}`);
  if (check.undelivered.length) {
    problems.push(`${check.undelivered.length} notices undelivered: ${check.undelivered.slice(0, 5).join('; ')}`);
  }
  if (dupes.length) {
    const rel = (t: number) => `${((t - injected.start) / 1000).toFixed(1)} s`;
    const templates = summarise(dupes.map((d) => d.cause.split(':')[3] ?? d.cause));
    notes.push(
      `duplicated mails by template ${JSON.stringify(templates)}; first copies accepted ${rel(Math.min(...dupes.map((d) => d.firstAt)))}–${rel(Math.max(...dupes.map((d) => d.firstAt)))} ` +
        `after the fault began, second copies ${rel(Math.min(...dupes.map((d) => d.againAt)))}–${rel(Math.max(...dupes.map((d) => d.againAt)))}` +
        ` (the fault's cause was removed at ${rel(injected.end)})`,
    );
  }
  const inWindow = dupes.filter((d) => d.reason === IN_WINDOW).length;
  const outside = dupes.filter((d) => d.reason !== IN_WINDOW);
  if (inWindow > injected.duplicatesAllowed) {
    problems.push(
      `${inWindow} mails in flight at the SIGKILL were sent twice, at most ${injected.duplicatesAllowed} allowed`,
    );
  }
  if (outside.length) {
    problems.push(
      `${outside.length} duplicated mails outside the SIGKILL window: ${JSON.stringify(summarise(outside.map((d) => d.reason)))}`,
    );
  }
  return {
    id: fault.id,
    label: fault.label,
    recovery: fault.recovery,
    requests: records.length,
    failedRequests: records.filter((r) => failed(r.outcome)).length,
    outcomes: summarise(records.map((r) => r.outcome)),
    recoveryMs: injected.recoveryMs,
    lost: check.lost.length,
    duplicates: dupes.length,
    duplicatesAllowed: injected.duplicatesAllowed,
    duplicateReasons: summarise(dupes.map((d) => d.reason)),
    settleMs,
    relayLatencyMs,
    listeners,
    check,
    problems,
    notes,
  };
}
