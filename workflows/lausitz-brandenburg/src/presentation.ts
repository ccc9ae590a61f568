import type { Label, WorkflowPresentation } from '@steckbrief/engine';
import type { Ministry } from './machine.js';
import {
  type COUNTIES,
  FIELD_LABELS,
  type FUNDING_AREAS,
  type SPONSOR_KINDS,
  type SUB_AREAS,
} from './profile-schema.js';

/**
 * What the pages show of this workflow beyond the engine's labels: the Werkstätten (SPEC §1) and the
 * German names of the coded values in a Projektsteckbrief. Data, no behaviour.
 */

export interface WerkstattInfo {
  number: number;
  name: string;
  subAreas: Array<{ id: string; label: string }>;
  description: string;
}

/** The five Werkstätten of the WRL (SPEC §1); sub-areas exist only in Werkstatt 4. */
export const WERKSTAETTEN: readonly WerkstattInfo[] = [
  {
    number: 1,
    name: 'Unternehmen, Wirtschaftsentwicklung & Fachkräftesicherung',
    subAreas: [],
    description:
      'Die Werkstatt qualifiziert Projekte, die Unternehmen in der Lausitz stärken, neue Wertschöpfung ansiedeln und Fachkräfte gewinnen und halten.',
  },
  {
    number: 2,
    name: 'Innovation & Digitalisierung',
    subAreas: [],
    description:
      'Die Werkstatt qualifiziert Projekte für Forschung, Wissenstransfer, Innovation und die digitale Infrastruktur der Region.',
  },
  {
    number: 3,
    name: 'Infrastruktur & Mobilität',
    subAreas: [],
    description:
      'Die Werkstatt qualifiziert Projekte für Verkehr, Mobilität und die wirtschaftsnahe Infrastruktur der Lausitz.',
  },
  {
    number: 4,
    name: 'Daseinsvorsorge, ländliche Entwicklung & smart regions',
    subAreas: [
      { id: 'daseinsvorsorge', label: 'Daseinsvorsorge' },
      { id: 'laendliche_entwicklung', label: 'Ländliche Entwicklung' },
      { id: 'smart_regions', label: 'Smart Regions' },
    ],
    description:
      'Die Werkstatt qualifiziert Projekte, die das Leben in Stadt und Land lebenswert halten: Gesundheit, Bildung, Sport, Kultur vor Ort und digitale Lösungen für ländliche Räume.',
  },
  {
    number: 5,
    name: 'Kultur, Kreativwirtschaft, Tourismus & Marketing',
    subAreas: [],
    description:
      'Die Werkstatt qualifiziert Projekte für Kultur, Kreativwirtschaft und Tourismus und für das Bild der Lausitz nach außen.',
  },
];

export const SPONSOR_KIND_LABELS: Record<(typeof SPONSOR_KINDS)[number], string> = {
  municipality: 'Gemeinde oder Stadt',
  county: 'Landkreis',
  public_body: 'Öffentliche Einrichtung',
  company: 'Unternehmen',
  association: 'Verein oder Verband',
};

export const COUNTY_LABELS: Record<(typeof COUNTIES)[number], string> = {
  LDS: 'Landkreis Dahme-Spreewald',
  SPN: 'Landkreis Spree-Neiße',
  OSL: 'Landkreis Oberspreewald-Lausitz',
  EE: 'Landkreis Elbe-Elster',
  CB: 'Stadt Cottbus',
};

export const SUB_AREA_LABELS: Record<(typeof SUB_AREAS)[number], string> = {
  daseinsvorsorge: 'Daseinsvorsorge',
  laendliche_entwicklung: 'Ländliche Entwicklung',
  smart_regions: 'Smart Regions',
};

/** The nine Förderbereiche of § 4 (1) InvKG. */
export const FUNDING_AREA_LABELS: Record<(typeof FUNDING_AREAS)[number], string> = {
  wirtschaftsnahe_infrastruktur: 'Wirtschaftsnahe Infrastruktur',
  verkehr: 'Verkehr',
  oeffentliche_fuersorge: 'Öffentliche Fürsorge',
  staedtebau_regionalentwicklung: 'Städtebau, Stadt- und Regionalentwicklung',
  digitalisierung: 'Digitalisierung, Breitband und Mobilfunk',
  touristische_infrastruktur: 'Touristische Infrastruktur',
  forschung_innovation: 'Infrastrukturen für Forschung, Innovation und Technologietransfer',
  klima_umweltschutz: 'Klima- und Umweltschutz',
  naturschutz_landschaftspflege: 'Naturschutz und Landschaftspflege',
};

