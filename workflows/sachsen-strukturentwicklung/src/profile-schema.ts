import { fieldSchemas, type SchemaMode, submitIssuesOf, toCents } from '@steckbrief/engine';
import { z } from 'zod';

/**
 * The Saxon Projektvorschlag (../shared/SAXONY.md, "Eligibility criteria of the proposal"). Two strictness
 * levels built from one field list: `draft` checks types and upper bounds while the sponsor is still writing;
 * `complete` is what SUBMIT and RESUBMIT require. Messages are German first, English second, and name the
 * field by its German label.
 */

/** The two Saxon coal regions, each with its own Regionaler Begleitausschuss. */
export const REVIERE = ['lausitz', 'mitteldeutschland'] as const;
export type Revier = (typeof REVIERE)[number];

/** Where a proposal is submitted: the Landkreise of both Reviere and the Stadt Leipzig. */
export const LANDKREISE = ['bautzen', 'goerlitz', 'leipzig_land', 'nordsachsen', 'leipzig_stadt'] as const;
export type Landkreis = (typeof LANDKREISE)[number];

/** The Revier each Landkreis belongs to (InvKG § 2). */
export const REVIER_OF: Readonly<Record<Landkreis, Revier>> = {
  bautzen: 'lausitz',
  goerlitz: 'lausitz',
  leipzig_land: 'mitteldeutschland',
  nordsachsen: 'mitteldeutschland',
  leipzig_stadt: 'mitteldeutschland',
};

/**
 * `county` is a Landkreis or the Stadt Leipzig itself, `county_company` one of their companies: their
 * proposals go straight to the SAS instead of through the Landkreis.
 */
export const SPONSOR_KINDS = [
  'municipality',
  'county',
  'county_company',
  'public_body',
  'company',
  'association',
] as const;
export const COUNTY_SPONSOR_KINDS: readonly string[] = ['county', 'county_company'];
/** Owner of the object, or a holder of equivalent usage rights (Erbbaurecht, long lease); `none` is not eligible. */
export const USAGE_RIGHTS = ['owner', 'equivalent', 'none'] as const;
export const MIN_FUNDING_EUR = 25_000;
export const MAX_DURATION_YEARS = 5;

type Mode = SchemaMode;
const L = (de: string, en: string) => ({ de, en });

export const FIELD_LABELS = {
  title: L('Titel', 'Title'),
  summary: L('Kurzbeschreibung', 'Summary'),
  'sponsor.name': L('Name des Trägers', 'Sponsor name'),
  'sponsor.kind': L('Art des Trägers', 'Sponsor kind'),
  'contact.name': L('Name der Ansprechperson', 'Contact name'),
  'contact.email': L('E-Mail der Ansprechperson', 'Contact e-mail'),
  'location.municipality': L('Gemeinde', 'Municipality'),
  'location.landkreis': L('Landkreis oder Stadt Leipzig', 'County or City of Leipzig'),
  revier: L('Revier', 'Coal region'),
  goal: L('Ziel des Handlungsprogramms', 'Goal of the action programme'),
  handlungsempfehlung: L('Handlungsempfehlung', 'Recommended action'),
  usageRights: L('Eigentum oder Nutzungsrechte', 'Ownership or usage rights'),
  outsideFloodArea: L('Außerhalb von Überschwemmungsgebieten', 'Outside flood areas'),
  totalCostEur: L('Gesamtkosten (EUR)', 'Total cost (EUR)'),
  requestedFundingEur: L('Beantragte Förderung (EUR)', 'Requested funding (EUR)'),
  startDate: L('Beginn', 'Start date'),
  endDate: L('Ende', 'End date'),
  measureStarted: L('Maßnahme begonnen', 'Measure started'),
  jobsCreated: L('Neue Arbeitsplätze', 'Jobs created'),
  trainingPlaces: L('Ausbildungsplätze', 'Training places'),
  structuralEffect: L('Wirkung auf Beschäftigung und Diversifizierung', 'Effect on jobs and diversification'),
  demography: L('Nutzbarkeit im demografischen Wandel', 'Usability under demographic change'),
  sustainability: L('Beitrag zur Nachhaltigkeitsstrategie', 'Contribution to the sustainability strategy'),
} as const;

type Field = keyof typeof FIELD_LABELS;
const { say, typeError, text, oneOf, yesNo, count, euros, isoDate } = fieldSchemas(FIELD_LABELS);

export { toCents };

/** The last day a measure starting on `start` may end on: at most five years (SAXONY.md). */
export function latestEnd(start: string): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + MAX_DURATION_YEARS, m - 1, d)).toISOString().slice(0, 10);
}

