import type { RoleGrant } from '@steckbrief/db';
import { MINISTRIES } from '@steckbrief/workflow-lausitz-brandenburg';

/**
 * Demo data for `pnpm steckbrief seed`. The six Werkstatt 4 projects carry their real names; every figure,
 * date, contact and text is illustrative and says so. Generated projects are deterministic, so a second run
 * finds them again by title and owner.
 */

export const DEMO_DOMAIN = 'demo.steckbrief.example';
const NOTE = '(Demodaten: alle Zahlen und Angaben sind illustrativ. / Demo data: all figures are illustrative.)';

export interface SeedUser {
  key: string;
  email: string;
  name: string;
  organisation?: string;
  roles: RoleGrant[];
}

export interface Organisation {
  key: string;
  name: string;
  kind: 'municipality' | 'county' | 'public_body' | 'company';
  /** Places its projects are located in; the first is its seat. */
  places: Array<{ municipality: string; county: 'LDS' | 'SPN' | 'OSL' | 'EE' | 'CB' }>;
  partners?: Array<{ name: string; kind: 'municipality' | 'county' | 'public_body' }>;
}

export const ORGANISATIONS: Organisation[] = [
  {
    key: 'burg',
    name: 'Gemeinde Burg (Spreewald)',
    kind: 'municipality',
    places: [{ municipality: 'Burg (Spreewald)', county: 'SPN' }],
  },
  { key: 'cottbus', name: 'Stadt Cottbus', kind: 'municipality', places: [{ municipality: 'Cottbus', county: 'CB' }] },
  {
    key: 'ctk',
    name: 'Carl-Thiem-Klinikum Cottbus gGmbH',
    kind: 'public_body',
    places: [{ municipality: 'Cottbus', county: 'CB' }],
  },
  {
    key: 'branitz',
    name: 'Stiftung Fürst-Pückler-Museum Park und Schloss Branitz',
    kind: 'public_body',
    places: [{ municipality: 'Cottbus', county: 'CB' }],
  },
  {
    key: 'spremberg',
    name: 'Stadt Spremberg',
    kind: 'municipality',
    places: [{ municipality: 'Spremberg', county: 'SPN' }],
  },
  {
    key: 'forst',
    name: 'Stadt Forst (Lausitz)',
    kind: 'municipality',
    places: [{ municipality: 'Forst (Lausitz)', county: 'SPN' }],
  },
  {
    key: 'elbe-elster',
    name: 'Landkreis Elbe-Elster',
    kind: 'county',
    places: [
      { municipality: 'Herzberg (Elster)', county: 'EE' },
      { municipality: 'Finsterwalde', county: 'EE' },
      { municipality: 'Bad Liebenwerda', county: 'EE' },
      { municipality: 'Elsterwerda', county: 'EE' },
    ],
  },
  {
    key: 'dahme-spreewald',
    name: 'Landkreis Dahme-Spreewald',
    kind: 'county',
    places: [
      { municipality: 'Lübben (Spreewald)', county: 'LDS' },
      { municipality: 'Luckau', county: 'LDS' },
      { municipality: 'Königs Wusterhausen', county: 'LDS' },
    ],
  },
  {
    key: 'osl',
    name: 'Landkreis Oberspreewald-Lausitz',
    kind: 'county',
    places: [
      { municipality: 'Senftenberg', county: 'OSL' },
      { municipality: 'Lauchhammer', county: 'OSL' },
      { municipality: 'Großräschen', county: 'OSL' },
      { municipality: 'Lübbenau/Spreewald', county: 'OSL' },
    ],
  },
  {
    key: 'lausitz-digital',
    name: 'Lausitz Digital GmbH',
    kind: 'company',
    places: [{ municipality: 'Senftenberg', county: 'OSL' }],
    partners: [{ name: 'Stadt Senftenberg', kind: 'municipality' }],
  },
];

const email = (local: string) => `${local}@${DEMO_DOMAIN}`;

