import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Actor,
  actorInfo,
  assigneeScope,
  canSee,
  grantReaches,
  hasRole,
  ownerKeyOf,
  type ProfileAccessFacts,
  reachingRoles,
  seesOnlyAsOwner,
  taskGroupsOf,
} from '../src/access.js';
import type { RoleSpec } from '../src/definition.js';
import { createRegistry } from '../src/registry.js';
import { actor, applicant, northPanel, OWNER_KEY, office, review, southPanel } from './fixture.js';

const roles = createRegistry([review]).roles;
const spec = (role: string) => roles.get(role);

const draft: ProfileAccessFacts = { owner_key: OWNER_KEY, scope: {}, submitted_at: null };
const submitted: ProfileAccessFacts = { owner_key: OWNER_KEY, scope: {}, submitted_at: new Date() };
const northProfile: ProfileAccessFacts = { ...submitted, scope: { panel: ['north'] } };

const reaches = (a: Actor, profile: ProfileAccessFacts) =>
  a.grants.map((g) => grantReaches(g, spec(g.role), a, profile));

describe('ownerKeyOf', () => {
  it('keys a profile by the organisation when the applicant has one', () => {
    expect(ownerKeyOf({ userId: 'u-1', organisation: 'org-7' })).toBe('org:org-7');
  });

  it('keys a profile by the user when the applicant has no organisation', () => {
    expect(ownerKeyOf({ userId: 'u-1', organisation: null })).toBe('user:u-1');
  });
});

describe('grantReaches', () => {
  it('lets an owner-scoped grant reach its organisation’s profiles, drafts included', () => {
    expect(reaches(applicant, draft)).toEqual([true]);
    expect(reaches(applicant, submitted)).toEqual([true]);
  });

  it('keeps an owner-scoped grant away from another organisation’s profiles', () => {
    const other = actor([{ role: 'applicant' }], { userId: 'u-applicant', organisation: 'org-2' });
    expect(reaches(other, submitted)).toEqual([false]);
  });

  it('lets a user without an organisation reach only the profiles they own personally', () => {
    const person = actor([{ role: 'applicant' }], { userId: 'u-9' });
    expect(reaches(person, { ...draft, owner_key: 'user:u-9' })).toEqual([true]);
    expect(reaches(person, { ...draft, owner_key: 'user:u-8' })).toEqual([false]);
  });

  it('lets a role scoped to all reach every submitted profile and no draft', () => {
    expect(reaches(office, submitted)).toEqual([true]);
    expect(reaches(office, draft)).toEqual([false]);
  });

  it('lets an attribute grant reach a submitted profile whose scope lists its value', () => {
    expect(reaches(northPanel, northProfile)).toEqual([true]);
    expect(reaches(southPanel, northProfile)).toEqual([false]);
  });

  it('compares a numeric grant value with the scope’s string values', () => {
    const werkstatt: RoleSpec = {
      label: { de: 'Werkstatt', en: 'Werkstatt' },
      scope: { kind: 'attribute', attribute: 'werkstatt', values: z.number().int() },
    };
    const member = actor([{ role: 'werkstatt', werkstatt: 4 }]);
    const profile = { ...submitted, scope: { werkstatt: ['4'] } };
    expect(grantReaches(member.grants[0]!, werkstatt, member, profile)).toBe(true);
  });

  it('keeps an attribute grant away from a draft even when the scope lists its value', () => {
    expect(reaches(northPanel, { ...northProfile, submitted_at: null })).toEqual([false]);
  });

  it('keeps an attribute grant without the attribute’s value away from every profile', () => {
    const vague = actor([{ role: 'panel' }]);
    expect(reaches(vague, northProfile)).toEqual([false]);
  });

  it('reaches nothing with a role the registry does not know', () => {
    const admin = actor([{ role: 'admin' }]);
    expect(grantReaches(admin.grants[0]!, undefined, admin, submitted)).toBe(false);
  });

  it('reaches nothing for the bootstrap admin token, which has no user', () => {
    const token: Actor = { userId: null, organisation: null, grants: [{ role: 'office' }] };
    expect(reaches(token, submitted)).toEqual([false]);
  });
});

