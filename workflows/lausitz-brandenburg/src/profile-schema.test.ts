import { describe, expect, it } from 'vitest';
import { exampleProfile } from './example.js';
import { completeProfileSchema, draftProfileSchema, submitIssues } from './profile-schema.js';

const valid = exampleProfile;

/** The issues of a complete-profile check as {path: message}. */
function issues(data: unknown): Record<string, string> {
  const result = completeProfileSchema.safeParse(data);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]));
}

/** Every message names the field by its German label first, then repeats in English after " / ". */
function expectGermanFirst(message: string | undefined, germanLabel: string) {
  expect(message).toBeDefined();
  const [de, en] = (message as string).split(' / ');
  expect(de?.startsWith(`${germanLabel}:`)).toBe(true);
  expect(en).toBeTruthy();
}

describe('completeProfileSchema (the SUBMIT rules of SPEC §4)', () => {
  it('accepts the reference profile', () => {
    expect(issues(valid())).toEqual({});
  });

  describe('title (5 to 200 characters)', () => {
    it.each([
      ['Halle', true],
      ['Hall', false],
      ['x'.repeat(200), true],
      ['x'.repeat(201), false],
    ])('judges a title of %# characters correctly', (title, ok) => {
      const found = issues(valid({ title }));
      expect(found.title === undefined).toBe(ok);
      if (!ok) expectGermanFirst(found.title, 'Titel');
    });

    it('counts characters after trimming surrounding spaces', () => {
      expect(issues(valid({ title: '   Hal   ' })).title).toBe(
        'Titel: mindestens 5 Zeichen. / Title: at least 5 characters.',
      );
    });
  });

  describe('summary (50 to 5000 characters)', () => {
    it.each([
      [49, false],
      [50, true],
      [5000, true],
      [5001, false],
    ])('judges a summary of %i characters correctly', (length, ok) => {
      const found = issues(valid({ summary: 's'.repeat(length) }));
      expect(found.summary === undefined).toBe(ok);
      if (!ok) expectGermanFirst(found.summary, 'Kurzbeschreibung');
    });
  });

  describe('sponsor', () => {
    it('requires a company to name at least one public partner', () => {
      const company = { sponsor: { name: 'Spreewald Bau GmbH', kind: 'company' } };
      expect(issues(valid(company)).partners).toBe(
        'Partner: ein Unternehmen braucht mindestens einen öffentlichen Partner. / Partners: a company needs at least one public partner.',
      );
      expect(issues(valid({ ...company, partners: [{ name: 'Verein', kind: 'association' }] })).partners).toBeDefined();
      expect(issues(valid({ ...company, partners: [{ name: 'Landkreis SPN', kind: 'county' }] }))).toEqual({});
      expect(issues(valid({ ...company, partners: [{ name: 'Gemeinde Burg', kind: 'municipality' }] }))).toEqual({});
    });

    it('does not require partners from public sponsors', () => {
      for (const kind of ['municipality', 'county', 'public_body']) {
        expect(issues(valid({ sponsor: { name: 'Öffentlicher Träger', kind } }))).toEqual({});
      }
    });

    it('rejects an unknown sponsor kind with a German message', () => {
      expectGermanFirst(
        issues(valid({ sponsor: { name: 'X GmbH', kind: 'startup' } }))['sponsor.kind'],
        'Art des Projektträgers',
      );
    });
  });

  describe('Werkstatt and sub-area', () => {
    it('requires a sub-area for Werkstatt 4', () => {
      expect(issues(valid({ subArea: undefined })).subArea).toBe(
        'Teilbereich: für Werkstatt 4 erforderlich. / Sub-area: required for Werkstatt 4.',
      );
    });

    it('accepts each of the three W4 sub-areas and rejects others', () => {
      for (const subArea of ['daseinsvorsorge', 'laendliche_entwicklung', 'smart_regions']) {
        expect(issues(valid({ subArea }))).toEqual({});
      }
      expectGermanFirst(issues(valid({ subArea: 'tourismus' })).subArea, 'Teilbereich');
    });

    it('refuses a sub-area outside Werkstatt 4 and needs none there', () => {
      expectGermanFirst(issues(valid({ werkstatt: 2 })).subArea, 'Teilbereich');
      expect(issues(valid({ werkstatt: 2, subArea: undefined }))).toEqual({});
    });

    it.each([0, 6, 2.5, '4'])('rejects Werkstatt %j', (werkstatt) => {
      expectGermanFirst(issues(valid({ werkstatt })).werkstatt, 'Werkstatt');
    });
  });

  describe('money', () => {
    it('requires at least 25 000 EUR of requested funding', () => {
      expect(issues(valid({ requestedFundingEur: 25_000 }))).toEqual({});
      expect(issues(valid({ requestedFundingEur: 24_999.99 })).requestedFundingEur).toBe(
        'Beantragte Förderung (EUR): mindestens 25.000 EUR. / Requested funding (EUR): at least EUR 25,000.',
      );
    });

    it('requires the requested funding not to exceed the total cost, to the cent', () => {
      expect(issues(valid({ totalCostEur: 100_000.1, requestedFundingEur: 100_000.1 }))).toEqual({});
      expect(issues(valid({ totalCostEur: 100_000.1, requestedFundingEur: 100_000.11 })).requestedFundingEur).toBe(
        'Beantragte Förderung (EUR): darf die Gesamtkosten nicht übersteigen. / Requested funding (EUR): must not exceed the total cost.',
      );
    });

    it('requires a total cost greater than zero', () => {
      expectGermanFirst(
        issues(valid({ totalCostEur: 0, requestedFundingEur: 25_000 })).totalCostEur,
        'Gesamtkosten (EUR)',
      );
    });

    it.each([
      [100_000.12, true],
      [100_000.1, true],
      [0.29 + 100_000, true],
      [100_000.123, false],
      [100_000.005, false],
    ])('allows at most two decimals: %d', (amount, ok) => {
      const found = issues(valid({ totalCostEur: amount, requestedFundingEur: 25_000 }));
      expect(found.totalCostEur === undefined).toBe(ok);
      if (!ok) {
        expect(found.totalCostEur).toBe(
          'Gesamtkosten (EUR): höchstens zwei Nachkommastellen. / Total cost (EUR): at most two decimals.',
        );
      }
    });

    it.each([['100000'], [Number.NaN], [Number.POSITIVE_INFINITY], [-5]])('rejects the amount %j', (amount) => {
      expectGermanFirst(
        issues(valid({ requestedFundingEur: amount })).requestedFundingEur,
        'Beantragte Förderung (EUR)',
      );
    });
  });

  describe('dates', () => {
    it('requires the end to be after the start', () => {
      expect(issues(valid({ startDate: '2027-03-01', endDate: '2027-03-02' }))).toEqual({});
      for (const endDate of ['2027-03-01', '2027-02-28']) {
        expect(issues(valid({ startDate: '2027-03-01', endDate })).endDate).toBe(
          'Ende: muss nach dem Beginn liegen. / End date: must be after the start date.',
        );
      }
    });

    it.each(['01.03.2027', '2027-13-01', '2027-02-30', '2027-03-01T00:00:00Z'])('rejects the date %s', (startDate) => {
      expectGermanFirst(issues(valid({ startDate })).startDate, 'Beginn');
    });
  });

  describe('measureStarted', () => {
    it('must be false: started measures cannot be funded', () => {
      expect(issues(valid({ measureStarted: true })).measureStarted).toBe(
        'Maßnahme begonnen: begonnene Maßnahmen können nicht gefördert werden. / Measure started: measures already started cannot be funded.',
      );
    });

    it('must be a boolean', () => {
      expectGermanFirst(issues(valid({ measureStarted: 'nein' })).measureStarted, 'Maßnahme begonnen');
    });
  });

  describe('counts (jobs created, jobs secured, training places)', () => {
    it.each([
      ['jobsCreated', 'Neue Arbeitsplätze', 'Jobs created'],
      ['jobsSecured', 'Gesicherte Arbeitsplätze', 'Jobs secured'],
      ['trainingPlaces', 'Ausbildungsplätze', 'Training places'],
    ])('%s must be a whole number of at least 0', (field, label, english) => {
      expect(issues(valid({ [field]: 0 }))).toEqual({});
      expect(issues(valid({ [field]: -1 }))[field]).toBe(
        `${label}: darf nicht negativ sein. / ${english}: must not be negative.`,
      );
      expectGermanFirst(issues(valid({ [field]: 1.5 }))[field], label);
      expectGermanFirst(issues(valid({ [field]: '3' }))[field], label);
    });
  });

  describe('required fields', () => {
    it.each([
      ['title', 'Titel'],
      ['summary', 'Kurzbeschreibung'],
      ['sponsor', 'Projektträger'],
      ['contact', 'Ansprechperson'],
      ['werkstatt', 'Werkstatt'],
      ['location', 'Standort'],
      ['fundingArea', 'Förderbereich'],
      ['totalCostEur', 'Gesamtkosten (EUR)'],
      ['requestedFundingEur', 'Beantragte Förderung (EUR)'],
      ['startDate', 'Beginn'],
      ['endDate', 'Ende'],
      ['measureStarted', 'Maßnahme begonnen'],
      ['jobsCreated', 'Neue Arbeitsplätze'],
      ['jobsSecured', 'Gesicherte Arbeitsplätze'],
      ['trainingPlaces', 'Ausbildungsplätze'],
      ['contribution', 'Beitrag zum Strukturwandel'],
    ])('reports a missing %s as "%s: Angabe fehlt."', (field, label) => {
      const found = issues(valid({ [field]: undefined }));
      expect(found[field]).toMatch(new RegExp(`^${label.replace(/[()]/g, '\\$&')}: Angabe fehlt\\. / `));
    });

    it.each([
      [
        'contact.email',
        { contact: { name: 'Erika Muster', email: 'keine-mail', phone: '+49 355 1' } },
        'E-Mail der Ansprechperson',
      ],
      [
        'contact.phone',
        { contact: { name: 'Erika Muster', email: 'e@example.org', phone: 'call me' } },
        'Telefon der Ansprechperson',
      ],
      ['location.county', { location: { municipality: 'Dresden', county: 'DD' } }, 'Landkreis'],
      ['fundingArea', { fundingArea: 'raumfahrt' }, 'Förderbereich'],
    ])('rejects an invalid %s with a German message', (path, overrides, label) => {
      expectGermanFirst(issues(valid(overrides))[path], label);
    });
  });

  it('rejects unknown fields', () => {
    const result = completeProfileSchema.safeParse(valid({ budgetNotes: 'geheim' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('draftProfileSchema', () => {
  it('accepts an empty and a partial draft', () => {
    expect(draftProfileSchema.safeParse({}).success).toBe(true);
    expect(
      draftProfileSchema.safeParse({ title: 'Hal', sponsor: { kind: 'company' }, requestedFundingEur: 10 }).success,
    ).toBe(true);
  });

  it('still checks types and upper bounds', () => {
    expect(draftProfileSchema.safeParse({ title: 'x'.repeat(201) }).success).toBe(false);
    expect(draftProfileSchema.safeParse({ werkstatt: 'vier' }).success).toBe(false);
    expect(draftProfileSchema.safeParse({ jobsCreated: -1 }).success).toBe(false);
    expect(draftProfileSchema.safeParse({ totalCostEur: 1.001 }).success).toBe(false);
    expect(draftProfileSchema.safeParse({ unknown: true }).success).toBe(false);
  });
});

describe('submitIssues', () => {
  it('reports missing fields and the cross-field rules in one round', () => {
    const found = submitIssues({ title: 'Trampolinhalle Cottbus', sponsor: { kind: 'company' }, measureStarted: true });
    const paths = found.map((i) => i.path);
    expect(paths).toContain('summary');
    expect(paths).toContain('sponsor.name');
    expect(paths).toContain('partners');
    expect(paths).toContain('measureStarted');
    expect(found.find((i) => i.path === 'partners')?.message).toMatch(/^Partner: ein Unternehmen braucht/);
  });

  it('is empty for a complete profile', () => {
    expect(submitIssues(valid())).toEqual([]);
  });
});
