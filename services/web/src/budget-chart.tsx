/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { formatCents } from './format.js';

/**
 * A horizontal grouped bar chart rendered on the server as SVG: `role="img"` named by its `<title>` and
 * described by its `<desc>`, each series told apart by a pattern (solid, stripes, dots) as well as by
 * colour, every bar labelled with its amount, and the same figures in a table beside it. Colours and
 * strokes have at least 3:1 contrast against white (WCAG 1.4.11); texts are near-black.
 */

export interface ChartSeries {
  key: string;
  label: string;
}

export interface ChartGroup {
  label: string;
  /** Amount in cents per series key; a missing key draws no bar. */
  values: Record<string, number | undefined>;
}

const INK = '#1b1b1b';
/** Per series: fill and stroke colour, and the pattern drawn inside. */
const STYLES = [
  { color: '#0b3b70', pattern: 'solid' },
  { color: '#0b3b70', pattern: 'stripes' },
  { color: '#8a3b00', pattern: 'dots' },
] as const;

const WIDTH = 720;
const LABEL_WIDTH = 180;
const VALUE_ROOM = 190;
const BAR = 16;
const BAR_GAP = 4;
const GROUP_GAP = 18;

/** `12,5 Mio. €` for the bar labels (the table has the exact amounts). */
const short = (cents: number) => {
  const euros = cents / 100;
  if (Math.abs(euros) >= 1_000_000)
    return `${(euros / 1_000_000).toLocaleString('de-DE', { maximumFractionDigits: 1 })} Mio. €`;
  if (Math.abs(euros) >= 1_000)
    return `${(euros / 1_000).toLocaleString('de-DE', { maximumFractionDigits: 0 })} Tsd. €`;
  return formatCents(cents);
};

function Defs({ idPrefix }: { idPrefix: string }) {
  return (
    <defs>
      <pattern
        id={`${idPrefix}-stripes`}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#ffffff" />
        <rect width="3" height="6" fill={STYLES[1].color} />
      </pattern>
      <pattern id={`${idPrefix}-dots`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#ffffff" />
        <circle cx="3" cy="3" r="1.8" fill={STYLES[2].color} />
      </pattern>
    </defs>
  );
}

const fillOf = (idPrefix: string, i: number) => {
  const style = STYLES[i % STYLES.length] ?? STYLES[0];
  return style.pattern === 'solid' ? style.color : `url(#${idPrefix}-${style.pattern})`;
};

/** The legend's swatch for a series (decorative: the text next to it names the series). */
export function LegendSwatch({ index, idPrefix }: { index: number; idPrefix: string }) {
  const style = STYLES[index % STYLES.length] ?? STYLES[0];
  return (
    <svg width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false" class="chart-swatch">
      <Defs idPrefix={`${idPrefix}-legend${index}`} />
      <rect
        x="1"
        y="1"
        width="26"
        height="14"
        fill={style.pattern === 'solid' ? style.color : `url(#${idPrefix}-legend${index}-${style.pattern})`}
        stroke={style.color}
        stroke-width="2"
      />
    </svg>
  );
}

export function BarChart({
  id,
  title,
  description,
  series,
  groups,
}: {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  groups: ChartGroup[];
}) {
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  const plot = WIDTH - LABEL_WIDTH - VALUE_ROOM;
  const groupHeight = series.length * (BAR + BAR_GAP) - BAR_GAP;
  const height = groups.length * (groupHeight + GROUP_GAP) + GROUP_GAP;
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-titel ${id}-beschreibung`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
        focusable="false"
      >
        <title id={`${id}-titel`}>{title}</title>
        <desc id={`${id}-beschreibung`}>{description}</desc>
        <Defs idPrefix={id} />
        <line x1={LABEL_WIDTH} y1="0" x2={LABEL_WIDTH} y2={height} stroke={INK} stroke-width="1" />
        {groups.map((g, gi) => {
          const top = GROUP_GAP + gi * (groupHeight + GROUP_GAP);
          return (
            <g key={g.label}>
              <text
                x={LABEL_WIDTH - 8}
                y={top + groupHeight / 2}
                text-anchor="end"
                dominant-baseline="middle"
                fill={INK}
                font-size="14"
              >
                {g.label}
              </text>
              {series.map((s, si) => {
                const value = g.values[s.key];
                if (value === undefined) return null;
                const w = Math.max(value > 0 ? 2 : 0, Math.round((Math.max(0, value) / max) * plot));
                const y = top + si * (BAR + BAR_GAP);
                const style = STYLES[si % STYLES.length] ?? STYLES[0];
                return (
                  <g key={s.key}>
                    {w > 0 ? (
                      <rect
                        x={LABEL_WIDTH + 1}
                        y={y}
                        width={w}
                        height={BAR}
                        fill={fillOf(id, si)}
                        stroke={style.color}
                        stroke-width="1.5"
                      />
                    ) : null}
                    <text x={LABEL_WIDTH + w + 8} y={y + BAR / 2} dominant-baseline="middle" fill={INK} font-size="12">
                      {`${s.label}: ${short(value)}`}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="kern-list chart-legend">
          {series.map((s, i) => (
            <li key={s.key}>
              <LegendSwatch index={i} idPrefix={id} /> {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
