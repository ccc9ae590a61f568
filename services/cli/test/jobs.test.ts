import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { jobIds, type Queues } from '@steckbrief/queues';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

let database: TestDatabase;
let redis: TestQueues;
let queues: Queues;

beforeAll(async () => {
  database = await createTestDatabase('cli_jobs');
  redis = createTestQueues('cli_jobs');
  queues = redis.queues;
});

afterAll(async () => {
  await redis?.destroy();
  await database?.destroy();
});

const run = (...args: string[]) => cliRunner(database, () => queues)(...args);
const failedJob = (queue: Queues['outbox'], reason: string) => redis.failedJob(queue, reason, { timerId: '1' });

describe('jobs', () => {
  it('lists failed jobs with their errors', async () => {
    const id = await failedJob(queues.timers, 'timer row vanished');
    const lines = await run('jobs', 'failed', '--queue', 'timers');
    expect(lines.find((l) => l.startsWith(`timers  ${id} `))).toContain('timer row vanished');
    expect(lines.at(-1)).toBe('1 failed job(s)');
    await run('jobs', 'retry', '--all');
  });

  it('moves a named failed job back to waiting', async () => {
    const id = await failedJob(queues.outbox, 'relay exploded');
    const other = await failedJob(queues.outbox, 'another');
    const lines = await run('jobs', 'retry', '--queue', 'outbox', id);
    expect(lines).toContain(`outbox ${id}: retried`);
    expect(await queues.outbox.getJobState(id)).toBe('waiting');
    expect(await queues.outbox.getJobState(other)).toBe('failed');
  });

  it('retries every failed job with --all, and refuses ids that are not failed jobs', async () => {
    const timer = await failedJob(queues.timers, 'boom');
    await run('jobs', 'retry', '--all');
    expect(await queues.timers.getJobState(timer)).toBe('waiting');
    expect(await queues.outbox.getFailedCount()).toBe(0);
    await expect(run('jobs', 'retry', 'no-such-job')).rejects.toThrow(/not a failed job.*no-such-job/);
    await expect(run('jobs', 'retry')).rejects.toThrow(/--all/);
  });
});

describe('mails', () => {
  async function failedMail(cause: string) {
    return database.db
      .insertInto('mail_deliveries')
      .values({
        cause,
        recipient_id: randomUUID(),
        email: 'erika.muster@example.org',
        message_id: `<${randomUUID()}@steckbrief.test>`,
        subject: 'Status',
        text_body: 'Text',
        html_body: '<p>Text</p>',
        status: 'failed',
        attempts: 8,
        last_error: '550 5.1.1 Mailbox unavailable',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  it('lists failed mails and sets a retried one back to pending with its cause enqueued', async () => {
    const cause = `notify:${randomUUID()}:2:state_changed:applicant:owner:org:Burg`;
    const mail = await failedMail(cause);
    const untouched = await failedMail(`notify:${randomUUID()}:2:state_changed:applicant:owner:org:Burg`);

    const listed = await run('mails', 'failed');
    expect(listed.find((l) => l.startsWith(`${mail.id} `))).toContain('550 5.1.1 Mailbox unavailable');

    const lines = await run('mails', 'retry', mail.id);
    expect(lines).toContain('1 mail(s) back to pending, 1 cause(s) enqueued');
    const row = await database.db
      .selectFrom('mail_deliveries')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', mail.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', attempts: 0, last_error: null });
    const job = await queues.mail.getJob(jobIds.mail(cause));
    expect(job?.data).toEqual({ cause });
    expect(await job?.getState()).toBe('waiting');

    const other = await database.db
      .selectFrom('mail_deliveries')
      .select('status')
      .where('id', '=', untouched.id)
      .executeTakeFirstOrThrow();
    expect(other.status).toBe('failed');
    await expect(run('mails', 'retry', mail.id)).rejects.toThrow(/not a failed mail/);
  });
});
