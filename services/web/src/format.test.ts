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

  it('shows a calendar date as that day', () => {
    expect(formatDate('2027-03-01')).toBe('1. März 2027');
  });
});
