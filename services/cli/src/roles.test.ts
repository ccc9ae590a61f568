import { buildRegistry } from '@steckbrief/workflows';
import { describe, expect, it } from 'vitest';
import { formatGrant, newUserFromOptions, parseRoleOption } from './roles.js';

const registry = buildRegistry();

describe('parseRoleOption', () => {
  it('reads unscoped roles, numeric Werkstatt and ministry codes', () => {
    expect(parseRoleOption(registry, 'applicant')).toEqual({ role: 'applicant' });
    expect(parseRoleOption(registry, 'admin')).toEqual({ role: 'admin' });
    expect(parseRoleOption(registry, 'werkstatt:4')).toEqual({ role: 'werkstatt', werkstatt: 4 });
    expect(parseRoleOption(registry, 'ministry:MIL')).toEqual({ role: 'ministry', ministry: 'MIL' });
  });

  it('refuses a scoped role without its value and an unscoped role with one', () => {
    expect(() => parseRoleOption(registry, 'werkstatt')).toThrow(/needs a werkstatt/);
    expect(() => parseRoleOption(registry, 'ministry:')).toThrow(/needs a ministry/);
    expect(() => parseRoleOption(registry, 'wrl:4')).toThrow(/takes no scope value/);
  });

  it('refuses values outside the workflow’s scope', () => {
    expect(() => parseRoleOption(registry, 'werkstatt:6')).toThrow(/not a valid werkstatt/);
    expect(() => parseRoleOption(registry, 'werkstatt:four')).toThrow(/not a valid werkstatt/);
    expect(() => parseRoleOption(registry, 'ministry:XYZ')).toThrow(/not a valid ministry/);
  });

  it('formats grants back into the option syntax', () => {
    expect(formatGrant({ role: 'werkstatt', werkstatt: 4 })).toBe('werkstatt:4');
    expect(formatGrant({ role: 'wrl' })).toBe('wrl');
  });
});

describe('newUserFromOptions', () => {
  it('turns repeated --role options into a validated user', () => {
    const user = newUserFromOptions(registry, {
      email: 'Reviewer@Example.org',
      name: ' Rita Ressort ',
      organisation: 'Stadt Guben',
      role: ['applicant', 'ministry:MSGIV', 'werkstatt:2'],
    });
    expect(user).toEqual({
      email: 'Reviewer@Example.org',
      name: 'Rita Ressort',
      organisation: 'Stadt Guben',
      roles: [{ role: 'applicant' }, { role: 'ministry', ministry: 'MSGIV' }, { role: 'werkstatt', werkstatt: 2 }],
    });
  });

  it('names every problem: unknown role, bad e-mail, no roles', () => {
    expect(() => newUserFromOptions(registry, { email: 'a@b.de', name: 'A', role: ['pope'] })).toThrow(
      /Unbekannte Rolle/,
    );
    expect(() => newUserFromOptions(registry, { email: 'not-an-email', name: 'A', role: ['wrl'] })).toThrow(/^email:/);
    expect(() => newUserFromOptions(registry, { email: 'a@b.de', name: 'A', role: [] })).toThrow(/^roles:/);
  });
});
