import { canSee, createRegistry, defineWorkflow } from '@steckbrief/engine';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';
import { sachsenStrukturentwicklung } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { describe, expect, it } from 'vitest';
import { buildRegistry, WORKFLOWS } from '../src/index.js';

/** Both pipelines in one deployment: the registry built from the deployment list. */

const submitted = (workflow_id: string) => ({
  workflow_id,
  owner_key: 'org:someone',
  scope: {},
  submitted_at: new Date('2026-11-30T10:00:00Z'),
});
const actor = (role: string) => ({ userId: `u-${role}`, organisation: null, grants: [{ role }] });

describe('the deployment list', () => {
  it('registers Brandenburg (versions 1 and 2) and Saxony, with Brandenburg as the default workflow', () => {
    const registry = buildRegistry();
    expect(WORKFLOWS.map((w) => `${w.id}@${w.version}`)).toEqual([
      'lausitz-brandenburg@1',
      'lausitz-brandenburg@2',
      'sachsen-strukturentwicklung@1',
    ]);
    expect(registry.defaultWorkflowId).toBe('lausitz-brandenburg');
    expect(registry.get('sachsen-strukturentwicklung').sessions?.rba?.scopeAttribute).toBe('revier');
  });

  it('starts new Brandenburg profiles on version 1 unless the deployment configures version 2', () => {
    expect(buildRegistry().get('lausitz-brandenburg').version).toBe(1);
    expect(buildRegistry({}, { 'lausitz-brandenburg': 2 }).get('lausitz-brandenburg').version).toBe(2);
    expect(
      buildRegistry()
        .versions('lausitz-brandenburg')
        .map((d) => d.version),
    ).toEqual([1, 2]);
    expect(() => buildRegistry({}, { 'lausitz-brandenburg': 3 })).toThrow(
      'workflow lausitz-brandenburg@3: configured for new profiles but not registered',
    );
  });

  it('shares only the owner-scoped applicant role name, declared by both workflows', () => {
    const registry = buildRegistry();
    const shared = Object.keys(sachsenStrukturentwicklung.roles).filter((r) => r in lausitzBrandenburg.roles);
    expect(shared).toEqual(['applicant']);
    expect(registry.roles.get('applicant')?.workflows).toEqual(['lausitz-brandenburg', 'sachsen-strukturentwicklung']);
    expect(registry.roles.get('sas')?.workflows).toEqual(['sachsen-strukturentwicklung']);
  });

  it('lets a role that sees every submitted profile see only those of the workflows that declare it', () => {
    const registry = buildRegistry();
    expect(canSee(registry.roles, actor('sas'), submitted('sachsen-strukturentwicklung'))).toBe(true);
    expect(canSee(registry.roles, actor('sas'), submitted('lausitz-brandenburg'))).toBe(false);
    expect(canSee(registry.roles, actor('wrl'), submitted('lausitz-brandenburg'))).toBe(true);
    expect(canSee(registry.roles, actor('wrl'), submitted('sachsen-strukturentwicklung'))).toBe(false);
  });

  it('refuses a second workflow that scopes a Brandenburg role name differently', () => {
    const clash = defineWorkflow({
      ...sachsenStrukturentwicklung,
      id: 'clash',
      roles: {
        ...sachsenStrukturentwicklung.roles,
        wrl: sachsenStrukturentwicklung.roles.landkreis,
      },
    });
    expect(() => createRegistry([lausitzBrandenburg, clash])).toThrow('role "wrl" is scoped differently in clash');
  });
});
