import { recordHistoryAnchor, verifyHistory } from '@steckbrief/engine';
import { CommanderError } from 'commander';
import type { CliContext } from './context.js';
import type { Out } from './users.js';

/** Ends `audit verify` with exit code 1 after it printed the broken entry (main.ts exits with the code). */
export class ChainBroken extends CommanderError {
  constructor(message: string) {
    super(1, 'steckbrief.chainBroken', message);
  }
}

/** `audit verify [--profile id]`: check the hash chains and the latest anchor; exit code 1 when one is broken. */
export async function auditVerify(ctx: CliContext, options: { profile?: string }, out: Out): Promise<void> {
  const result = await verifyHistory(ctx.db, options.profile === undefined ? {} : { profileId: options.profile });
  if (options.profile !== undefined && result.profiles === 0) {
    out(`no profile ${options.profile}`);
    throw new ChainBroken(`no profile ${options.profile}`);
  }
  const anchor = result.anchor
    ? `latest anchor ${result.anchor.id} of ${result.anchor.takenAt.toISOString()}`
    : 'no anchor recorded yet';
  out(`checked ${result.profiles} profile(s), ${result.entries} history entries; ${anchor}`);
  if (result.firstBroken) {
    const { profileId, seq, reason } = result.firstBroken;
    const line = `BROKEN: profile ${profileId} seq ${seq}: ${reason}`;
    out(line);
    throw new ChainBroken(line);
  }
  out('OK: every chain verifies');
}

/** `audit anchor`: record the heads of all chains now (the worker does so periodically). */
export async function auditAnchor(ctx: CliContext, out: Out): Promise<void> {
  const anchor = await recordHistoryAnchor(ctx.db);
  out(`anchor ${anchor.id} of ${anchor.takenAt.toISOString()}: ${anchor.heads} chain head(s)`);
  out(`heads hash: ${anchor.headsHash}`);
  out('Keep the heads hash somewhere the database operators cannot change it (see docs/privacy.md).');
}
