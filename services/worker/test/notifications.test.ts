import type { TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps } from '@steckbrief/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeProfile,
  deliveryCounts,
  type People,
  pollUntil,
  type SmtpSink,
  startWorkerTestEnv,
  type WorkerTestEnv,
} from './helpers.js';

let env: WorkerTestEnv;
let database: TestDatabase;
let sink: SmtpSink;
let people: People;
let deps: EngineDeps;
const bounce = (address: string) => address.startsWith('bounce-');

beforeAll(async () => {
  env = await startWorkerTestEnv('worker_notifications', {
    sink: { reject: bounce },
    worker: { mailAttempts: 2, mailBackoffMs: 50 },
  });
  ({ database, sink, people, deps } = env);
});
afterAll(() => env?.stop());

/** Mails for one profile, as `template -> sorted recipients`, once all of its delivery rows are done. */
async function mailsOf(profileId: string, seq: number) {
  const prefix = `notify:${profileId}:${seq}:`;
  await pollUntil(
    async () => {
      // The history entry's one outbox row (topic `transition`), then its mails.
      const open = await database.db
        .selectFrom('outbox')
        .select('id')
        .where('cause', '=', `transition:${profileId}:${seq}`)
        .where('processed_at', 'is', null)
        .execute();
      const unfinished = await database.db
        .selectFrom('mail_deliveries')
        .select('id')
        .where('cause', 'like', `${prefix}%`)
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      return open.length === 0 && unfinished.length === 0;
    },
    20_000,
    `mails of ${prefix}`,
  );
  const got: Record<string, string[]> = {};
  for (const m of sink.messages.filter((m) => m.cause.startsWith(prefix))) {
    const template = m.cause.slice(prefix.length).split(':')[0] as string;
    got[template] = [...(got[template] ?? []), m.to];
  }
  for (const list of Object.values(got)) list.sort();
  return got;
}

const emails = (...ps: Array<{ email: string }>) => ps.map((p) => p.email).sort();

