import { parseOrThrow, ValidationFailed } from '@steckbrief/engine';
import type { Request } from 'express';
import type { z } from 'zod';

export const body = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
  parseOrThrow(schema, req.body ?? {}, { prefix: 'body' });

export const query = <S extends z.ZodType>(schema: S, req: Request): z.output<S> =>
  parseOrThrow(schema, req.query, { prefix: 'query' });

/** `If-Match: "<version>"` (weak or strong, one value). Absent → undefined; malformed → 400-class problem. */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.get('if-match');
  if (raw === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!match) {
    throw new ValidationFailed('If-Match muss eine Version wie "3" sein. / If-Match must be a version like "3".', [
      { path: 'header.If-Match', message: 'ungültig / invalid' },
    ]);
  }
  return Number(match[1]);
}

export function idempotencyKey(req: Request): string | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
    throw new ValidationFailed(
      'Idempotency-Key: 1 bis 200 sichtbare ASCII-Zeichen. / 1 to 200 visible ASCII characters.',
      [{ path: 'header.Idempotency-Key', message: 'ungültig / invalid' }],
    );
  }
  return raw;
}

export const etag = (version: number) => `"${version}"`;
