import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FaultResult } from './faults.js';
import { ROOT } from './services.js';

export const RELIABILITY_DOC = path.join(ROOT, 'docs/reliability.md');

const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/** The table of the issue: fault, requests during it, failed requests, recovery time, lost, duplicated mails. */
export function faultTable(results: FaultResult[]): string {
  const rows = results.map((r) => {
    const outcomes = Object.entries(r.outcomes)
      .filter(([o]) => !/^2\d\d$/.test(o))
      .map(([o, n]) => `${n}× ${o}`)
      .join(', ');
    const dup = r.duplicatesAllowed
      ? `${r.duplicates} (≤ ${r.duplicatesAllowed} allowed: one per SMTP connection of the killed worker)`
      : `${r.duplicates}${r.duplicates ? ' (0 allowed)' : ''}`;
    return `| ${r.label} | ${r.requests} | ${r.failedRequests}${outcomes ? ` (${outcomes})` : ''} | ${seconds(r.recoveryMs)} | ${r.lost} | ${dup} | ${r.problems.length ? `**${r.problems.length} violated**` : 'all met'} |`;
  });
  return [
    '| Fault | Requests during it | Failed requests (non-2xx answers) | Recovery time | Lost (target 0) | Duplicated mails | Targets |',
    '|---|---:|---|---:|---:|---|---|',
    ...rows,
  ].join('\n');
}

export function faultDetails(results: FaultResult[]): string {
  return results
    .map((r) => {
      const lines = [
        `- **${r.id}**: recovery = ${r.recovery}. Settled ${seconds(r.settleMs)} after the load stopped; relay picked up a fresh transition in ${r.relayLatencyMs === null ? '–' : `${Math.round(r.relayLatencyMs)} ms`} (LISTEN connections: ${r.listeners ?? '–'}). ` +
          `Notices implied by the history so far: ${r.check.expectedNotices}, undelivered ${r.check.undelivered.length}; mails in the sink ${r.check.sinkMails}, none implied ${JSON.stringify(r.check.unexplained)}; acknowledged changes so far ${r.check.acknowledged}, lost ${r.lost}; profiles with tasks out of step ${r.check.tasksOutOfStep.length}.`,
        ...r.notes.map((n) => `  - ${n}`),
        ...Object.entries(r.duplicateReasons).map(([why, n]) => `  - ${n} duplicated: ${why}`),
        ...r.problems.map((p) => `  - violated: ${p.split('\n')[0]}`),
      ];
      return lines.join('\n');
    })
    .join('\n');
}

/** Replace the block between `<!-- name:begin -->` and `<!-- name:end -->` in docs/reliability.md. */
export function writeSection(name: string, body: string): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const doc = existsSync(RELIABILITY_DOC) ? readFileSync(RELIABILITY_DOC, 'utf8') : '';
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  const block = `${begin}\n${body.trim()}\n${end}`;
  const next =
    i >= 0 && j > i ? `${doc.slice(0, i)}${block}${doc.slice(j + end.length)}` : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(RELIABILITY_DOC, next);
}
