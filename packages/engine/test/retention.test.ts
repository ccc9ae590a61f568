import { describe, expect, it } from 'vitest';
import {
  addPeriod,
  DEFAULT_RETENTION,
  REDACTED,
  type RetentionFacts,
  redactJson,
  retentionDecision,
} from '../src/retention.js';

const d = (iso: string) => new Date(iso);
const spec = DEFAULT_RETENTION;

const draft = (over: Partial<RetentionFacts> = {}): RetentionFacts => ({
  state: 'draft',
  submittedAt: null,
  lastChangeAt: d('2025-01-15T10:00:00Z'),
  stateSince: d('2025-01-15T10:00:00Z'),
  keepUntil: null,
  retentionNoticeAt: null,
  personalDataRemovedAt: null,
  ...over,
});

describe('addPeriod', () => {
  it('counts months and years in the calendar, ending on the last day of a shorter month', () => {
    expect(addPeriod(d('2025-01-31T12:00:00Z'), { months: 1 })).toEqual(d('2025-02-28T12:00:00Z'));
    expect(addPeriod(d('2024-02-29T00:00:00Z'), { years: 3 })).toEqual(d('2027-02-28T00:00:00Z'));
    expect(addPeriod(d('2025-03-31T00:00:00Z'), { days: 30 }, -1)).toEqual(d('2025-03-01T00:00:00Z'));
  });
});

describe('retentionDecision', () => {
  it('keeps a draft changed within the last 11 months', () => {
    expect(retentionDecision(draft(), spec, d('2025-12-15T09:59:59Z'))).toEqual({ action: 'keep' });
  });

  it('tells the owner 30 days before the 12 months are up, naming the deletion date', () => {
    expect(retentionDecision(draft(), spec, d('2025-12-16T10:00:00Z'))).toEqual({
      action: 'notify',
      deleteAt: d('2026-01-15T10:00:00Z'),
    });
  });

  it('gives a draft found too late its full 30 days after the notice', () => {
    expect(retentionDecision(draft(), spec, d('2026-06-01T00:00:00Z'))).toEqual({
      action: 'notify',
      deleteAt: d('2026-07-01T00:00:00Z'),
    });
  });

  it('deletes a noticed draft once both the 12 months and the 30 days after the notice are over', () => {
    const noticed = draft({ retentionNoticeAt: d('2025-12-20T00:00:00Z') });
    expect(retentionDecision(noticed, spec, d('2026-01-15T10:00:00Z'))).toEqual({ action: 'keep' });
    expect(retentionDecision(noticed, spec, d('2026-01-19T00:00:00Z'))).toEqual({ action: 'delete' });
  });

  it('starts over for a draft changed after its notice', () => {
    const changed = draft({ retentionNoticeAt: d('2025-12-20T00:00:00Z'), lastChangeAt: d('2026-01-02T00:00:00Z') });
    expect(retentionDecision(changed, spec, d('2026-02-01T00:00:00Z'))).toEqual({ action: 'keep' });
  });

  it('removes the personal data of rejected and withdrawn profiles 3 years after the final state', () => {
    for (const state of ['rejected', 'withdrawn']) {
      const closed = draft({ state, submittedAt: d('2022-01-01T00:00:00Z'), stateSince: d('2022-03-01T00:00:00Z') });
      expect(retentionDecision(closed, spec, d('2025-02-28T23:59:59Z'))).toEqual({ action: 'keep' });
      expect(retentionDecision(closed, spec, d('2025-03-01T00:00:00Z'))).toEqual({
        action: 'remove_personal_data',
        rule: 'closed',
      });
    }
  });

  it('keeps confirmed profiles without a date, and until the operator’s date', () => {
    const confirmed = draft({ state: 'confirmed', submittedAt: d('2020-01-01T00:00:00Z') });
    expect(retentionDecision(confirmed, spec, d('2100-01-01T00:00:00Z'))).toEqual({ action: 'keep' });
    const dated = { ...confirmed, keepUntil: d('2030-01-01T00:00:00Z') };
    expect(retentionDecision(dated, spec, d('2029-12-31T23:59:59Z'))).toEqual({ action: 'keep' });
    expect(retentionDecision(dated, spec, d('2030-01-01T00:00:00Z'))).toEqual({
      action: 'remove_personal_data',
      rule: 'keep_until',
    });
  });

  it('keeps profiles in the procedure and profiles already cleared', () => {
    const inProcedure = draft({ state: 'intake', submittedAt: d('2020-01-01T00:00:00Z') });
    expect(retentionDecision(inProcedure, spec, d('2100-01-01T00:00:00Z'))).toEqual({ action: 'keep' });
    const cleared = draft({
      state: 'rejected',
      submittedAt: d('2020-01-01T00:00:00Z'),
      personalDataRemovedAt: d('2024-01-01T00:00:00Z'),
    });
    expect(retentionDecision(cleared, spec, d('2100-01-01T00:00:00Z'))).toEqual({ action: 'keep' });
  });
});

describe('redactJson', () => {
  it('replaces free-text fields at any depth and strings that match, and names the paths', () => {
    const result = redactJson(
      {
        votum: 'negative',
        reason: 'Frau Muster fehlt.',
        statements: { MIL: { opinion: 'concerns', text: 'Siehe Herr Beispiel', by: 'u1' } },
        note: 'Kontakt: erika@example.org',
        list: [{ text: 'a' }, 'b'],
      },
      new Set(['reason', 'text']),
      (t) => t.includes('erika@'),
    );
    expect(result.value).toEqual({
      votum: 'negative',
      reason: REDACTED,
      statements: { MIL: { opinion: 'concerns', text: REDACTED, by: 'u1' } },
      note: REDACTED,
      list: [{ text: REDACTED }, 'b'],
    });
    expect(result.changed).toEqual(['list.text', 'note', 'reason', 'statements.MIL.text']);
  });
});
