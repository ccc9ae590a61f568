import { describe, expect, it } from 'vitest';
import { formatCents, formatDate, formatDateTime, formatEuros } from './format.js';

describe('German formats', () => {
  it('formats whole euros with dots and the euro sign after the amount', () => {
    expect(formatCents(125_000_000)).toBe('1.250.000\u00a0€');
    expect(formatEuros(1_250_000)).toBe('1.250.000\u00a0€');
  });

  it('keeps cents when the amount has them', () => {
    expect(formatEuros(12_500_000.5)).toBe('12.500.000,50\u00a0€');
  });

  it('shows instants in Berlin time', () => {
    expect(formatDateTime(new Date('2026-03-29T00:30:00Z'))).toBe('29. März 2026 um 01:30 Uhr');
    expect(formatDate(new Date('2026-12-31T23:30:00Z'))).toBe('1. Januar 2027');
  });

  it('answers from its cache what Intl answers, around the clock changes and midnight', () => {
    const day = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const time = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    for (const start of ['2026-03-28T20:00:00Z', '2026-10-24T20:00:00Z']) {
      // Twice over, so the second pass answers from the cache.
      for (const _pass of [1, 2]) {
        for (let ms = Date.parse(start); ms < Date.parse(start) + 8 * 3_600_000; ms += 7 * 60_000 + 1_001) {
          const at = new Date(ms);
          expect(formatDate(at)).toBe(day.format(at));
          expect(formatDate(at.toISOString())).toBe(day.format(at));
          expect(formatDateTime(at)).toBe(`${time.format(at)} Uhr`);
        }
      }
    }
    // Around the switch to summer time (01:00 UTC) and on either side of midnight in Berlin.
    expect(formatDateTime(new Date('2026-03-29T00:59:00Z'))).toBe('29. März 2026 um 01:59 Uhr');
    expect(formatDateTime(new Date('2026-03-29T01:00:00Z'))).toBe('29. März 2026 um 03:00 Uhr');
    expect(formatDate(new Date('2026-06-30T21:59:59Z'))).toBe('30. Juni 2026');
    expect(formatDate(new Date('2026-06-30T22:00:00Z'))).toBe('1. Juli 2026');
    expect(formatDate(new Date('1850-06-30T23:30:00Z'))).toBe('1. Juli 1850');
  });

  it('shows a calendar date as that day', () => {
    expect(formatDate('2027-03-01')).toBe('1. März 2027');
  });
});
