import { lausitzBrandenburg, PROFILE_SECTIONS } from '@steckbrief/workflow-lausitz-brandenburg';
import { describe, expect, it } from 'vitest';

describe('the Brandenburg question pages of the definition', () => {
  it('are the sections a Brandenburg revision request can name, attachments last', () => {
    const sections = lausitzBrandenburg.presentation?.sections ?? [];
    expect([...sections.map((s) => s.id), 'anlagen']).toEqual([...PROFILE_SECTIONS]);
  });
});