function profileSchema(mode: Mode) {
  const opt = <S extends z.ZodType>(s: S) => (mode === 'draft' ? s.optional() : s);
  const objectError = { error: 'muss ein Objekt sein. / must be an object.' };
  const sponsor = z
    .object(
      { name: opt(text('sponsor.name', 2, 300, mode)), kind: opt(oneOf('sponsor.kind', SPONSOR_KINDS)) },
      objectError,
    )
    .strict();
  const contact = z
    .object(
      {
        name: opt(text('contact.name', 2, 200, mode)),
        email: opt(
          z.email({
            error: typeError('contact.email', 'ist keine gültige E-Mail-Adresse.', 'is not a valid e-mail address.'),
          }),
        ),
      },
      objectError,
    )
    .strict();
  const location = z
    .object(
      {
        municipality: opt(text('location.municipality', 2, 200, mode)),
        landkreis: opt(oneOf('location.landkreis', LANDKREISE)),
      },
      objectError,
    )
    .strict();
  const shape = {
    title: opt(text('title', 5, 200, mode)),
    summary: opt(text('summary', 50, 5000, mode)),
    sponsor: opt(mode === 'draft' ? sponsor.partial() : sponsor),
    contact: opt(mode === 'draft' ? contact.partial() : contact),
    location: opt(mode === 'draft' ? location.partial() : location),
    revier: opt(oneOf('revier', REVIERE)),
    goal: opt(text('goal', 3, 300, mode)),
    handlungsempfehlung: opt(text('handlungsempfehlung', 3, 300, mode)),
    usageRights: opt(oneOf('usageRights', USAGE_RIGHTS)),
    outsideFloodArea: opt(yesNo('outsideFloodArea')),
    totalCostEur: opt(euros('totalCostEur')),
    requestedFundingEur: opt(euros('requestedFundingEur')),
    startDate: opt(isoDate('startDate')),
    endDate: opt(isoDate('endDate')),
    measureStarted: opt(yesNo('measureStarted')),
    jobsCreated: count('jobsCreated').optional(),
    trainingPlaces: count('trainingPlaces').optional(),
    structuralEffect: opt(text('structuralEffect', 20, 5000, mode)),
    demography: text('demography', 0, 5000, 'draft').optional(),
    sustainability: text('sustainability', 0, 5000, 'draft').optional(),
  };
  const object = z
    .object(shape, { error: 'Die Profildaten müssen ein Objekt sein. / Profile data must be an object.' })
    .strict();
  if (mode === 'draft') return object;
  return object.superRefine((d, ctx) => {
    for (const { path, message } of crossFieldIssues(d))
      ctx.addIssue({ code: 'custom', path: path.split('.'), message });
  });
}

type DraftData = z.infer<ReturnType<typeof profileSchema>>;

/** The rules that relate fields to each other or that only a complete proposal must meet. */
function crossFieldIssues(d: Partial<DraftData>): Array<{ path: Field; message: string }> {
  const out: Array<{ path: Field; message: string }> = [];
  const issue = (path: Field, de: string, en: string) => out.push({ path, message: say(path, de, en) });
  if (d.totalCostEur !== undefined && d.totalCostEur <= 0)
    issue('totalCostEur', 'muss größer als 0 sein.', 'must be greater than 0.');
  if (d.requestedFundingEur !== undefined && d.requestedFundingEur < MIN_FUNDING_EUR)
    issue('requestedFundingEur', 'mindestens 25.000 EUR.', 'at least EUR 25,000.');
  if (
    d.requestedFundingEur !== undefined &&
    d.totalCostEur !== undefined &&
    toCents(d.requestedFundingEur) > toCents(d.totalCostEur)
  )
    issue('requestedFundingEur', 'darf die Gesamtkosten nicht übersteigen.', 'must not exceed the total cost.');
  if (d.startDate && d.endDate && d.endDate <= d.startDate)
    issue('endDate', 'muss nach dem Beginn liegen.', 'must be after the start date.');
  if (d.startDate && d.endDate && d.endDate > latestEnd(d.startDate))
    issue('endDate', 'die Laufzeit beträgt höchstens 5 Jahre.', 'the duration is at most 5 years.');
  if (d.measureStarted === true)
    issue(
      'measureStarted',
      'begonnene Maßnahmen können nicht gefördert werden.',
      'measures already started cannot be funded.',
    );
  if (d.outsideFloodArea === false)
    issue(
      'outsideFloodArea',
      'Vorhaben in Überschwemmungsgebieten werden nicht gefördert.',
      'projects in flood areas are not funded.',
    );
  if (d.usageRights === 'none')
    issue(
      'usageRights',
      'der Träger muss Eigentümer sein oder gleichwertige Nutzungsrechte haben.',
      'the sponsor must own the object or hold equivalent usage rights.',
    );
  const landkreis = d.location?.landkreis;
  if (landkreis && d.revier && REVIER_OF[landkreis] !== d.revier)
    issue('revier', 'der Landkreis liegt nicht in diesem Revier.', 'the county is not in this coal region.');
  return out;
}

export const draftProfileSchema = profileSchema('draft');
export const completeProfileSchema = profileSchema('complete');
export type ProfileData = z.infer<typeof completeProfileSchema>;

/** Every reason a proposal cannot be submitted yet: missing or invalid fields and the cross-field rules. */
export function submitIssues(data: unknown): Array<{ path: string; message: string }> {
  return submitIssuesOf({ complete: completeProfileSchema, draft: draftProfileSchema }, crossFieldIssues, data);
}

/** Does the proposal go straight to the SAS: the Landkreis, the Stadt Leipzig or one of their companies is the sponsor. */
export function isCountyOwned(data: Record<string, unknown>): boolean {
  const kind = (data.sponsor as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' && COUNTY_SPONSOR_KINDS.includes(kind);
}