export const SEED_USERS: SeedUser[] = [
  { key: 'admin', email: email('admin'), name: 'Demo Administration', roles: [{ role: 'admin' }] },
  { key: 'operator', email: email('operator'), name: 'Demo IT-Betrieb', roles: [{ role: 'operator' }] },
  { key: 'wrl', email: email('wrl'), name: 'Demo WRL-Geschäftsstelle', roles: [{ role: 'wrl' }] },
  ...[1, 2, 3, 4, 5].map((w) => ({
    key: `werkstatt:${w}`,
    email: email(`werkstatt${w}`),
    name: `Demo Werkstatt ${w}`,
    roles: [{ role: 'werkstatt', werkstatt: w }],
  })),
  ...MINISTRIES.map((m) => ({
    key: `ministry:${m}`,
    email: email(`ressort-${m.toLowerCase()}`),
    name: `Demo Ressort ${m}`,
    roles: [{ role: 'ministry', ministry: m }],
  })),
  {
    key: 'commissioner',
    email: email('lausitz-beauftragter'),
    name: 'Demo Lausitz-Beauftragter',
    roles: [{ role: 'commissioner' }],
  },
  { key: 'imag', email: email('imag'), name: 'Demo IMAG-Geschäftsstelle', roles: [{ role: 'imag' }] },
  ...ORGANISATIONS.map((o) => ({
    key: `applicant:${o.key}`,
    email: email(`antrag-${o.key}`),
    name: `Demo Antragsteller ${o.name}`,
    organisation: o.name,
    roles: [{ role: 'applicant' }],
  })),
];

/** Who sends a step: the owning applicant, a role's demo user, or the Werkstatt the profile belongs to. */
export type ActorRef = 'applicant' | 'wrl' | 'werkstatt' | 'commissioner' | 'imag' | `ministry:${string}`;

export type Step =
  | { as: ActorRef; type: string; payload?: Record<string, unknown>; comment?: string }
  | { as: 'applicant'; patch: Record<string, unknown> };

export interface ImagDecision {
  type: 'CONFIRM' | 'DEFER' | 'REJECT';
  payload: Record<string, unknown>;
}

export interface SeedProfile {
  org: string;
  data: Record<string, unknown>;
  /** Applied in order; each step is one profile version, which is how a re-run knows where to resume. */
  steps: Step[];
  /** Decided in the past IMAG session (the profile reaches `imag_pending` through its steps first). */
  imag?: ImagDecision;
  /** Voted in the past Werkstatt session, whose minutes are published (the profile reaches `qualification` first). */
  werkstattVote?: Record<string, unknown>;
}

export const STAGES = [
  'draft',
  'intake',
  'revision',
  'qualification',
  'ministry_review',
  'commissioner_approval',
  'imag_pending',
  'confirmed',
  'rejected',
  'withdrawn',
] as const;
export type Stage = (typeof STAGES)[number];

/** Lead and further ministries per Werkstatt (illustrative: the subject ministries of each theme). */
const MINISTRIES_BY_WERKSTATT: Record<number, { lead: string; others: string[] }> = {
  1: { lead: 'MWAE', others: ['MBJS'] },
  2: { lead: 'MWFK', others: ['MWAE'] },
  3: { lead: 'MIL', others: ['MLUK'] },
  4: { lead: 'MSGIV', others: ['MIL'] },
  5: { lead: 'MWFK', others: ['STK'] },
};

// --- the path builders: a profile's history is the sequence of events that brought it to its stage ---

const submit: Step = { as: 'applicant', type: 'SUBMIT' };
const accept = (werkstatt: number): Step => ({ as: 'wrl', type: 'ACCEPT', payload: { werkstatt } });
const votePositive = (lead: string, others: string[]): Step => ({
  as: 'werkstatt',
  type: 'VOTE',
  payload: { votum: 'positive', leadMinistry: lead, ministries: others },
  comment: 'Die Werkstatt empfiehlt das Vorhaben. (Demo)',
});
const statement = (ministry: string, opinion: 'endorse' | 'concerns' = 'endorse'): Step => ({
  as: `ministry:${ministry}`,
  type: 'STATEMENT',
  payload: {
    opinion,
    text:
      opinion === 'endorse'
        ? `Das Ressort ${ministry} unterstützt das Vorhaben. (Demo)`
        : `Das Ressort ${ministry} bittet um Klärung der Folgekosten. (Demo)`,
  },
});
const approve: Step = { as: 'commissioner', type: 'APPROVE', comment: 'Zustimmung erteilt. (Demo)' };
const reason = (text: string) => ({ reason: `${text} (Demo)` });

