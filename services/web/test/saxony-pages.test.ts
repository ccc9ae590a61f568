import type { WorkflowDefinition } from '@steckbrief/engine';
import { SCORING, sachsenStrukturentwicklung } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { WORKFLOWS } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventForm, formErrors, payloadOf } from '../src/task-forms.js';
import { type HttpClient, httpClient, type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

/**
 * The web pages read the question pages and public pages of the Saxon pipeline from its definition: the
 * presentation must ask the fields the profile schema has, and the pages must use it (over HTTP, no browser).
 */

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}

/** The JSON schema of a dotted path in a profile schema, or undefined when the schema has no such field. */
function schemaAt(definition: WorkflowDefinition, path: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = z.toJSONSchema(definition.data.draft, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  for (const key of path.split('.')) {
    node = node?.properties?.[key];
    if (node?.anyOf) node = node.anyOf.find((s) => s.type !== 'null');
  }
  return node;
}

describe('the presentations of the deployed workflows', () => {
  const presented = WORKFLOWS.filter((w) => w.presentation);

  it('exist for every deployed workflow', () => {
    expect(presented.map((w) => w.id)).toEqual(WORKFLOWS.map((w) => w.id));
  });

  it('ask only fields of the profile schema, and offer a choice’s values exactly as the schema accepts them', () => {
    const problems: string[] = [];
    for (const definition of presented) {
      for (const section of definition.presentation?.sections ?? []) {
        for (const field of section.fields) {
          const schema = schemaAt(definition, field.path);
          const where = `${definition.id} ${section.id} ${field.path}`;
          if (!schema) {
            problems.push(`${where}: not in the profile schema`);
            continue;
          }
          if (field.input === 'choice') {
            const accepted =
              schema.enum?.map(String) ??
              (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined
                ? Array.from({ length: schema.maximum - schema.minimum + 1 }, (_, i) =>
                    String((schema.minimum ?? 0) + i),
                  )
                : []);
            if (JSON.stringify(Object.keys(field.values ?? {}).sort()) !== JSON.stringify([...accepted].sort()))
              problems.push(`${where}: offers ${Object.keys(field.values ?? {})}, the schema accepts ${accepted}`);
          }
          if (field.input === 'yesno' && schema.type !== 'boolean')
            problems.push(`${where}: yes/no for ${schema.type}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('name every Saxon eligibility criterion the issue lists on a question page', () => {
    const saxony = WORKFLOWS.find((w) => w.id === 'sachsen-strukturentwicklung');
    const paths = saxony?.presentation?.sections.flatMap((s) => s.fields.map((f) => f.path)) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining([
        'goal',
        'handlungsempfehlung',
        'usageRights',
        'outsideFloodArea',
        'startDate',
        'endDate',
        'revier',
        'location.landkreis',
      ]),
    );
  });
});

describe('the SAS score form', () => {
  const form = eventForm(sachsenStrukturentwicklung, 'SCORE');

  it('asks one whole number per criterion, labelled and ranged as the definition says, then the recommendation', () => {
    expect(form.fields.map((f) => [f.name, f.label, f.kind])).toEqual([
      ...SCORING.criteria.map((c) => [`ratings.${c.id}`, c.label.de, 'integer']),
      ['recommendation', 'Empfehlung', 'textarea'],
    ]);
    expect(form.fields[0]?.hint).toBe(`Ganze Zahl von 0 bis ${SCORING.maxPoints}`);
  });

  it('sends the ratings as one object, and puts an issue of one rating on its field', () => {
    const body = Object.fromEntries(SCORING.criteria.map((c) => [`ratings.${c.id}`, '7']));
    expect(payloadOf(form, { ...body, recommendation: 'Empfohlen.' })).toEqual({
      ratings: Object.fromEntries(SCORING.criteria.map((c) => [c.id, 7])),
      recommendation: 'Empfohlen.',
    });
    const [first] = SCORING.criteria;
    const errors = formErrors(
      form,
      [{ path: `payload.ratings.${first?.id}`, message: 'Zu groß: erwartet, dass number <=10 ist / Too big' }],
      '',
    );
    expect([...errors]).toEqual([[`ratings.${first?.id}`, `${first?.label.de}: Bitte geben Sie höchstens 10 ein.`]]);
  });
});

describe('Saxon pages over HTTP', () => {
  let env: WebTestEnv;
  let sponsor: Person;
  let stranger: Person;
  let client: HttpClient;
  let id: string;

  beforeAll(async () => {
    env = await startWebTestEnv('saxony-pages');
    sponsor = await env.addPerson('sponsor', [{ role: 'applicant' }], 'Gemeinde Krauschwitz');
    stranger = await env.addPerson('stranger', [{ role: 'applicant' }], 'Stadt Zittau');
    client = await env.signIn(sponsor);
    const _csrf = await client.csrf('/meine-steckbriefe');
    const res = await client.request('/steckbrief/neu', {
      method: 'POST',
      form: { _csrf, workflow: 'sachsen-strukturentwicklung' },
    });
    id = /^\/profile\/([0-9a-f-]{36})\/abschnitte$/.exec(res.location ?? '')?.[1] as string;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('offers a button per workflow the user may start, each naming its workflow', async () => {
    const page = await client.request('/meine-steckbriefe');
    expect(page.text).toContain('Neuen Steckbrief anlegen');
    expect(page.text).toContain('Neuen Projektvorschlag anlegen');
    expect(page.text).toContain('name="workflow" value="sachsen-strukturentwicklung"');
  });

  it('creates a Saxon proposal with the Saxon question pages', async () => {
    const tasks = await client.request(`/profile/${id}/abschnitte`);
    expect(tasks.status).toBe(200);
    for (const title of ['Ziel und Handlungsempfehlung', 'Fördervoraussetzungen', 'Standort und Revier']) {
      expect(tasks.text).toContain(title);
    }
    expect(tasks.text).not.toContain('Standort und Werkstatt');
  });

  it('saves a section and shows a value the Saxon schema refuses with its message on the field', async () => {
    const path = `/profile/${id}/abschnitt/kosten-und-zeitplan`;
    const page = await client.request(path);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
    const res = await client.request(path, {
      method: 'POST',
      form: { _csrf, version, totalCostEur: '1.000.000', requestedFundingEur: 'viel' },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Kosten und Zeitplan – Steckbrief</title>');
    expect(res.text).toContain('Beantragte Förderung (EUR): muss ein Betrag in Euro sein.');
    expect(res.text).toContain('id="requestedFundingEur-fehler"');
  });

  it('answers 404 for a Saxon proposal’s pages to another organisation', async () => {
    const other = await env.signIn(stranger);
    for (const path of [`/profile/${id}/abschnitte`, `/profile/${id}/abschnitt/vorhaben`, `/profile/${id}/pruefen`]) {
      expect((await other.request(path)).status).toBe(404);
    }
  });

  it('lists the two Reviere publicly, and answers 404 for a Revier that does not exist', async () => {
    const visitor = httpClient(env.url);
    const overview = await visitor.request('/reviere');
    expect(overview.status).toBe(200);
    expect(overview.text).toContain('href="/reviere/lausitz"');
    expect(overview.text).toContain('href="/reviere/mitteldeutschland"');
    expect((await visitor.request('/reviere/ruhrgebiet')).status).toBe(404);
    expect((await visitor.request('/werkstaetten/lausitz')).status).toBe(404);
  });
});
