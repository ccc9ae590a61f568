import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canSee, type ProfileAccessFacts } from '../src/access.js';
import { defineWorkflow } from '../src/definition.js';
import { createRegistry } from '../src/registry.js';
import { parseScopeFilter, scopeAttributes, scopeValueOf } from '../src/scope-filter.js';
import { office, review } from './fixture.js';

/** Scope attributes as request filters, and roles that reach only the profiles of their own workflows. */

const other = defineWorkflow({ ...review, id: 'other', label: { de: 'Andere', en: 'Other' } });
const registry = createRegistry([review]);

describe('scopeAttributes', () => {
  it('lists each attribute a role is scoped by once, with the roles’ labels', () => {
    expect(scopeAttributes(registry).map((a) => [a.name, a.roles.map((r) => r.en)])).toEqual([['panel', ['Panel']]]);
  });
});

describe('parseScopeFilter', () => {
  it('keeps the attribute values a role accepts, as the text the profiles’ scope stores', () => {
    expect(parseScopeFilter(registry, { panel: 'north', state: 'review' }, 'query')).toEqual({ panel: 'north' });
    expect(parseScopeFilter(registry, {}, 'query')).toEqual({});
  });

  it('refuses a value no role accepts, naming the field', () => {
    expect(() => parseScopeFilter(registry, { panel: 'west' }, 'query')).toThrow(
      expect.objectContaining({ status: 422, issues: [{ path: 'query.panel', message: expect.any(String) }] }),
    );
  });
});

describe('scopeValueOf', () => {
  it('reads a numeric text as a number when the schema wants one', () => {
    const numbered = { name: 'n', roles: [], values: [z.number().int().min(1).max(5)] };
    expect(scopeValueOf(numbered, '4')).toBe('4');
    expect(scopeValueOf(numbered, 4)).toBe('4');
    expect(scopeValueOf(numbered, '6')).toBeNull();
    expect(scopeValueOf(numbered, 'vier')).toBeNull();
  });
});

describe('roles in a registry of two workflows', () => {
  const both = createRegistry([review, other]);
  const submitted = (workflow_id: string): ProfileAccessFacts => ({
    workflow_id,
    owner_key: 'org:x',
    scope: {},
    submitted_at: new Date(),
  });

  it('remember every workflow that declares them', () => {
    expect(both.roles.get('office')?.workflows).toEqual(['review', 'other']);
  });

  it('reach the profiles of each declaring workflow and of no other', () => {
    const onlyReview = createRegistry([review]);
    expect(canSee(both.roles, office, submitted('other'))).toBe(true);
    expect(canSee(onlyReview.roles, office, submitted('review'))).toBe(true);
    expect(canSee(onlyReview.roles, office, submitted('elsewhere'))).toBe(false);
  });
});
