import type { HistoryItem } from '@steckbrief/engine';
import { lausitzBrandenburgV2 } from '@steckbrief/workflow-lausitz-brandenburg/v2';
import { describe, expect, it } from 'vitest';
import { entryLabel } from '../src/pages/profile.js';

describe('the profile timeline', () => {
  it('names a MIGRATE entry in German with the versions it moved between', () => {
    const item = { event: 'MIGRATE', payload: { fromVersion: 1, toVersion: 2 } } as unknown as HistoryItem;
    expect(entryLabel(lausitzBrandenburgV2, item)).toBe(
      'Auf eine neue Fassung des Verfahrens umgestellt (Fassung 1 → 2)',
    );
  });
});
