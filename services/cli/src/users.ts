import { createUser, findUserByEmail, issueToken, listUsers } from '@steckbrief/accounts';
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
