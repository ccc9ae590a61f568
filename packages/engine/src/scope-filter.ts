import { z } from 'zod';
import type { Label } from './definition.js';
import { ValidationFailed } from './errors.js';
import type { WorkflowRegistry } from './registry.js';

/**
 * Scope attributes as request filters: every attribute a role of the registry is scoped by (a panel, a
 * region, a department …) is a filter name, and its values are the ones that
 * role's definition accepts. The API and the CLI know none of them by name.
 */
export interface ScopeAttribute {
  name: string;
  /** Labels of the roles scoped by it, for documentation and help texts. */
  roles: Label[];
  values: Array<z.ZodType<string | number>>;
}

export function scopeAttributes(registry: WorkflowRegistry): ScopeAttribute[] {
  const byName = new Map<string, ScopeAttribute>();
  for (const spec of registry.roles.values()) {
    if (spec.scope.kind !== 'attribute') continue;
    const attribute = byName.get(spec.scope.attribute) ?? { name: spec.scope.attribute, roles: [], values: [] };
    attribute.roles.push(spec.label);
    attribute.values.push(spec.scope.values);
    byName.set(spec.scope.attribute, attribute);
  }
  return [...byName.values()];
}

/**
 * A scope value as the profiles' `scope` stores it (text), or null when no role's schema accepts it.
 * Values from a query string are text, so a numeric text is also tried as a number.
 */
export function scopeValueOf(attribute: ScopeAttribute, value: unknown): string | null {
  const candidates = typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? [value, Number(value)] : [value];
  for (const schema of attribute.values) {
    for (const candidate of candidates) {
      const parsed = schema.safeParse(candidate);
      if (parsed.success) return String(parsed.data);
    }
  }
  return null;
}

/** Optional text fields, one per scope attribute, to extend a request schema with (documented as such). */
export function scopeFilterShape(registry: WorkflowRegistry): Record<string, z.ZodOptional<z.ZodString>> {
  return Object.fromEntries(
    scopeAttributes(registry).map((a) => [
      a.name,
      z
        .string()
        .max(100)
        .optional()
        .describe(`Scope filter (${a.roles.map((r) => `${r.de} / ${r.en}`).join('; ')})`),
    ]),
  );
}

/**
 * The scope pairs named in `input` (only keys that are scope attributes), each checked against the
 * definitions: a value no role accepts is a 422 naming the field.
 */
export function parseScopeFilter(
  registry: WorkflowRegistry,
  input: Record<string, unknown>,
  prefix: string,
): Record<string, string> {
  const filter: Record<string, string> = {};
  const issues = [];
  for (const attribute of scopeAttributes(registry)) {
    const raw = input[attribute.name];
    if (raw === undefined) continue;
    const value = scopeValueOf(attribute, raw);
    if (value === null)
      issues.push({ path: `${prefix}.${attribute.name}`, message: 'unbekannter Wert / unknown value' });
    else filter[attribute.name] = value;
  }
  if (issues.length) throw new ValidationFailed('Ungültiger Filter. / Invalid filter.', issues);
  return filter;
}
