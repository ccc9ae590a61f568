import { type MigrationOutcome, migrateProfiles } from '@steckbrief/engine';
import type { CliContext } from './context.js';
import { type Out, table } from './users.js';

/** Each registered version of each workflow, with the one new profiles start on marked. */
export function workflowsList(ctx: CliContext, out: Out): void {
  const rows: string[][] = [];
  for (const current of ctx.registry.list()) {
    for (const d of ctx.registry.versions(current.id)) {
      rows.push([
        d.id,
        String(d.version),
        d.version === current.version ? 'yes' : '',
        d.migrations ? `from ${d.migrations.from}` : '',
        d.label.en,
      ]);
    }
  }
  table(['workflow', 'version', 'new profiles', 'migration', 'label'], rows, out);
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : 'none');

function describe(o: MigrationOutcome): string {
  switch (o.status) {
    case 'migrated':
    case 'would-migrate': {
      const changes = [
        ...o.opened.map((k) => `open ${k}`),
        ...o.closed.map((k) => `cancel ${k}`),
        ...o.moved.map((m) => `move ${m.kind} due ${day(m.from)} -> ${day(m.to)}`),
      ];
      return `${o.status === 'migrated' ? 'migrated' : 'would migrate'}${changes.length ? `; tasks: ${changes.join(', ')}` : ''}`;
    }
    case 'refused':
      return `refused: ${o.reason}`;
    case 'skipped':
      return `skipped: ${o.reason}`;
    case 'failed':
      return `failed (nothing changed): ${o.reason}`;
  }
}

export interface MigrateOptions {
  to: number;
  dryRun?: boolean;
}

/**
 * Move a workflow's profiles onto version `to` (one MIGRATE transition each), or with --dry-run print
 * what would happen. Refused profiles (a state without a mapping) are listed and left as they are.
 * The command exits with status 0 either way; it can be run again at any time.
 */
export async function workflowsMigrate(
  ctx: CliContext,
  workflow: string,
  options: MigrateOptions,
  out: Out,
): Promise<void> {
  const report = await migrateProfiles(ctx.deps, { workflow, to: options.to, dryRun: options.dryRun });
  const v = (state: string, version: number) => `${state}@${version}`;
  if (report.dryRun) out('Dry run: nothing is changed.');
  table(
    ['profile', 'from', 'to', 'result', 'title'],
    report.outcomes.map((o) => [
      o.profileId,
      'from' in o ? v(o.from, report.fromVersion) : '',
      'to' in o ? v(o.to, report.toVersion) : '',
      describe(o),
      o.title ?? '',
    ]),
    out,
  );
  const count = (...statuses: MigrationOutcome['status'][]) =>
    report.outcomes.filter((o) => statuses.includes(o.status)).length;
  out('');
  out(
    `${report.workflow} ${report.fromVersion} -> ${report.toVersion}: ` +
      `${count('migrated', 'would-migrate')} ${report.dryRun ? 'would be migrated' : 'migrated'}, ` +
      `${count('refused')} refused, ${count('skipped')} skipped, ` +
      `${count('failed') ? `${count('failed')} failed, ` : ''}${report.alreadyMigrated} already on version ${report.toVersion}.`,
  );
}