function pathTo(
  stage: Stage,
  werkstatt: number,
  ministries: { lead: string; others: string[] },
  variant: number,
): { steps: Step[]; imag?: ImagDecision } {
  const { lead, others } = ministries;
  const all = [lead, ...others];
  const toQualification = [submit, accept(werkstatt)];
  const toMinistryReview = [...toQualification, votePositive(lead, others)];
  const toCommissioner = [...toMinistryReview, ...all.map((m, i) => statement(m, i === 1 ? 'concerns' : 'endorse'))];
  const toImag = [...toCommissioner, approve];
  switch (stage) {
    case 'draft':
      return { steps: [] };
    case 'intake':
      return { steps: [submit] };
    case 'revision':
      return {
        steps: [
          [submit, { as: 'wrl', type: 'REQUEST_REVISION', payload: reason('Bitte den Kostenplan aufschlüsseln.') }],
          [
            ...toQualification,
            {
              as: 'werkstatt',
              type: 'VOTE',
              payload: {
                votum: 'further_qualification',
                ...reason('Bitte Trägerschaft und Betriebskonzept schärfen.'),
              },
            },
          ],
          [
            ...toMinistryReview,
            { as: `ministry:${lead}`, type: 'REQUEST_REVISION', payload: reason('Bitte die Folgekosten darlegen.') },
          ],
        ][variant % 3] as Step[],
      };
    case 'qualification':
      return variant % 2
        ? {
            steps: [
              submit,
              { as: 'wrl', type: 'REQUEST_REVISION', payload: reason('Bitte den Zeitplan ergänzen.') },
              { as: 'applicant', patch: { permitsStatus: 'Bauvoranfrage gestellt; Zeitplan ergänzt. (Demo)' } },
              { as: 'applicant', type: 'RESUBMIT' },
              accept(werkstatt),
            ],
          }
        : { steps: toQualification };
    case 'ministry_review':
      // With several ministries, the lead has answered already and the others are pending.
      return { steps: others.length && variant % 2 ? [...toMinistryReview, statement(lead)] : toMinistryReview };
    case 'commissioner_approval':
      return { steps: toCommissioner };
    case 'imag_pending':
      return variant % 3 === 1
        ? { steps: toImag, imag: { type: 'DEFER', payload: reason('Finanzierungszusage des Trägers steht noch aus.') } }
        : { steps: toImag };
    case 'confirmed':
      return { steps: toImag, imag: { type: 'CONFIRM', payload: { priority: 10 + variant } } };
    case 'rejected':
      return [
        {
          steps: [
            submit,
            { as: 'wrl', type: 'REJECT', payload: reason('Das Vorhaben liegt außerhalb des Fördergebiets.') },
          ],
        },
        {
          steps: [
            ...toQualification,
            {
              as: 'werkstatt',
              type: 'VOTE',
              payload: { votum: 'negative', ...reason('Kein Beitrag zum Strukturwandel erkennbar.') },
            },
          ],
        },
        { steps: toImag, imag: { type: 'REJECT', payload: reason('Die Förderung ist anderweitig gesichert.') } },
      ][variant % 3] as { steps: Step[]; imag?: ImagDecision };
    case 'withdrawn':
      return variant % 2
        ? {
            steps: [
              submit,
              { as: 'wrl', type: 'REQUEST_REVISION', payload: reason('Bitte den Eigenanteil belegen.') },
              { as: 'applicant', type: 'WITHDRAW', payload: reason('Der Eigenanteil ist nicht gesichert.') },
            ],
          }
        : { steps: [{ as: 'applicant', type: 'WITHDRAW' }] };
  }
}

const contact = (n: number) => ({
  name: ['Anna Beispiel', 'Jan Muster', 'Petra Probe', 'Tomasz Demo', 'Greta Lausitz'][n % 5] as string,
  email: `projekt${n}@${DEMO_DOMAIN}`,
  phone: `+49 355 0000 ${String(100 + n)}`,
});