/** What each state means for the applicant, in plain German: the "what happens next" of the profile page. */
export const STATE_EXPLANATIONS: Record<string, Label> = {
  draft: {
    de: 'Der Steckbrief ist noch nicht eingereicht. Sie können ihn bearbeiten und einreichen, sobald alle Pflichtangaben vollständig sind.',
    en: 'The profile has not been submitted yet.',
  },
  intake: {
    de: 'Die Geschäftsstelle der WRL prüft den Steckbrief auf Vollständigkeit und ordnet ihn einer Werkstatt zu.',
    en: 'The WRL office checks the profile and assigns a Werkstatt.',
  },
  revision: {
    de: 'Der Steckbrief soll überarbeitet werden. Bitte ändern Sie ihn und reichen Sie die Überarbeitung ein.',
    en: 'The profile needs a revision.',
  },
  qualification: {
    de: 'Die Werkstatt berät den Steckbrief in einer ihrer nächsten Sitzungen und gibt ein Votum ab.',
    en: 'The Werkstatt discusses the profile in one of its next sessions.',
  },
  ministry_review: {
    de: 'Die beteiligten Ressorts der Landesregierung prüfen das Projekt und nehmen Stellung.',
    en: 'The ministries involved review the project.',
  },
  commissioner_approval: {
    de: 'Der Lausitz-Beauftragte des Ministerpräsidenten entscheidet, ob er dem Projekt zustimmt.',
    en: 'The Lausitz commissioner decides on his approval.',
  },
  imag_pending: {
    de: 'Das Projekt liegt der IMAG Lausitz vor und wird in einer ihrer nächsten Sitzungen beraten.',
    en: 'The project is before the IMAG.',
  },
  confirmed: {
    de: 'Die IMAG hat das Projekt bestätigt. Als Nächstes stellen Sie den Förderantrag bei der ILB.',
    en: 'The IMAG confirmed the project; apply for funding at the ILB next.',
  },
  rejected: { de: 'Das Projekt wurde abgelehnt. Das Verfahren ist abgeschlossen.', en: 'The project was rejected.' },
  withdrawn: {
    de: 'Der Steckbrief wurde zurückgezogen. Das Verfahren ist abgeschlossen.',
    en: 'The profile was withdrawn.',
  },
};

/** The ministries (Ressorts) of the Brandenburg government that review projects (SPEC §1.3). */
export const MINISTRY_LABELS: Record<Ministry, Label> = {
  MIL: {
    de: 'Ministerium für Infrastruktur und Landesplanung (MIL)',
    en: 'Ministry of Infrastructure and Regional Planning (MIL)',
  },
  MLUK: {
    de: 'Ministerium für Landwirtschaft, Umwelt und Klimaschutz (MLUK)',
    en: 'Ministry of Agriculture, Environment and Climate Protection (MLUK)',
  },
  MBJS: { de: 'Ministerium für Bildung, Jugend und Sport (MBJS)', en: 'Ministry of Education, Youth and Sport (MBJS)' },
  MSGIV: {
    de: 'Ministerium für Soziales, Gesundheit, Integration und Verbraucherschutz (MSGIV)',
    en: 'Ministry of Social Affairs, Health, Integration and Consumer Protection (MSGIV)',
  },
  MWFK: {
    de: 'Ministerium für Wissenschaft, Forschung und Kultur (MWFK)',
    en: 'Ministry of Science, Research and Culture (MWFK)',
  },
  MWAE: {
    de: 'Ministerium für Wirtschaft, Arbeit und Energie (MWAE)',
    en: 'Ministry of Economic Affairs, Labour and Energy (MWAE)',
  },
  STK: { de: 'Staatskanzlei (STK)', en: 'State Chancellery (STK)' },
};

