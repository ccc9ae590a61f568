import { fieldSchemas, type SchemaMode, submitIssuesOf, toCents } from '@steckbrief/engine';
import { z } from 'zod';

/**
 * The Projektsteckbrief (SPEC §4). Two strictness levels built from one field list:
 * `draft` checks types and upper bounds while the applicant is still writing;
 * `complete` is what SUBMIT and RESUBMIT require. Messages are German first, English second,
 * and name the field by its German label.
 */

export const COUNTIES = ['LDS', 'SPN', 'OSL', 'EE', 'CB'] as const;
export const SPONSOR_KINDS = ['municipality', 'county', 'public_body', 'company', 'association'] as const;
export const PUBLIC_SPONSOR_KINDS: readonly string[] = ['municipality', 'county', 'public_body'];
export const SUB_AREAS = ['daseinsvorsorge', 'laendliche_entwicklung', 'smart_regions'] as const;
/** The nine Förderbereiche of § 4 (1) InvKG, which the Land directive funds. */
export const FUNDING_AREAS = [
  'wirtschaftsnahe_infrastruktur',
  'verkehr',
  'oeffentliche_fuersorge',
  'staedtebau_regionalentwicklung',
  'digitalisierung',
  'touristische_infrastruktur',
  'forschung_innovation',
  'klima_umweltschutz',
  'naturschutz_landschaftspflege',
] as const;
export const MIN_FUNDING_EUR = 25_000;

type Mode = SchemaMode;
interface L {
  de: string;
  en: string;
}

const L = (de: string, en: string): L => ({ de, en });
export const FIELD_LABELS = {
  title: L('Titel', 'Title'),
  summary: L('Kurzbeschreibung', 'Summary'),
  sponsor: L('Projektträger', 'Sponsor'),
  'sponsor.name': L('Name des Projektträgers', 'Sponsor name'),
  'sponsor.kind': L('Art des Projektträgers', 'Sponsor kind'),
  contact: L('Ansprechperson', 'Contact'),
  'contact.name': L('Name der Ansprechperson', 'Contact name'),
  'contact.email': L('E-Mail der Ansprechperson', 'Contact e-mail'),
  'contact.phone': L('Telefon der Ansprechperson', 'Contact phone'),
  werkstatt: L('Werkstatt', 'Werkstatt'),
  subArea: L('Teilbereich', 'Sub-area'),
  location: L('Standort', 'Location'),
  'location.municipality': L('Gemeinde', 'Municipality'),
  'location.county': L('Landkreis', 'County'),
  fundingArea: L('Förderbereich', 'Funding area'),
  totalCostEur: L('Gesamtkosten (EUR)', 'Total cost (EUR)'),
  requestedFundingEur: L('Beantragte Förderung (EUR)', 'Requested funding (EUR)'),
  startDate: L('Beginn', 'Start date'),
  endDate: L('Ende', 'End date'),
  measureStarted: L('Maßnahme begonnen', 'Measure started'),
  jobsCreated: L('Neue Arbeitsplätze', 'Jobs created'),
  jobsSecured: L('Gesicherte Arbeitsplätze', 'Jobs secured'),
  trainingPlaces: L('Ausbildungsplätze', 'Training places'),
  contribution: L('Beitrag zum Strukturwandel', 'Contribution to structural change'),
  partners: L('Partner', 'Partners'),
  permitsStatus: L('Stand der Genehmigungen', 'Permits status'),
  sustainability: L('Nachhaltigkeit', 'Sustainability'),
} as const;

type Field = keyof typeof FIELD_LABELS;
const { say, typeError, text, oneOf, count, euros, isoDate } = fieldSchemas(FIELD_LABELS);

const partner = z
  .object({
    name: z.string().trim().min(1).max(300),
    kind: z.enum(SPONSOR_KINDS),
  })
  .strict();

export { toCents };

