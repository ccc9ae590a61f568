import { BadRequest, parseOrThrow, ValidationFailed } from '@steckbrief/engine';
import type { Request } from 'express';
import type { z } from 'zod';

export const body = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
  parseOrThrow(schema, storable(req.body ?? {}, 'body'), { prefix: 'body' });

export const query = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
  parseOrThrow(schema, storable(req.query, 'query'), { prefix: 'query' });

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/**
 * PostgreSQL cannot hold NUL characters or unpaired surrogates in text or jsonb, and recursive code
 * (merge patch) must not meet unbounded nesting: refuse both here as 422 instead of failing with a 500.
 * Iterative, so that the check itself cannot overflow the stack.
 */
function storable<T>(value: T, prefix: string): T {
  const pending: Array<[unknown, string, number]> = [[value, prefix, 0]];
  while (pending.length) {
    const [v, path, depth] = pending.pop() as [unknown, string, number];
    if (typeof v === 'string' && unstorable(v)) {
      throw new ValidationFailed('Die Eingabe enthält ungültige Zeichen. / The input contains invalid characters.', [
        { path, message: 'NUL-Zeichen oder ungültiges Unicode / NUL character or invalid Unicode' },
      ]);
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_DEPTH) {
      throw new ValidationFailed('Die Eingabe ist zu tief verschachtelt. / The input is nested too deeply.', [
        { path, message: `höchstens ${MAX_DEPTH} Ebenen / at most ${MAX_DEPTH} levels` },
      ]);
    }
    for (const [key, child] of Object.entries(v)) {
      if (unstorable(key)) {
        throw new ValidationFailed('Die Eingabe enthält ungültige Zeichen. / The input contains invalid characters.', [
          { path, message: 'Feldname mit NUL-Zeichen oder ungültigem Unicode / field name with invalid characters' },
        ]);
      }
      pending.push([child, `${path}.${key}`, depth + 1]);
    }
  }
  return value;
}

/** `If-Match: "<version>"` (weak or strong, one value). Absent → undefined; malformed → 400. */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.get('if-match');
  if (raw === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!match) {
    throw new BadRequest('If-Match muss eine Version wie "3" sein. / If-Match must be a version like "3".', [
      { path: 'header.If-Match', message: 'ungültig / invalid' },
    ]);
  }
  return Number(match[1]);
}

export function idempotencyKey(req: Request): string | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
    throw new BadRequest('Idempotency-Key: 1 bis 200 sichtbare ASCII-Zeichen. / 1 to 200 visible ASCII characters.', [
      { path: 'header.Idempotency-Key', message: 'ungültig / invalid' },
    ]);
  }
  return raw;
}

export const etag = (version: number) => `"${version}"`;