/** A payload field's label and the labels of its coded values, as the definition's events carry them. */
interface FieldLabels {
  label: Label;
  values?: Record<string, Label>;
}

/**
 * The names of the events' payload fields and of every value they take: minutes, mails and pages show
 * these instead of codes. The definition check refuses a coded value without its label.
 */
export const PAYLOAD_FIELDS = {
  reason: { label: { de: 'Begründung', en: 'Reason' } },
  werkstatt: {
    label: { de: 'Werkstatt', en: 'Werkstatt' },
    values: Object.fromEntries(
      WERKSTAETTEN.map((w) => [
        String(w.number),
        { de: `Werkstatt ${w.number}: ${w.name}`, en: `Werkstatt ${w.number}: ${w.name}` },
      ]),
    ),
  },
  votum: {
    label: { de: 'Votum', en: 'Votum' },
    values: {
      positive: { de: 'Positives Votum', en: 'Positive Votum' },
      further_qualification: { de: 'Weitere Qualifizierung nötig', en: 'Further qualification needed' },
      negative: { de: 'Negatives Votum', en: 'Negative Votum' },
    },
  },
  leadMinistry: { label: { de: 'Federführendes Ressort', en: 'Lead ministry' }, values: MINISTRY_LABELS },
  ministries: {
    label: { de: 'Weitere beteiligte Ressorts', en: 'Other ministries involved' },
    values: MINISTRY_LABELS,
  },
  ministry: { label: { de: 'Ressort', en: 'Ministry' }, values: MINISTRY_LABELS },
  opinion: {
    label: { de: 'Einschätzung', en: 'Opinion' },
    values: { endorse: { de: 'Befürwortung', en: 'Endorsement' }, concerns: { de: 'Bedenken', en: 'Concerns' } },
  },
  text: { label: { de: 'Stellungnahme', en: 'Statement' } },
  priority: { label: { de: 'Priorität', en: 'Priority' } },
} satisfies Record<string, FieldLabels>;

const de = <K extends string>(labels: Record<K, Label>): Record<K, string> =>
  Object.fromEntries(Object.entries<Label>(labels).map(([k, v]) => [k, v.de])) as Record<K, string>;
const label = (path: keyof typeof FIELD_LABELS) => FIELD_LABELS[path].de;

/**
 * How the web pages show a Steckbrief: the applicant's question pages (their ids are the sections a
 * revision request can name, `PROFILE_SECTIONS`), the state tags, and the public Werkstatt pages.
 */