function profileSchema(mode: Mode) {
  const opt = <S extends z.ZodType>(s: S) => (mode === 'draft' ? s.optional() : s);
  const sponsor = z
    .object({
      name: opt(text('sponsor.name', 2, 300, mode)),
      kind: opt(oneOf('sponsor.kind', SPONSOR_KINDS)),
    })
    .strict();
  const contact = z
    .object({
      name: opt(text('contact.name', 2, 200, mode)),
      email: opt(
        z.email({
          error: typeError('contact.email', 'ist keine gültige E-Mail-Adresse.', 'is not a valid e-mail address.'),
        }),
      ),
      phone: opt(
        z
          .string({ error: typeError('contact.phone', 'muss ein Text sein.', 'must be text.') })
          .regex(/^\+?[0-9 ()/-]{5,30}$/, {
            error: say('contact.phone', 'ist keine gültige Telefonnummer.', 'is not a valid phone number.'),
          }),
      ),
    })
    .strict();
  const location = z
    .object({
      municipality: opt(text('location.municipality', 2, 200, mode)),
      county: opt(oneOf('location.county', COUNTIES)),
    })
    .strict();
  const objectError = (field: Field) => ({ error: typeError(field, 'muss ein Objekt sein.', 'must be an object.') });
  const shape = {
    title: opt(text('title', 5, 200, mode)),
    summary: opt(text('summary', 50, 5000, mode)),
    sponsor: opt(mode === 'draft' ? sponsor.partial() : z.object(sponsor.shape, objectError('sponsor')).strict()),
    contact: opt(mode === 'draft' ? contact.partial() : z.object(contact.shape, objectError('contact')).strict()),
    werkstatt: opt(
      z
        .number({ error: typeError('werkstatt', 'muss eine Zahl von 1 bis 5 sein.', 'must be a number from 1 to 5.') })
        .int({ error: say('werkstatt', 'muss eine Zahl von 1 bis 5 sein.', 'must be a number from 1 to 5.') })
        .min(1, { error: say('werkstatt', 'muss eine Zahl von 1 bis 5 sein.', 'must be a number from 1 to 5.') })
        .max(5, { error: say('werkstatt', 'muss eine Zahl von 1 bis 5 sein.', 'must be a number from 1 to 5.') }),
    ),
    subArea: oneOf('subArea', SUB_AREAS).optional(),
    location: opt(mode === 'draft' ? location.partial() : z.object(location.shape, objectError('location')).strict()),
    fundingArea: opt(oneOf('fundingArea', FUNDING_AREAS)),
    totalCostEur: opt(euros('totalCostEur')),
    requestedFundingEur: opt(euros('requestedFundingEur')),
    startDate: opt(isoDate('startDate')),
    endDate: opt(isoDate('endDate')),
    measureStarted: opt(
      z.boolean({ error: typeError('measureStarted', 'muss ja oder nein sein.', 'must be true or false.') }),
    ),
    jobsCreated: opt(count('jobsCreated')),
    jobsSecured: opt(count('jobsSecured')),
    trainingPlaces: opt(count('trainingPlaces')),
    contribution: opt(text('contribution', 20, 5000, mode)),
    partners: z
      .array(partner, { error: say('partners', 'muss eine Liste sein.', 'must be a list.') })
      .max(50)
      .optional(),
    permitsStatus: text('permitsStatus', 0, 2000, 'draft').optional(),
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

/**
 * The rules that relate fields to each other. They also run on incomplete data (see
 * `submitIssues`), so an applicant sees every problem at once instead of in two rounds.
 */
function crossFieldIssues(d: Partial<DraftData>): Array<{ path: Field; message: string }> {
  const out: Array<{ path: Field; message: string }> = [];
  const issue = (path: Field, message: string) => out.push({ path, message });
  if (d.totalCostEur !== undefined && d.totalCostEur <= 0)
    issue('totalCostEur', say('totalCostEur', 'muss größer als 0 sein.', 'must be greater than 0.'));
  if (d.requestedFundingEur !== undefined && d.requestedFundingEur < MIN_FUNDING_EUR) {
    issue('requestedFundingEur', say('requestedFundingEur', 'mindestens 25.000 EUR.', 'at least EUR 25,000.'));
  }
  if (
    d.requestedFundingEur !== undefined &&
    d.totalCostEur !== undefined &&
    toCents(d.requestedFundingEur) > toCents(d.totalCostEur)
  ) {
    issue(
      'requestedFundingEur',
      say('requestedFundingEur', 'darf die Gesamtkosten nicht übersteigen.', 'must not exceed the total cost.'),
    );
  }
  if (d.startDate && d.endDate && d.endDate <= d.startDate) {
    issue('endDate', say('endDate', 'muss nach dem Beginn liegen.', 'must be after the start date.'));
  }
  // No funding for measures already begun (Verbot des vorzeitigen Maßnahmebeginns).
  if (d.measureStarted === true) {
    issue(
      'measureStarted',
      say(
        'measureStarted',
        'begonnene Maßnahmen können nicht gefördert werden.',
        'measures already started cannot be funded.',
      ),
    );
  }
  if (d.werkstatt === 4 && !d.subArea)
    issue('subArea', say('subArea', 'für Werkstatt 4 erforderlich.', 'required for Werkstatt 4.'));
  if (d.werkstatt !== undefined && d.werkstatt !== 4 && d.subArea) {
    issue('subArea', say('subArea', 'gibt es nur in Werkstatt 4.', 'exists only in Werkstatt 4.'));
  }
  if (d.sponsor?.kind === 'company' && !(d.partners ?? []).some((p) => PUBLIC_SPONSOR_KINDS.includes(p.kind))) {
    issue(
      'partners',
      say(
        'partners',
        'ein Unternehmen braucht mindestens einen öffentlichen Partner.',
        'a company needs at least one public partner.',
      ),
    );
  }
  return out;
}

export const draftProfileSchema = profileSchema('draft');
export const completeProfileSchema = profileSchema('complete');

/** Every reason a profile cannot be submitted yet: missing or invalid fields and the cross-field rules. */
export function submitIssues(data: unknown): Array<{ path: string; message: string }> {
  return submitIssuesOf({ complete: completeProfileSchema, draft: draftProfileSchema }, crossFieldIssues, data);
}
export type ProfileData = z.infer<typeof completeProfileSchema>;
