import { PROFILE_SECTIONS } from '@steckbrief/workflow-lausitz-brandenburg';
import { describe, expect, it } from 'vitest';
import { LAUSITZ_SECTIONS } from './sections.js';

describe('the Steckbrief sections', () => {
  it('are the sections a Brandenburg revision request can name, attachments last', () => {
    expect([...LAUSITZ_SECTIONS.map((s) => s.id), 'anlagen']).toEqual([...PROFILE_SECTIONS]);
  });
});