function profileData(input: {
  n: number;
  org: Organisation;
  place: Organisation['places'][number];
  title: string;
  summary: string;
  werkstatt: number;
  subArea?: string;
  fundingArea: string;
  totalCostEur: number;
  requestedFundingEur: number;
  startDate: string;
  endDate: string;
  jobs: [number, number, number];
  contribution: string;
}): Record<string, unknown> {
  return {
    title: input.title,
    summary: `${input.summary} ${NOTE}`,
    sponsor: { name: input.org.name, kind: input.org.kind },
    contact: contact(input.n),
    werkstatt: input.werkstatt,
    ...(input.subArea ? { subArea: input.subArea } : {}),
    location: input.place,
    fundingArea: input.fundingArea,
    totalCostEur: input.totalCostEur,
    requestedFundingEur: input.requestedFundingEur,
    startDate: input.startDate,
    endDate: input.endDate,
    measureStarted: false,
    jobsCreated: input.jobs[0],
    jobsSecured: input.jobs[1],
    trainingPlaces: input.jobs[2],
    contribution: input.contribution,
    ...(input.org.partners ? { partners: input.org.partners } : {}),
  };
}

const org = (key: string) => {
  const found = ORGANISATIONS.find((o) => o.key === key);
  if (!found) throw new Error(`unknown organisation ${key}`);
  return found;
};
const seat = (key: string) => org(key).places[0] as Organisation['places'][number];

/**
 * The six projects the WRL's Werkstatt 4 page lists as confirmed by the IMAG (names public; every figure and
 * text illustrative). They are the only confirmed Werkstatt 4 projects of the seed, so `/werkstaetten/4`
 * shows what the WRL shows.
 */
export const NAMED_PROJECTS = [
  'Future Branitz Plant',
  'Kultur- und Sportzentrum Burg (Spreewald)',
  'Projektstudie BMX-Zentrum / Sport- und Freizeitpark',
  'Trampolinhalle',
  'Zentrum für Medizintechnologien am Carl-Thiem-Klinikum',
  'Gesundheitslandhaus Schwarze Pumpe',
] as const;