export const PRESENTATION: WorkflowPresentation = {
  noun: 'Steckbrief',
  createButton: 'Neuen Steckbrief anlegen',
  sections: [
    {
      id: 'projekt',
      title: 'Projekt',
      fields: [
        { path: 'title', input: 'text', label: label('title'), hint: '5 bis 200 Zeichen' },
        {
          path: 'summary',
          input: 'longtext',
          label: label('summary'),
          hint: 'Was soll entstehen, für wen und warum? 50 bis 5.000 Zeichen.',
        },
      ],
    },
    {
      id: 'traeger-und-kontakt',
      title: 'Projektträger und Kontakt',
      fields: [
        { path: 'sponsor.name', input: 'text', label: label('sponsor.name') },
        { path: 'sponsor.kind', input: 'choice', label: label('sponsor.kind'), values: SPONSOR_KIND_LABELS },
        { path: 'contact.name', input: 'text', label: label('contact.name') },
        { path: 'contact.email', input: 'email', label: label('contact.email') },
        { path: 'contact.phone', input: 'tel', label: label('contact.phone') },
      ],
    },
    {
      id: 'standort-und-werkstatt',
      title: 'Standort und Werkstatt',
      fields: [
        { path: 'location.municipality', input: 'text', label: label('location.municipality') },
        { path: 'location.county', input: 'choice', label: label('location.county'), values: COUNTY_LABELS },
        {
          path: 'werkstatt',
          input: 'choice',
          label: label('werkstatt'),
          values: de(PAYLOAD_FIELDS.werkstatt.values),
          shortValues: Object.fromEntries(WERKSTAETTEN.map((w) => [String(w.number), `Werkstatt ${w.number}`])),
        },
        {
          path: 'subArea',
          input: 'choice',
          label: label('subArea'),
          optional: true,
          hint: 'Nur für Werkstatt 4 anzugeben.',
          values: SUB_AREA_LABELS,
        },
      ],
    },
    {
      id: 'kosten-und-foerderung',
      title: 'Kosten und Förderung',
      fields: [
        { path: 'fundingArea', input: 'choice', label: label('fundingArea'), values: FUNDING_AREA_LABELS },
        { path: 'totalCostEur', input: 'euros', label: 'Gesamtkosten', hint: 'In Euro, zum Beispiel 1.250.000' },
        {
          path: 'requestedFundingEur',
          input: 'euros',
          label: 'Beantragte Förderung',
          hint: 'In Euro, mindestens 25.000',
        },
      ],
    },
    {
      id: 'zeitplan',
      title: 'Zeitplan',
      fields: [
        { path: 'startDate', input: 'date', label: label('startDate'), hint: 'Zum Beispiel 1 3 2027' },
        { path: 'endDate', input: 'date', label: label('endDate'), hint: 'Zum Beispiel 30 6 2030' },
        {
          path: 'measureStarted',
          input: 'yesno',
          label: label('measureStarted'),
          hint: 'Begonnene Maßnahmen können nicht gefördert werden.',
        },
        { path: 'permitsStatus', input: 'longtext', label: label('permitsStatus'), optional: true },
      ],
    },
    {
      id: 'wirkung',
      title: 'Wirkung: Arbeitsplätze und Beitrag zum Strukturwandel',
      fields: [
        { path: 'jobsCreated', input: 'integer', label: label('jobsCreated') },
        { path: 'jobsSecured', input: 'integer', label: label('jobsSecured') },
        { path: 'trainingPlaces', input: 'integer', label: label('trainingPlaces') },
        {
          path: 'contribution',
          input: 'longtext',
          label: label('contribution'),
          hint: 'Wettbewerbsfähigkeit, Fachkräfte, Lebensqualität und Vielfalt',
        },
        { path: 'sustainability', input: 'longtext', label: label('sustainability'), optional: true },
      ],
    },
  ],
  stateTones: {
    draft: 'info',
    intake: 'info',
    revision: 'warning',
    qualification: 'info',
    ministry_review: 'info',
    commissioner_approval: 'info',
    imag_pending: 'info',
    confirmed: 'success',
    rejected: 'danger',
    withdrawn: 'danger',
  },
  stateExplanations: STATE_EXPLANATIONS,
  submitEvents: {
    draft: { event: 'SUBMIT', button: 'Steckbrief einreichen' },
    revision: { event: 'RESUBMIT', button: 'Überarbeitung einreichen' },
  },
  submitNotice:
    'Mit dem Einreichen senden Sie den Steckbrief an die Geschäftsstelle der WRL. Danach können Sie ihn nur noch ändern, wenn eine Überarbeitung angefordert wird.',
  withdrawEvent: 'WITHDRAW',
  revisionState: 'revision',
  // The WRL office accepts several submitted profiles into one Werkstatt in one form.
  batch: { state: 'intake', event: 'ACCEPT', title: 'Eingangsprüfung: mehrere Steckbriefe annehmen' },
  public: {
    path: 'werkstaetten',
    attribute: 'werkstatt',
    title: 'Werkstätten',
    intro:
      'In fünf thematischen Werkstätten qualifiziert die Wirtschaftsregion Lausitz Projekte für den Strukturwandel. Hier sehen Sie je Werkstatt die Projekte, die die IMAG Lausitz bestätigt hat, die nächsten Sitzungstermine und die veröffentlichten Ergebnisprotokolle.',
    overviewLink: 'Alle Werkstätten',
    confirmedHeading: 'Von der IMAG bestätigte Projekte',
    noneConfirmed: 'Die IMAG hat für diese Werkstatt noch kein Projekt bestätigt.',
    noMinutes: 'Für diese Werkstatt ist noch kein Protokoll veröffentlicht.',
    placeField: 'location.municipality',
    groups: WERKSTAETTEN.map((w) => ({
      value: String(w.number),
      shortName: `Werkstatt ${w.number}`,
      name: w.name,
      description: w.description,
      subAreas: w.subAreas.map((s) => s.label),
    })),
  },
};