describe('canSee', () => {
  it('shows a profile when any one of the actor’s grants reaches it', () => {
    const both = actor([
      { role: 'panel', panel: 'south' },
      { role: 'panel', panel: 'north' },
    ]);
    expect(canSee(roles, both, northProfile)).toBe(true);
  });

  it('hides a profile when none of the actor’s grants reaches it', () => {
    expect(canSee(roles, southPanel, northProfile)).toBe(false);
    expect(canSee(roles, office, draft)).toBe(false);
    expect(canSee(roles, actor([]), submitted)).toBe(false);
  });
});

describe('seesOnlyAsOwner', () => {
  it('is true when every grant that reaches the profile is owner-scoped', () => {
    expect(seesOnlyAsOwner(roles, applicant, submitted)).toBe(true);
  });

  it('is false when a grant scoped otherwise reaches the profile as well', () => {
    const applicantAndOffice = actor([{ role: 'applicant' }, { role: 'office' }], { organisation: 'org-1' });
    expect(seesOnlyAsOwner(roles, applicantAndOffice, submitted)).toBe(false);
    expect(seesOnlyAsOwner(roles, office, submitted)).toBe(false);
  });

  it('ignores owner grants that do not reach the profile, and is false when nothing reaches it', () => {
    const otherApplicantInPanel = actor([{ role: 'applicant' }, { role: 'panel', panel: 'north' }], {
      organisation: 'org-2',
    });
    expect(seesOnlyAsOwner(roles, otherApplicantInPanel, northProfile)).toBe(false);
    expect(seesOnlyAsOwner(roles, southPanel, northProfile)).toBe(false);
  });
});

describe('reachingRoles', () => {
  const officeAndNorth = actor([{ role: 'office' }, { role: 'panel', panel: 'north' }, { role: 'applicant' }], {
    organisation: 'org-2',
  });

  it('lists the wanted roles whose grants reach the profile', () => {
    expect(reachingRoles(roles, officeAndNorth, northProfile, ['office', 'panel'])).toEqual(['office', 'panel']);
  });

  it('leaves out roles that are not wanted and wanted roles that do not reach', () => {
    expect(reachingRoles(roles, officeAndNorth, northProfile, ['panel'])).toEqual(['panel']);
    expect(reachingRoles(roles, officeAndNorth, northProfile, ['applicant'])).toEqual([]);
    expect(reachingRoles(roles, officeAndNorth, { ...submitted, scope: { panel: ['south'] } }, ['panel'])).toEqual([]);
  });
});

describe('taskGroupsOf', () => {
  it('names one (role, scope) group per grant, in the form tasks are stored', () => {
    const many = actor([{ role: 'office' }, { role: 'applicant' }, { role: 'panel', panel: 'north' }], {
      userId: 'u-5',
      organisation: 'org-3',
    });
    expect(taskGroupsOf(roles, many)).toEqual([
      ['office', ''],
      ['applicant', 'owner:org:org-3'],
      ['panel', 'panel:north'],
    ]);
  });

  it('skips unknown roles and attribute grants without a value', () => {
    expect(taskGroupsOf(roles, actor([{ role: 'admin' }, { role: 'panel' }]))).toEqual([]);
  });

  it('gives the bootstrap admin token no task group', () => {
    expect(taskGroupsOf(roles, { userId: null, organisation: null, grants: [{ role: 'office' }] })).toEqual([]);
  });
});

describe('hasRole, assigneeScope and actorInfo', () => {
  it('tells whether the actor holds a role at all, whatever its scope', () => {
    expect(hasRole(northPanel, 'panel')).toBe(true);
    expect(hasRole(northPanel, 'office')).toBe(false);
  });

  it('stores a task’s scope as owner:<owner key>, the attribute pair, or empty for the whole role', () => {
    expect(assigneeScope('owner', OWNER_KEY)).toBe(`owner:${OWNER_KEY}`);
    expect(assigneeScope('panel:north', OWNER_KEY)).toBe('panel:north');
    expect(assigneeScope(undefined, OWNER_KEY)).toBe('');
  });

  it('hands the machine an empty user id for the bootstrap admin token', () => {
    expect(actorInfo({ userId: null, organisation: null, grants: [] })).toEqual({
      userId: '',
      organisation: null,
      grants: [],
    });
  });
});