function namedProjects(): SeedProfile[] {
  const w4 = MINISTRIES_BY_WERKSTATT[4] as { lead: string; others: string[] };
  const base = (
    n: number,
    key: string,
    rest: Omit<Parameters<typeof profileData>[0], 'n' | 'org' | 'place' | 'werkstatt'>,
  ) => profileData({ n, org: org(key), place: seat(key), werkstatt: 4, ...rest });
  const confirm = (priority: number): ImagDecision => ({ type: 'CONFIRM', payload: { priority } });
  return [
    {
      org: 'branitz',
      data: base(0, 'branitz', {
        title: NAMED_PROJECTS[0],
        summary:
          'Anzucht klimaangepasster Gehölze für den historischen Branitzer Park mit Versuchsflächen, Pflanzenschule und Bildungsangeboten für Besucher.',
        subArea: 'laendliche_entwicklung',
        fundingArea: 'touristische_infrastruktur',
        totalCostEur: 7_300_000,
        requestedFundingEur: 6_570_000,
        startDate: '2026-04-01',
        endDate: '2029-12-31',
        jobs: [9, 6, 3],
        contribution:
          'Sichert ein Gartendenkmal von internationalem Rang gegen den Klimawandel und stärkt den Tourismus in Cottbus.',
      }),
      steps: pathTo('confirmed', 4, { lead: 'MWFK', others: ['MLUK'] }, 1).steps,
      imag: confirm(1),
    },
    {
      org: 'burg',
      data: base(1, 'burg', {
        title: NAMED_PROJECTS[1],
        summary:
          'Neubau einer multifunktionalen Sporthalle mit Kultur- und Veranstaltungsbereich für Vereine, Schulen und die Gemeinde Burg (Spreewald).',
        subArea: 'daseinsvorsorge',
        fundingArea: 'staedtebau_regionalentwicklung',
        totalCostEur: 12_500_000,
        requestedFundingEur: 11_250_000,
        startDate: '2026-03-01',
        endDate: '2029-06-30',
        jobs: [4, 10, 1],
        contribution: 'Stärkt Lebensqualität und Vielfalt im ländlichen Raum und hält junge Familien in der Region.',
      }),
      steps: pathTo('confirmed', 4, w4, 0).steps,
      imag: confirm(2),
    },
    {
      org: 'cottbus',
      data: base(2, 'cottbus', {
        title: NAMED_PROJECTS[2],
        summary:
          'Machbarkeitsstudie für ein BMX-Trainings- und Wettkampfzentrum als Teil eines Sport- und Freizeitparks, mit Standortanalyse, Betreiber- und Nutzungskonzept.',
        subArea: 'daseinsvorsorge',
        fundingArea: 'touristische_infrastruktur',
        totalCostEur: 180_000,
        requestedFundingEur: 162_000,
        startDate: '2027-01-15',
        endDate: '2027-12-31',
        jobs: [0, 0, 0],
        contribution:
          'Schafft die Grundlage für ein überregional sichtbares Sportangebot für junge Menschen in der Lausitz.',
      }),
      steps: pathTo('confirmed', 4, { lead: 'MBJS', others: [] }, 0).steps,
      imag: confirm(3),
    },
    {
      org: 'cottbus',
      data: base(3, 'cottbus', {
        title: NAMED_PROJECTS[3],
        summary:
          'Umbau einer leerstehenden Gewerbehalle zu einer Trampolin- und Bewegungshalle für Schul-, Vereins- und Freizeitsport.',
        subArea: 'daseinsvorsorge',
        fundingArea: 'staedtebau_regionalentwicklung',
        totalCostEur: 4_800_000,
        requestedFundingEur: 4_100_000,
        startDate: '2027-04-01',
        endDate: '2029-03-31',
        jobs: [6, 0, 2],
        contribution: 'Belebt eine Brachfläche und erweitert das Sport- und Freizeitangebot für Familien und Vereine.',
      }),
      steps: pathTo('confirmed', 4, { lead: 'MBJS', others: ['MIL'] }, 1).steps,
      imag: confirm(4),
    },
    {
      org: 'ctk',
      data: base(4, 'ctk', {
        title: NAMED_PROJECTS[4],
        summary:
          'Aufbau eines Zentrums für Medizintechnologien mit Entwicklungs-, Test- und Schulungsflächen am Carl-Thiem-Klinikum Cottbus.',
        subArea: 'smart_regions',
        fundingArea: 'forschung_innovation',
        totalCostEur: 38_000_000,
        requestedFundingEur: 34_200_000,
        startDate: '2027-01-01',
        endDate: '2030-12-31',
        jobs: [45, 20, 8],
        contribution:
          'Verbindet Gesundheitsversorgung und Forschung, schafft hochqualifizierte Arbeitsplätze und zieht Fachkräfte an.',
      }),
      steps: pathTo('confirmed', 4, { lead: 'MSGIV', others: ['MWFK'] }, 0).steps,
      imag: confirm(5),
    },
    {
      org: 'spremberg',
      data: base(5, 'spremberg', {
        title: NAMED_PROJECTS[5],
        summary:
          'Gesundheitslandhaus im Ortsteil Schwarze Pumpe: Hausarztpraxis, Therapieräume, Pflegeberatung und Telemedizin unter einem Dach.',
        subArea: 'daseinsvorsorge',
        fundingArea: 'oeffentliche_fuersorge',
        totalCostEur: 6_200_000,
        requestedFundingEur: 5_580_000,
        startDate: '2027-02-01',
        endDate: '2029-09-30',
        jobs: [12, 4, 2],
        contribution: 'Sichert die wohnortnahe Gesundheitsversorgung im ländlichen Raum und entlastet Pendelwege.',
      }),
      // One round of further qualification before the positive Votum.
      steps: [
        submit,
        accept(4),
        {
          as: 'werkstatt',
          type: 'VOTE',
          payload: {
            votum: 'further_qualification',
            ...reason('Bitte die Kooperation mit den Hausarztpraxen belegen.'),
          },
        },
        { as: 'applicant', patch: { partners: [{ name: 'Landkreis Spree-Neiße', kind: 'county' }] } },
        { as: 'applicant', type: 'RESUBMIT' },
        votePositive('MSGIV', ['MBJS']),
        statement('MSGIV'),
        statement('MBJS'),
        approve,
      ],
      imag: confirm(6),
    },
  ];
}

