import { type EventSpec, InvalidEvent, parseOrThrow } from '@steckbrief/engine';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';
import { describe, expect, it } from 'vitest';
import { eventForm, formErrors, payloadOf } from '../src/task-forms.js';

/** The web form's errors for a body, as the engine's payload check reports them. */
function errorsOf(type: string, body: Record<string, string | string[]>) {
  const form = eventForm(lausitzBrandenburg, type);
  try {
    parseOrThrow(
      (lausitzBrandenburg.events as Record<string, EventSpec>)[type]?.payload as never,
      payloadOf(form, body),
      {
        prefix: 'payload',
        error: InvalidEvent,
      },
    );
    return new Map<string, string>();
  } catch (err) {
    return formErrors(form, (err as InvalidEvent).issues, (err as Error).message);
  }
}

describe('task forms from payload schemas', () => {
  it('builds the Votum form as alternatives: each field names the Votum it belongs to', () => {
    const form = eventForm(lausitzBrandenburg, 'VOTE');
    expect(form.label).toBe('Votum abgeben');
    expect(form.discriminator).toBe('votum');
    expect(form.fields.map((f) => [f.name, f.kind, f.when?.values ?? null])).toEqual([
      ['votum', 'radios', null],
      ['leadMinistry', 'select', ['positive']],
      ['ministries', 'checkboxes', ['positive']],
      ['reason', 'textarea', ['further_qualification', 'negative']],
      ['sections', 'checkboxes', ['further_qualification']],
    ]);
    // The choices' names are the definition's own labels.
    const labels = lausitzBrandenburg.events.VOTE.fields.votum.values as Record<string, { de: string }>;
    expect(form.fields[0]?.options).toEqual(Object.entries(labels).map(([value, label]) => [value, label.de]));
    expect(form.fields[0]?.options.map(([value]) => value)).toEqual(['positive', 'further_qualification', 'negative']);
  });

  it('sends only the fields of the chosen alternative, repeated checkboxes as a list', () => {
    const form = eventForm(lausitzBrandenburg, 'VOTE');
    const body = { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL', 'MSGIV'], reason: 'übrig' };
    expect(payloadOf(form, body)).toEqual({ votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL', 'MSGIV'] });
    expect(payloadOf(form, { votum: 'negative', reason: 'Nicht förderfähig.' })).toEqual({
      votum: 'negative',
      reason: 'Nicht förderfähig.',
    });
  });

  it('turns numbers into numbers and leaves what is not one for the engine to refuse', () => {
    const form = eventForm(lausitzBrandenburg, 'ACCEPT');
    // The definition names the Werkstätten: a choice among them, sent as a number.
    expect(form.fields[0]?.kind).toBe('radios');
    expect(form.fields[0]?.options).toHaveLength(5);
    expect(payloadOf(form, { werkstatt: '4' })).toEqual({ werkstatt: 4 });
    expect(payloadOf(form, { werkstatt: 'vier' })).toEqual({ werkstatt: 'vier' });
    const confirm = eventForm(lausitzBrandenburg, 'CONFIRM');
    expect(payloadOf(confirm, { priority: ' 12 ' })).toEqual({ priority: 12 });
  });

  it('words the engine’s messages for people, each on its field', () => {
    expect([...errorsOf('STATEMENT', { opinion: '', text: '' })]).toEqual([
      ['opinion', 'Einschätzung: Bitte wählen Sie aus.'],
      ['text', 'Stellungnahme: Bitte angeben.'],
    ]);
    expect(errorsOf('REJECT', { reason: 'ab' }).get('reason')).toBe(
      'Begründung: Bitte geben Sie mindestens 3 Zeichen ein.',
    );
    expect(errorsOf('CONFIRM', { priority: 'hoch' }).get('priority')).toBe('Priorität: Bitte geben Sie eine Zahl ein.');
    expect(errorsOf('ACCEPT', {}).get('werkstatt')).toBe('Werkstatt: Bitte wählen Sie aus.');
    expect(errorsOf('VOTE', {}).get('votum')).toBe('Votum: Bitte wählen Sie aus.');
  });
});
