import {
  createUser,
  findUserByEmail,
  issueToken,
  listTokens,
  listUsers,
  revokeTokens,
  setUserDisabled,
  type UserRecord,
} from '@steckbrief/accounts';
import type { CliContext } from './context.js';
import { formatGrant, newUserFromOptions, type UsersCreateOptions } from './roles.js';

export type Out = (line: string) => void;

export async function usersCreate(ctx: CliContext, options: UsersCreateOptions, out: Out): Promise<void> {
  const user = newUserFromOptions(ctx.registry, options);
  const { id, token } = await createUser(ctx.db, user);
  out(`id:    ${id}`);
  out(`token: ${token}`);
  out('The token is shown only once; store it now.');
}

/** A new token for an existing user; earlier tokens stay valid. */
export async function usersToken(ctx: CliContext, email: string, out: Out): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw new Error(`no user with e-mail ${email}`);
  if (user.disabledAt) throw new Error(`user ${email} is disabled`);
  const token = await issueToken(ctx.db, user.id, 'cli');
  out(`id:    ${user.id}`);
  out(`token: ${token}`);
  out('The token is shown only once; store it now.');
}

async function userByEmail(ctx: CliContext, email: string): Promise<UserRecord> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw new Error(`no user with e-mail ${email}`);
  return user;
}

/** A user's tokens: id, label, when issued, whether revoked (secrets are not stored, so never shown). */
export async function usersTokens(ctx: CliContext, email: string, out: Out): Promise<void> {
  const user = await userByEmail(ctx, email);
  const tokens = await listTokens(ctx.db, user.id);
  const rows = tokens.map((t) => [
    t.id,
    t.label ?? '',
    t.createdAt.toISOString(),
    t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'valid',
  ]);
  table(['id', 'label', 'issued', 'status'], rows, out);
  out(`${tokens.length} token(s)${user.disabledAt ? '; the user is disabled, so none of them works' : ''}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revoke one token of a user (`tokenId`) or all of their valid tokens. */
export async function usersRevoke(
  ctx: CliContext,
  email: string,
  tokenId: string | undefined,
  out: Out,
): Promise<void> {
  if (tokenId !== undefined && !UUID.test(tokenId)) throw new Error(`not a token id: ${tokenId}`);
  const user = await userByEmail(ctx, email);
  const n = await revokeTokens(ctx.db, user.id, tokenId);
  if (tokenId !== undefined && n === 0) throw new Error(`${email} has no valid token ${tokenId}`);
  out(
    `${n} token(s) of ${email} revoked, and their calendar feed URL; running API processes drop them from their cache within AUTH_CACHE_TTL_MS`,
  );
}

/** Disable a user (or enable them again): tokens and dashboard sessions stop working, no more notices. */
export async function usersDisable(ctx: CliContext, email: string, disabled: boolean, out: Out): Promise<void> {
  const user = await userByEmail(ctx, email);
  const changed = await setUserDisabled(ctx.db, user.id, disabled);
  out(
    changed
      ? `${email} ${disabled ? 'disabled: their tokens and sessions no longer work and they get no notices' : 'enabled again'}`
      : `${email} was already ${disabled ? 'disabled' : 'enabled'}`,
  );
}

export async function usersList(ctx: CliContext, out: Out): Promise<void> {
  const users = await listUsers(ctx.db);
  const rows = users.map((u) => [
    u.id,
    u.email,
    u.name,
    u.organisation ?? '',
    u.roles.map(formatGrant).join(' '),
    u.disabledAt ? 'disabled' : '',
  ]);
  table(['id', 'email', 'name', 'organisation', 'roles', ''], rows, out);
  out(`${users.length} user(s)`);
}

/** A plain column-aligned table for terminals (and `grep`/`awk`). */
export function table(header: string[], rows: string[][], out: Out): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out(line(header));
  for (const row of rows) out(line(row));
}