/** Project themes per Werkstatt: [title prefix, summary, funding area, sub-area for W4]. */
const THEMES: Record<number, Array<[string, string, string, string?]>> = {
  1: [
    [
      'Erschließung Gewerbegebiet',
      'Erschließung eines Gewerbegebiets mit Straßen, Medien und Breitband für Ansiedlungen aus Industrie und Handwerk.',
      'wirtschaftsnahe_infrastruktur',
    ],
    [
      'Fachkräftezentrum',
      'Aufbau eines regionalen Fachkräftezentrums mit Beratung, Weiterbildung und Willkommensservice für Zuziehende.',
      'wirtschaftsnahe_infrastruktur',
    ],
    [
      'Gründerzentrum',
      'Umbau eines Bestandsgebäudes zu einem Gründerzentrum mit Werkstätten, Büros und Coworking-Flächen.',
      'wirtschaftsnahe_infrastruktur',
    ],
  ],
  2: [
    [
      'Digitales Rathaus',
      'Digitalisierung der Verwaltungsleistungen mit Bürgerportal, E-Akte und Beratung vor Ort für alle Altersgruppen.',
      'digitalisierung',
    ],
    [
      'Innovationscampus',
      'Aufbau eines Innovationscampus mit Laboren für Wasserstoff- und Speichertechnologien in Kooperation mit der BTU.',
      'forschung_innovation',
    ],
    [
      'Reallabor Smarte Wärme',
      'Reallabor für die digitale Steuerung kommunaler Wärmenetze mit Sensorik, Datenplattform und Bürgerbeteiligung.',
      'digitalisierung',
    ],
  ],
  3: [
    [
      'Radschnellverbindung',
      'Bau einer Radschnellverbindung zwischen Wohngebieten, Bahnhof und Gewerbestandorten mit Beleuchtung und Querungen.',
      'verkehr',
    ],
    [
      'Mobilitätsdrehscheibe Bahnhof',
      'Umbau des Bahnhofsumfelds zur Mobilitätsdrehscheibe mit Busbahnhof, Park-and-Ride und Fahrradparkhaus.',
      'verkehr',
    ],
    [
      'Anbindung Industriepark',
      'Straßen- und Gleisanbindung eines Industrieparks zur Entlastung der Ortsdurchfahrten.',
      'verkehr',
    ],
  ],
  4: [
    [
      'Dorfgemeinschaftshaus',
      'Sanierung und Erweiterung eines Dorfgemeinschaftshauses als Treffpunkt für Vereine, Jugend und Senioren.',
      'staedtebau_regionalentwicklung',
      'laendliche_entwicklung',
    ],
    [
      'Ärztehaus',
      'Neubau eines Ärztehauses mit Praxen, Apotheke und Physiotherapie zur Sicherung der ambulanten Versorgung.',
      'oeffentliche_fuersorge',
      'daseinsvorsorge',
    ],
    [
      'Smart Village',
      'Vernetzte Dorfentwicklung mit Rufbus, digitalem Dorfladen und gemeinsamer Datenplattform der Ortsteile.',
      'digitalisierung',
      'smart_regions',
    ],
  ],
  5: [
    [
      'Besucherzentrum',
      'Besucherzentrum mit Ausstellung zur Bergbaufolgelandschaft, Gastronomie und Ausgangspunkt für Radtouren.',
      'touristische_infrastruktur',
    ],
    [
      'Kulturfabrik',
      'Umnutzung eines Industriedenkmals zur Kulturfabrik mit Probenräumen, Bühne und Ateliers für die Kreativwirtschaft.',
      'staedtebau_regionalentwicklung',
    ],
    [
      'Seeuferpromenade',
      'Gestaltung einer Uferpromenade mit Wegen, Stegen und Servicegebäude am neu entstehenden Bergbaufolgesee.',
      'touristische_infrastruktur',
    ],
  ],
};

const CONTRIBUTIONS = [
  'Stärkt die Wettbewerbsfähigkeit der regionalen Wirtschaft und schafft Anreize für Ansiedlungen.',
  'Sichert Fachkräfte für die Region und verbessert die Bedingungen für Ausbildung und Zuzug.',
  'Verbessert Lebensqualität und Vielfalt und macht die Lausitz für Familien attraktiver.',
];

const GENERATED_ORGS = ['elbe-elster', 'dahme-spreewald', 'osl', 'lausitz-digital', 'cottbus', 'spremberg', 'forst'];

/** Four generated projects per stage, spread over the Werkstätten, organisations and counties. */
export const GENERATED_PER_STAGE = 4;

