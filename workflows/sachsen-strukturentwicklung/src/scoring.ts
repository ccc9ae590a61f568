import type { Label } from '@steckbrief/engine';
import { z } from 'zod';

/**
 * The SAS's indicator-based score. The real formula is not public (SAXONY.md), so criteria, weights and
 * the minimum score are configuration of this definition: change them here (or pass another config to
 * `scoringPayload`/`weightedScore`). Each criterion is rated 0 to `maxPoints`; the score is the weighted
 * share of the maximum, 0 to 100, rounded to a whole number.
 */
export interface ScoringCriterion {
  id: string;
  label: Label;
  /** Relative weight; the weights need not add up to 100. */
  weight: number;
}

export interface ScoringConfig {
  criteria: readonly ScoringCriterion[];
  maxPoints: number;
  /** The RBA's recommended minimum score: below it, approval needs a stated reason (and set-aside is usual). */
  minimumScore: number;
}

export const SCORING: ScoringConfig = {
  criteria: [
    { id: 'jobs', label: { de: 'Arbeits- und Ausbildungsplätze', en: 'Jobs and training places' }, weight: 30 },
    {
      id: 'diversification',
      label: { de: 'Diversifizierung der Wirtschaft', en: 'Economic diversification' },
      weight: 20,
    },
    { id: 'demography', label: { de: 'Demografiefestigkeit', en: 'Resilience to demographic change' }, weight: 15 },
    { id: 'sustainability', label: { de: 'Nachhaltigkeit', en: 'Sustainability' }, weight: 15 },
    // SAXONY.md: mining communities get more weight.
    {
      id: 'mining_community',
      label: { de: 'Bezug zu Bergbaugemeinden', en: 'Mining-community relevance' },
      weight: 20,
    },
  ],
  maxPoints: 10,
  minimumScore: 60,
};

/** The SCORE event's `ratings`: one whole number 0..maxPoints per criterion, none missing, none extra. */
export function ratingsSchema(config: ScoringConfig = SCORING) {
  const points = z.number().int().min(0).max(config.maxPoints);
  return z
    .object(Object.fromEntries(config.criteria.map((c) => [c.id, points])) as Record<string, typeof points>)
    .strict();
}

export function weightedScore(ratings: Record<string, number>, config: ScoringConfig = SCORING): number {
  const total = config.criteria.reduce((sum, c) => sum + c.weight, 0);
  const reached = config.criteria.reduce((sum, c) => sum + c.weight * (ratings[c.id] ?? 0), 0);
  return Math.round((100 * reached) / (total * config.maxPoints));
}
