import { writeFileSync } from 'node:fs';
import type { Minutes } from '@steckbrief/engine';
import { minutesPdf } from '@steckbrief/minutes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';
import { pdfPages } from './pdf-text.js';

const flat = (text: string) => text.replace(/\s+/g, ' ');

/** Signs of a font that lacks a character: the replacement character, or pdfkit's "→" drawn in WinAnsi. */
const BROKEN_GLYPHS = /\uFFFD|!'/;

describe('minutes PDF from the API', () => {
  let api: TestApi;
  const u: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    api = await startTestApi('minutes-pdf');
    u.applicant = await api.user([{ role: 'applicant' }], 'Stadt Cottbus');
    u.wrl = await api.user([{ role: 'wrl' }]);
    u.w4 = await api.user([{ role: 'werkstatt', werkstatt: 4 }]);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function send(token: string, id: string, type: string, payload?: Record<string, unknown>) {
    const res = await api.request(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
    expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  }

  async function inQualification(title: string, requestedFundingEur: number): Promise<string> {
    const created = await api.request(u.applicant!.token, 'POST', '/api/v1/profiles', {
      data: completeProfile({ title, requestedFundingEur }),
    });
    expect(created.status).toBe(201);
    await send(u.applicant!.token, created.body.id, 'SUBMIT');
    await send(u.wrl!.token, created.body.id, 'ACCEPT', { werkstatt: 4 });
    return created.body.id;
  }

  it('prints every project, labelled decision and total in the embedded Fira Sans with session, date and page number on each page, and the Markdown names the same labels', async () => {
    const titles = [
      'Gesundheitslandhaus „Schwarze Pumpe“ – Ärztehaus',
      'Radweg Spremberg–Trattendorf',
      'Digitale Dorfmitte Groß Schacksdorf',
      'Sportzentrum Forst (Lausitz)',
    ];
    const ids = [
      await inQualification(titles[0]!, 2_400_000),
      await inQualification(titles[1]!, 850_000.5),
      await inQualification(titles[2]!, 320_000),
      await inQualification(titles[3]!, 1_000_000),
    ];
    const session = await api.request(u.wrl!.token, 'POST', '/api/v1/sessions', {
      kind: 'werkstatt',
      werkstatt: 4,
      date: '2027-02-10',
      title: 'Werkstatt 4, Februar 2027',
    });
    expect(session.status).toBe(201);
    const sid = session.body.id as string;
    expect((await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${sid}/agenda`, { profileIds: ids })).status).toBe(
      200,
    );
    const decided = await api.request(u.w4!.token, 'POST', `/api/v1/sessions/${sid}/decisions`, {
      decisions: [
        { profileId: ids[0], type: 'VOTE', payload: { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] } },
        {
          profileId: ids[1],
          type: 'VOTE',
          payload: { votum: 'further_qualification', reason: 'Trassenvarianten fehlen.', sections: ['zeitplan'] },
        },
        { profileId: ids[2], type: 'VOTE', payload: { votum: 'negative', reason: 'Kein Strukturbezug.' } },
      ],
    });
    expect(decided.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);

    const res = await fetch(`${api.url}/api/v1/sessions/${sid}/minutes?format=pdf`, {
      headers: { authorization: `Bearer ${u.w4!.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    if (process.env.MINUTES_PDF_OUT) writeFileSync(process.env.MINUTES_PDF_OUT, pdf);
    const pages = await pdfPages(pdf);
    const text = flat(pages.join('\n'));

    for (const title of titles) expect(text).toContain(title);
    expect(text).toContain('Werkstattsitzung – Werkstatt 4: Daseinsvorsorge, ländliche Entwicklung & smart regions');
    for (const label of [
      'Votum abgeben',
      'Votum: Positives Votum',
      'Federführendes Ressort: Ministerium für Infrastruktur und Landesplanung (MIL)',
      'Weitere beteiligte Ressorts: Ministerium für Wirtschaft, Arbeit und Energie (MWAE)',
      'Votum: Weitere Qualifizierung nötig',
      'Betroffene Abschnitte: Zeitplan',
      'Votum: Negatives Votum',
      '→ Ressortabstimmung',
      '→ Überarbeitung',
      '→ Abgelehnt',
      'offen',
    ]) {
      expect(text).toContain(label);
    }
    expect(text).toContain('2.400.000,00 €');
    expect(text).toContain('850.000,50 €');
    expect(text).toContain('Votum abgeben: Positives Votum 1 Projekt 2.400.000,00 €');
    expect(text).toContain('Votum abgeben: Weitere Qualifizierung nötig 1 Projekt 850.000,50 €');
    expect(text).toContain('Votum abgeben: Negatives Votum 1 Projekt 320.000,00 €');
    expect(text).toContain('Auf der Tagesordnung 4 Projekte');
    expect(text).toContain('Entschieden 3 Projekte');
    expect(text).toContain('Positiv entschieden 1 Projekt 2.400.000,00 €');
    expect(text).not.toMatch(BROKEN_GLYPHS);
    expect(text).not.toMatch(/\bpositive\b|further_qualification|\bMIL\b(?!\))/);
    pages.forEach((page, i) => {
      expect(flat(page)).toContain('Ergebnisprotokoll · Werkstattsitzung: Werkstatt 4, Februar 2027');
      expect(flat(page)).toContain('Sitzung vom 10. Februar 2027');
      expect(flat(page)).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
    const fonts = pdf.toString('latin1').match(/\/BaseFont \/[A-Z]{6}\+[A-Za-z-]+/g) ?? [];
    expect(new Set(fonts.map((f) => f.split('+')[1]))).toEqual(new Set(['FiraSans-Regular', 'FiraSans-SemiBold']));

    const res2 = await api.request(u.w4!.token, 'GET', `/api/v1/sessions/${sid}/minutes`);
    expect(res2.headers.get('content-type')).toContain('text/markdown');
    const markdown = { body: flat(res2.body) };
    expect(markdown.body).toContain('Votum abgeben; Votum: Positives Votum; Federführendes Ressort:');
    expect(markdown.body).toContain('- Votum abgeben: Negatives Votum: 1 Projekt (320.000,00 €)');
    expect(markdown.body).toContain('Positiv entschieden / approved: 1 Projekt mit 2.400.000,00 € Fördervolumen');
    expect(markdown.body).not.toMatch(/\(positive\)|further_qualification|\b1 Projekte/);
  });
});

/** A minutes object as the engine builds it, with `count` decided items of long titles. */
function longMinutes(count: number): Minutes {
  const items = Array.from({ length: count }, (_, i) => ({
    profileId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    position: i + 1,
    title: `Vorhaben ${i + 1}: Sanierung und Erweiterung des Bürgerhauses mit Ärztehaus und Kita`,
    sponsor: 'Gemeinde Groß Schacksdorf-Simmersdorf',
    amountCents: 100_000_00 + i,
    state: 'next',
    stateLabel: { de: 'Nächster Schritt', en: 'Next step' },
    carriedFrom: null,
    carriedTo: null,
    decision: {
      event: 'DECIDE',
      payload: { verdict: 'approve' },
      toState: 'next',
      decidedAt: '2027-02-10T10:00:00.000Z',
      decidedBy: null,
    },
    decisionLabel: { de: 'Entscheiden', en: 'Decide' },
    decisionDetails: [
      { field: 'verdict', label: { de: 'Entscheidung', en: 'Verdict' }, values: [{ de: 'Annehmen', en: 'Approve' }] },
    ],
    toStateLabel: { de: 'Nächster Schritt', en: 'Next step' },
  }));
  return {
    session: {
      id: '00000000-0000-4000-8000-000000000001',
      workflow: 'review',
      kind: 'panel',
      kindLabel: { de: 'Gremiensitzung', en: 'Panel session' },
      scopeValue: null,
      scopeLabel: null,
      date: '2027-11-03',
      cutOffDate: null,
      title: 'Gremium 3/2027',
      createdAt: '2027-10-01T00:00:00.000Z',
      minutesPublishedAt: null,
    },
    participants: [{ role: 'panel', label: { de: 'Gremium', en: 'Panel' } }],
    items,
    totals: {
      projects: count,
      decided: count,
      byDecision: {
        'DECIDE:approve': {
          event: 'DECIDE',
          label: { de: 'Entscheiden', en: 'Decide' },
          outcome: { de: 'Annehmen', en: 'Approve' },
          count,
          amountCents: items.reduce((s, i) => s + i.amountCents, 0),
        },
      },
      approvedCount: count,
      approvedAmountCents: items.reduce((s, i) => s + i.amountCents, 0),
    },
  };
}

describe('minutes PDF layout', () => {
  it('breaks a long agenda across pages between rows, repeating the table header on each page', async () => {
    const pages = (await pdfPages(await minutesPdf(longMinutes(40)))).map(flat);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const header = 'Nr. Projekt Projektträger Beantragte Förderung Entscheidung';
    const withRows = pages.filter((p) => /Vorhaben \d+:/.test(p));
    expect(withRows.length).toBeGreaterThanOrEqual(3);
    for (const page of withRows) expect(page).toContain(header);
    for (let n = 1; n <= 40; n++) {
      const title = `Vorhaben ${n}: Sanierung und Erweiterung des Bürgerhauses mit Ärztehaus und Kita`;
      // Each row whole on exactly one page: a row is never split between two.
      expect(pages.filter((p) => p.includes(title))).toHaveLength(1);
    }
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${pages.length}`);
      expect(page).toContain('Ergebnisprotokoll · Gremiensitzung: Gremium 3/2027');
      expect(page).toContain('Sitzung vom 3. November 2027');
    });
    expect(pages.at(-1)).toContain('Positiv entschieden 40 Projekte 4.000.007,80 €');
  });
});
