import type { Stats } from './measure.js';
import type { Benchmark, BenchResult, Check } from './types.js';

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export const passed = (c: Check) => (c.op === '>=' ? c.value >= c.target : c.value < c.target);

/** Markdown tables, readable in a terminal and pasteable into docs/benchmarks.md. */
export function renderResult(bench: Benchmark, result: BenchResult): string {
  const rows = result.rows.map((r) => {
    const s: Stats = r.stats;
    return [
      r.variant,
      `${fmt(s.perSecond, 0)} ${r.unit}/s`,
      fmt(s.p50, 2),
      fmt(s.p99, 2),
      fmt(s.max, 1),
      fmt(s.appCpuPerOp, 2),
      fmt(s.pgCpuPerOp, 2),
      String(s.ops),
      String(s.errors) + (s.firstError ? ` (${s.firstError})` : ''),
    ];
  });
  const checks = result.checks.map((c) => [
    c.label,
    c.unit ? `${fmt(c.value, 2)} ${c.unit}` : fmt(c.value, 2),
    `${c.op} ${c.target}${c.unit ? ` ${c.unit}` : ''}`,
    passed(c) ? 'met' : 'MISSED',
  ]);
  return [
    `### ${bench.title} (\`${bench.name}\`)`,
    '',
    table(
      ['variant', 'throughput', 'p50 ms', 'p99 ms', 'max ms', 'app CPU ms/op', 'PG CPU ms/op', 'ops', 'errors'],
      rows,
    ),
    '',
    ...(checks.length ? [table(['ratio / figure', 'value', 'target', 'result'], checks), ''] : []),
    ...(result.notes ?? []).map((n) => `- ${n}`),
  ].join('\n');
}