describe('notifications', () => {
  it('sends each transition of the pipeline to the expected people', async () => {
    const p = people;
    const profile = await createProfile(deps, p.applicant1, { data: completeProfile() });
    const send = (actor: typeof p.wrl1, type: string, payload?: unknown) =>
      applyEvent(deps, actor, { profileId: profile.id, type, payload });

    await send(p.applicant1, 'SUBMIT');
    expect(await mailsOf(profile.id, 2)).toEqual({
      state_changed: emails(p.applicant1, p.applicant2),
      task_assigned: emails(p.wrl1, p.wrl2),
    });

    await send(p.wrl1, 'ACCEPT', { werkstatt: 4 });
    expect(await mailsOf(profile.id, 3)).toEqual({
      state_changed: emails(p.applicant1, p.applicant2),
      // plan_agenda for the WRL office, the Votum for Werkstatt 4 only (not Werkstatt 3)
      task_assigned: emails(p.wrl1, p.wrl2, p.werkstatt4),
    });

    await send(p.werkstatt4, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] });
    expect(await mailsOf(profile.id, 4)).toEqual({
      state_changed: emails(p.applicant1, p.applicant2),
      task_assigned: emails(p.mil, p.mwae),
    });

    await send(p.mil, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' });
    await send(p.mwae, 'STATEMENT', { opinion: 'concerns', text: 'Kosten prüfen.' });
    await pollUntil(async () => (await mailsOf(profile.id, 6)).state_changed?.length === 2, 20_000, 'seq 6');
    // The first statement changes no state and opens no task: nobody is written to.
    expect(await mailsOf(profile.id, 5)).toEqual({});
    expect(await mailsOf(profile.id, 6)).toEqual({
      state_changed: emails(p.applicant1, p.applicant2),
      task_assigned: emails(p.commissioner),
    });

    await send(p.commissioner, 'APPROVE');
    expect(await mailsOf(profile.id, 7)).toEqual({
      state_changed: emails(p.applicant1, p.applicant2),
      task_assigned: emails(p.imag),
    });

    await send(p.imag, 'CONFIRM', { priority: 1 });
    const confirmed = await mailsOf(profile.id, 8);
    const applicantTemplate = Object.keys(confirmed);
    expect(applicantTemplate.length).toBe(1);
    expect(confirmed[applicantTemplate[0] as string]).toEqual(emails(p.applicant1, p.applicant2));

    const confirmedMail = sink.messages.find(
      (m) => m.cause.startsWith(`notify:${profile.id}:8:`) && m.to === p.applicant1.email,
    );
    expect(confirmedMail?.subject).toContain('Von der IMAG bestätigt – Kultur- und Sportzentrum Burg (Spreewald)');
    expect(confirmedMail?.text).toContain('Förderantrag bei der ILB stellen');
    expect(confirmedMail?.text).toContain(`https://steckbrief.example.org/profile/${profile.id}`);

    const intakeMail = sink.messages.find((m) => m.cause === `notify:${profile.id}:2:task_assigned:wrl:`);
    expect(intakeMail?.subject).toMatch(
      /^Neue Aufgabe: Eingangsprüfung durchführen – Kultur- und Sportzentrum Burg \(Spreewald\) \/ New task:/,
    );
    expect(intakeMail?.text).toMatch(/Eingangsprüfung durchführen – bis \d+\. \w+ \d{4} um \d{2}:\d{2} Uhr/);
    // The reviewers' notice links to the task's page; the applicant's state change does not.
    const intakeTask = await database.db
      .selectFrom('tasks')
      .select('id')
      .where('profile_id', '=', profile.id)
      .where('kind', '=', 'intake_check')
      .executeTakeFirstOrThrow();
    expect(intakeMail?.text).toContain(`https://steckbrief.example.org/aufgaben/${intakeTask.id}`);
    expect(confirmedMail?.text).not.toContain('/aufgaben/');

    const outsiders = new Set(emails(p.otherApplicant, p.werkstatt3, p.mbjs));
    expect(sink.messages.filter((m) => outsiders.has(m.to))).toEqual([]);
    // One cause, one mail: no Message-ID twice.
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(sink.messages.length);
  });

  it('tells the applicants of a deferral in the IMAG session as a session result', async () => {
    const p = people;
    const profile = await createProfile(deps, p.applicant1, { data: completeProfile() });
    const send = (actor: typeof p.wrl1, type: string, payload?: unknown) =>
      applyEvent(deps, actor, { profileId: profile.id, type, payload });
    await send(p.applicant1, 'SUBMIT');
    await send(p.wrl1, 'ACCEPT', { werkstatt: 4 });
    await send(p.werkstatt4, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] });
    await send(p.mil, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' });
    await send(p.commissioner, 'APPROVE');
    const deferred = await send(p.imag, 'DEFER', { reason: 'Nächste Sitzung.' });
    expect(deferred.profile.state).toBe('imag_pending');
    const seq = deferred.profile.version;
    expect(await mailsOf(profile.id, seq)).toEqual({ session_result: emails(p.applicant1, p.applicant2) });
    const mail = sink.messages.find((m) => m.cause.startsWith(`notify:${profile.id}:${seq}:session_result:`));
    expect(mail?.subject).toMatch(/^Ergebnis der Sitzung: Der IMAG vorgelegt – /);
    // The reason is not in the mail: notices carry no decision, only a link to it.
    expect(mail?.text).not.toContain('Nächste Sitzung.');
  });

  it('escapes a title like <script>alert(1)</script> in the HTML part', async () => {
    const profile = await createProfile(deps, people.applicant1, {
      data: completeProfile({ title: '<script>alert(1)</script>' }),
    });
    await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
    await mailsOf(profile.id, 2);
    const mails = sink.messages.filter((m) => m.cause.startsWith(`notify:${profile.id}:`));
    expect(mails.length).toBe(4);
    for (const m of mails) {
      expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(m.html).not.toContain('<script>');
      expect(m.subject).toContain('<script>alert(1)</script>');
    }
  });

  it('ends a mail the server refuses in a visible failed state with the SMTP error', async () => {
    const bounced = await database.db
      .insertInto('users')
      .values({
        email: 'bounce-wrl@example.org',
        name: 'Bounce',
        organisation: null,
        roles: JSON.stringify([{ role: 'wrl' }]),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
    await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
    const cause = `notify:${profile.id}:2:task_assigned:wrl:`;
    await pollUntil(
      async () => {
        const row = await database.db
          .selectFrom('mail_deliveries')
          .select('status')
          .where('cause', '=', cause)
          .where('recipient_id', '=', bounced.id)
          .executeTakeFirst();
        return row?.status === 'failed';
      },
      20_000,
      'bounced mail fails',
    );
    const row = await database.db
      .selectFrom('mail_deliveries')
      .selectAll()
      .where('cause', '=', cause)
      .where('recipient_id', '=', bounced.id)
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(2);
    expect(row.last_error).toMatch(/550/);
    // The rest of the group still got theirs.
    const others = await mailsOf(profile.id, 2);
    expect(others.task_assigned).toEqual(emails(people.wrl1, people.wrl2));
    await database.db.deleteFrom('users').where('id', '=', bounced.id).execute();
  });

  it('records every mail the server accepted as delivered in the delivery log', async () => {
    const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
    await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
    await mailsOf(profile.id, 2);
    const counts = await deliveryCounts(database.db);
    expect(counts.pending ?? 0).toBe(0);
    expect(counts.sending ?? 0).toBe(0);
    const delivered = await database.db
      .selectFrom('mail_deliveries')
      .select('message_id')
      .where('status', '=', 'delivered')
      .execute();
    expect(delivered.length).toBeGreaterThanOrEqual(4);
    expect(delivered.map((d) => d.message_id).sort()).toEqual(
      [...new Set(sink.messages.map((m) => m.messageId))].sort(),
    );
  });
});