function generatedProjects(): SeedProfile[] {
  const out: SeedProfile[] = [];
  let n = 100;
  STAGES.forEach((stage, s) => {
    for (let variant = 0; variant < GENERATED_PER_STAGE; variant++) {
      n += 1;
      // Werkstatt 4's confirmed projects are exactly the six named ones; a generated one goes to Werkstatt 5.
      const rotated = ((s + variant) % 5) + 1;
      const werkstatt = stage === 'confirmed' && rotated === 4 ? 5 : rotated;
      const themes = THEMES[werkstatt] as Array<[string, string, string, string?]>;
      const [prefix, summary, fundingArea, subArea] = themes[(s + variant * 2) % themes.length] as [
        string,
        string,
        string,
        string?,
      ];
      const orgKey = GENERATED_ORGS[(s * GENERATED_PER_STAGE + variant) % GENERATED_ORGS.length] as string;
      const organisation = org(orgKey);
      const place = organisation.places[(s + variant) % organisation.places.length] as Organisation['places'][number];
      const total = 250_000 + ((n * 7919) % 180) * 50_000;
      const ministries = MINISTRIES_BY_WERKSTATT[werkstatt] as { lead: string; others: string[] };
      const withOthers = variant % 2 ? ministries : { lead: ministries.lead, others: [] };
      const startYear = 2027 + (variant % 2);
      const data = profileData({
        n,
        org: organisation,
        place,
        title: `${prefix} ${place.municipality}`,
        summary,
        werkstatt,
        ...(subArea ? { subArea } : {}),
        fundingArea,
        totalCostEur: total,
        requestedFundingEur: Math.round(total * 0.9),
        startDate: `${startYear}-0${1 + (n % 9)}-01`,
        endDate: `${startYear + 2 + (n % 2)}-12-31`,
        jobs: [n % 13, (n * 3) % 17, n % 4],
        contribution: CONTRIBUTIONS[n % CONTRIBUTIONS.length] as string,
      });
      if (stage === 'draft') {
        // Drafts are still being written: the figures and dates are missing.
        for (const field of ['totalCostEur', 'requestedFundingEur', 'startDate', 'endDate', 'contribution'])
          delete data[field];
      }
      out.push({ org: orgKey, data, ...pathTo(stage, werkstatt, withOthers, variant) });
    }
  });
  return out;
}

/**
 * Two Werkstatt 4 projects (illustrative) that get their Votum in the past Werkstatt 4 session, so that
 * session has decisions and its minutes can be published on the public Werkstatt page.
 */
function sessionProjects(): SeedProfile[] {
  const w4 = MINISTRIES_BY_WERKSTATT[4] as { lead: string; others: string[] };
  const project = (n: number, key: string, title: string, summary: string, fundingArea: string, subArea: string) =>
    profileData({
      n,
      org: org(key),
      place: seat(key),
      werkstatt: 4,
      title,
      summary,
      subArea,
      fundingArea,
      totalCostEur: 2_400_000 + n * 100_000,
      requestedFundingEur: 2_160_000 + n * 90_000,
      startDate: '2027-05-01',
      endDate: '2029-10-31',
      jobs: [3, 5, 1],
      contribution: CONTRIBUTIONS[n % CONTRIBUTIONS.length] as string,
    });
  return [
    {
      org: 'osl',
      data: project(
        90,
        'osl',
        'Mehrgenerationenhaus Senftenberg',
        'Umbau eines ehemaligen Kulturhauses zum Mehrgenerationenhaus mit Begegnungscafé, Beratung und Kinderbetreuung.',
        'staedtebau_regionalentwicklung',
        'daseinsvorsorge',
      ),
      steps: [submit, accept(4)],
      werkstattVote: { votum: 'positive', leadMinistry: w4.lead, ministries: w4.others },
    },
    {
      org: 'elbe-elster',
      data: project(
        91,
        'elbe-elster',
        'Digitale Dorfmitte Herzberg (Elster)',
        'Dorfgemeinschaftsplatz mit digitalem Infopunkt, Paketstation und Carsharing für die Ortsteile von Herzberg (Elster).',
        'digitalisierung',
        'smart_regions',
      ),
      steps: [submit, accept(4)],
      werkstattVote: {
        votum: 'further_qualification',
        ...reason('Bitte das Betreiberkonzept und die Folgekosten darlegen.'),
      },
    },
  ];
}

export function seedProfiles(): SeedProfile[] {
  const all = [...namedProjects(), ...sessionProjects(), ...generatedProjects()];
  const seen = new Set<string>();
  for (const p of all) {
    const key = `${p.org}\u0000${p.data.title}`;
    if (seen.has(key)) throw new Error(`seed catalogue: duplicate title ${String(p.data.title)} for ${p.org}`);
    seen.add(key);
  }
  return all;
}
