import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  attributeScope,
  isOwnerScope,
  noticeCause,
  ownerKey,
  ownerScope,
  parseGroupScope,
  resolveScope,
  transitionCause,
} from '../src/keys.js';
import { profileChangePayload } from '../src/outbox-payload.js';
import { outboxRowOf, type ProfileChange } from '../src/writer.js';

const PROFILE = randomUUID();
const AT = new Date('2026-11-30T10:00:00.000Z');
const DUE = new Date('2026-12-07T10:00:00.000Z');

/** A change with one of each: an opened, a moved and a closed task, and two notices. */
function change(over: Partial<ProfileChange> = {}): ProfileChange {
  return {
    profileId: PROFILE,
    workflowId: 'review',
    expectedVersion: 4,
    at: AT,
    history: { event: 'SUBMIT', from: 'draft', to: 'submitted', actorId: null },
    openTasks: [
      {
        id: randomUUID(),
        key: 'triage',
        kind: 'triage',
        state: 'submitted',
        assignee_role: 'office',
        assignee_scope: '',
        due_at: DUE,
      },
    ],
    dueChanges: [{ taskId: randomUUID(), kind: 'decide', dueAt: null }],
    closeTasks: [{ id: randomUUID(), kind: 'complete', status: 'done' }],
    notices: [
      {
        template: 'state_changed',
        role: 'applicant',
        scope: ownerScope(ownerKey({ organisation: 'X', userId: null })),
      },
      { template: 'task_assigned', role: 'office', scope: '' },
    ],
    ...over,
  };
}

describe('the outbox row of a profile change', () => {
  it('is one transition row keyed by profile and new version, whose payload the worker’s schema reads back', () => {
    const c = change();
    const row = outboxRowOf(c);
    expect(row?.topic).toBe('transition');
    expect(row?.cause).toBe(transitionCause(PROFILE, 5));
    const parsed = profileChangePayload.parse(JSON.parse(JSON.stringify(row?.payload)));
    expect(parsed.seq).toBe(5);
    expect(parsed.notices.map((n) => n.cause)).toEqual([
      `notify:${PROFILE}:5:state_changed:applicant:owner:org:X`,
      `notify:${PROFILE}:5:task_assigned:office:`,
    ]);
    expect(parsed.tasks).toEqual([
      {
        change: 'opened',
        taskId: c.openTasks?.[0]?.id,
        kind: 'triage',
        dueAt: DUE,
        assignee: { role: 'office', scope: '' },
      },
      { change: 'due', taskId: c.dueChanges?.[0]?.taskId, kind: 'decide', dueAt: null },
      { change: 'closed', taskId: c.closeTasks?.[0]?.id, kind: 'complete', status: 'done' },
    ]);
  });

  it('is not written for a change that notifies nobody and touches no task', () => {
    expect(outboxRowOf(change({ openTasks: [], dueChanges: [], closeTasks: [], notices: [] }))).toBeNull();
  });

  it('has a payload schema that refuses a task entry without its kind of change', () => {
    const row = outboxRowOf(change());
    const legacy = { ...row?.payload, tasks: [{ taskId: randomUUID(), kind: 'x', closed: 'done' }] };
    expect(profileChangePayload.safeParse(legacy).success).toBe(false);
  });
});

describe('the keys', () => {
  it('build a notice cause whose group scope keeps its own colons', () => {
    expect(
      noticeCause({ profileId: 'p', seq: 2, template: 't', role: 'panel', scope: attributeScope('panel', 'north') }),
    ).toBe('notify:p:2:t:panel:panel:north');
  });

  it('read back every kind of group scope', () => {
    expect(parseGroupScope('')).toEqual({ kind: 'all' });
    expect(parseGroupScope(ownerScope(ownerKey({ organisation: 'O', userId: 'u' })))).toEqual({
      kind: 'owner-org',
      organisation: 'O',
    });
    expect(parseGroupScope(ownerScope(ownerKey({ organisation: null, userId: 'u-1' })))).toEqual({
      kind: 'owner-user',
      userId: 'u-1',
    });
    expect(parseGroupScope('region:4')).toEqual({ kind: 'attribute', attribute: 'region', value: '4' });
    expect(parseGroupScope('panel')).toEqual({ kind: 'attribute', attribute: 'panel', value: '' });
  });

  it('resolve a declared scope for a profile’s owner, and tell the owner’s groups apart', () => {
    expect(resolveScope('owner', 'org:O')).toBe('owner:org:O');
    expect(resolveScope('panel:north', 'org:O')).toBe('panel:north');
    expect(resolveScope(undefined, 'org:O')).toBe('');
    expect(isOwnerScope('owner:user:u-1')).toBe(true);
    expect(isOwnerScope('panel:north')).toBe(false);
  });
});
