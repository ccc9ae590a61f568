import type { Label, WorkflowPresentation } from '@steckbrief/engine';
import {
  FIELD_LABELS,
  type LANDKREISE,
  type REVIERE,
  type SPONSOR_KINDS,
  type USAGE_RIGHTS,
} from './profile-schema.js';

/** German and English names of the coded values in a Saxon Projektvorschlag. Data, no behaviour. */

export const REVIER_LABELS: Record<(typeof REVIERE)[number], Label> = {
  lausitz: { de: 'Lausitzer Revier', en: 'Lusatian coal region' },
  mitteldeutschland: { de: 'Mitteldeutsches Revier', en: 'Central German coal region' },
};

export const LANDKREIS_LABELS: Record<(typeof LANDKREISE)[number], Label> = {
  bautzen: { de: 'Landkreis Bautzen', en: 'Bautzen district' },
  goerlitz: { de: 'Landkreis Görlitz', en: 'Görlitz district' },
  leipzig_land: { de: 'Landkreis Leipzig', en: 'Leipzig district' },
  nordsachsen: { de: 'Landkreis Nordsachsen', en: 'North Saxony district' },
  leipzig_stadt: { de: 'Stadt Leipzig', en: 'City of Leipzig' },
};

export const SPONSOR_KIND_LABELS: Record<(typeof SPONSOR_KINDS)[number], Label> = {
  municipality: { de: 'Gemeinde oder Stadt', en: 'Municipality' },
  county: { de: 'Landkreis oder Stadt Leipzig', en: 'County or City of Leipzig' },
  county_company: { de: 'Unternehmen des Landkreises oder der Stadt Leipzig', en: 'Company of the county or city' },
  public_body: { de: 'Öffentliche Einrichtung', en: 'Public body' },
  company: { de: 'Unternehmen', en: 'Company' },
  association: { de: 'Verein oder Verband', en: 'Association' },
};

export const USAGE_RIGHTS_LABELS: Record<(typeof USAGE_RIGHTS)[number], Label> = {
  owner: { de: 'Eigentum des Trägers', en: 'Owned by the sponsor' },
  equivalent: { de: 'Gleichwertige Nutzungsrechte', en: 'Equivalent usage rights' },
  none: { de: 'Keine Nutzungsrechte', en: 'No usage rights' },
};

/** What each state means for the sponsor: the "what happens next" of the profile page. */
export const STATE_EXPLANATIONS: Record<string, Label> = {
  draft: {
    de: 'Der Projektvorschlag ist noch nicht eingereicht. Reichen Sie ihn vor dem Stichtag der nächsten RBA-Sitzung ein.',
    en: 'The proposal has not been submitted yet; submit it before the cut-off of the next committee session.',
  },
  landkreis_review: {
    de: 'Der Landkreis (oder die Stadt Leipzig) prüft den Vorschlag und leitet ihn an die Vorprüfstelle weiter.',
    en: 'The county (or the City of Leipzig) reviews the proposal and forwards it to the pre-check.',
  },
  revision: { de: 'Der Vorschlag soll überarbeitet werden.', en: 'The proposal needs a revision.' },
  vorpruefung: {
    de: 'Die Vorprüfstelle prüft fachliche und technische Fragen: berührte öffentliche Belange, Genehmigungen, Machbarkeit.',
    en: 'The pre-check body checks public interests, permits and feasibility.',
  },
  sas_check: {
    de: 'Die SAS prüft Förderfähigkeit und Förderwürdigkeit und bewertet den Vorschlag.',
    en: 'The SAS checks eligibility and merit and scores the proposal.',
  },
  imag_statement: {
    de: 'Die Ressorts stimmen sich in der IMAG ab, die eine gemeinsame Stellungnahme abgibt.',
    en: 'The ministries agree on one statement in the IMAG.',
  },
  rba_pending: {
    de: 'Der Regionale Begleitausschuss des Reviers berät den Vorschlag in einer seiner nächsten Sitzungen.',
    en: 'The regional steering committee will decide in one of its next sessions.',
  },
  bund_review: {
    de: 'Der Bund prüft, ob er Einwendungen erhebt.',
    en: 'The federal government checks for objections.',
  },
  confirmed: {
    de: 'Das Vorhaben ist bestätigt. Als Nächstes stellen Sie den Förderantrag bei der SAB.',
    en: 'The project is confirmed; apply for funding at the SAB next.',
  },
  rejected: { de: 'Der Vorschlag wurde abgelehnt. Das Verfahren ist abgeschlossen.', en: 'The proposal was rejected.' },
  withdrawn: {
    de: 'Der Vorschlag wurde zurückgezogen. Das Verfahren ist abgeschlossen.',
    en: 'The proposal was withdrawn.',
  },
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
  note: { label: { de: 'Anmerkung', en: 'Note' } },
  findings: { label: { de: 'Prüfergebnis', en: 'Findings' } },
  ratings: { label: { de: 'Bewertungen', en: 'Ratings' } },
  recommendation: { label: { de: 'Empfehlung', en: 'Recommendation' } },
  opinion: {
    label: { de: 'Einschätzung', en: 'Opinion' },
    values: { endorse: { de: 'Befürwortung', en: 'Endorsement' }, concerns: { de: 'Bedenken', en: 'Concerns' } },
  },
  text: { label: { de: 'Stellungnahme', en: 'Statement' } },
  consequence: {
    label: { de: 'Folge', en: 'Consequence' },
    values: {
      end: { de: 'Verfahren beenden', en: 'End the procedure' },
      return: { de: 'Zurück zur Prüfung durch die SAS', en: 'Back to the SAS check' },
    },
  },
} satisfies Record<string, FieldLabels>;

const de = <K extends string>(labels: Record<K, Label>): Record<K, string> =>
  Object.fromEntries(Object.entries<Label>(labels).map(([k, v]) => [k, v.de])) as Record<K, string>;
const label = (path: keyof typeof FIELD_LABELS) => FIELD_LABELS[path].de;

/**
 * How the web pages show a Projektvorschlag: the sponsor's question pages along the eligibility criteria
 * (SAXONY.md), the state tags, and the public pages per Revier. By analogy with the Brandenburg Werkstatt
 * pages, the public pages show what a committee's decision makes public: per Revier the confirmed
 * proposals (title, sponsor, place, date), the dates of the next RBA sessions and the minutes the SAS
 * published; nothing of a proposal still in the procedure.
 */
export const PRESENTATION: WorkflowPresentation = {
  noun: 'Projektvorschlag',
  createButton: 'Neuen Projektvorschlag anlegen',
  sections: [
    {
      id: 'vorhaben',
      title: 'Vorhaben',
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
      title: 'Träger und Kontakt',
      fields: [
        { path: 'sponsor.name', input: 'text', label: label('sponsor.name') },
        {
          path: 'sponsor.kind',
          input: 'choice',
          label: label('sponsor.kind'),
          hint: 'Ist der Landkreis, die Stadt Leipzig oder eines ihrer Unternehmen Träger, geht der Vorschlag direkt an die SAS.',
          values: de(SPONSOR_KIND_LABELS),
        },
        { path: 'contact.name', input: 'text', label: label('contact.name') },
        { path: 'contact.email', input: 'email', label: label('contact.email') },
      ],
    },
    {
      id: 'standort-und-revier',
      title: 'Standort und Revier',
      fields: [
        { path: 'location.municipality', input: 'text', label: label('location.municipality') },
        {
          path: 'location.landkreis',
          input: 'choice',
          label: label('location.landkreis'),
          hint: 'Hier reichen Sie den Vorschlag ein.',
          values: de(LANDKREIS_LABELS),
        },
        { path: 'revier', input: 'choice', label: label('revier'), values: de(REVIER_LABELS) },
      ],
    },
    {
      id: 'handlungsprogramm',
      title: 'Ziel und Handlungsempfehlung',
      fields: [
        {
          path: 'goal',
          input: 'text',
          label: label('goal'),
          hint: 'Das Ziel des Handlungsprogramms, dem das Vorhaben dient.',
        },
        {
          path: 'handlungsempfehlung',
          input: 'text',
          label: label('handlungsempfehlung'),
          hint: 'Die Handlungsempfehlung des Handlungsprogramms, zum Beispiel 1.2.',
        },
      ],
    },
    {
      id: 'voraussetzungen',
      title: 'Fördervoraussetzungen',
      fields: [
        { path: 'usageRights', input: 'choice', label: label('usageRights'), values: de(USAGE_RIGHTS_LABELS) },
        {
          path: 'outsideFloodArea',
          input: 'yesno',
          label: 'Liegt das Vorhaben außerhalb von Überschwemmungsgebieten?',
          hint: 'Vorhaben in Überschwemmungsgebieten werden nicht gefördert.',
        },
        {
          path: 'measureStarted',
          input: 'yesno',
          label: 'Hat die Maßnahme schon begonnen?',
          hint: 'Begonnene Maßnahmen können nicht gefördert werden.',
        },
      ],
    },
    {
      id: 'kosten-und-zeitplan',
      title: 'Kosten und Zeitplan',
      fields: [
        { path: 'totalCostEur', input: 'euros', label: 'Gesamtkosten', hint: 'In Euro, zum Beispiel 1.250.000' },
        {
          path: 'requestedFundingEur',
          input: 'euros',
          label: 'Beantragte Förderung',
          hint: 'In Euro, mindestens 25.000',
        },
        { path: 'startDate', input: 'date', label: label('startDate'), hint: 'Zum Beispiel 1 4 2027' },
        {
          path: 'endDate',
          input: 'date',
          label: label('endDate'),
          hint: 'Höchstens 5 Jahre nach dem Beginn, zum Beispiel 31 12 2030',
        },
      ],
    },
    {
      id: 'wirkung',
      title: 'Wirkung',
      fields: [
        { path: 'jobsCreated', input: 'integer', label: label('jobsCreated'), optional: true },
        { path: 'trainingPlaces', input: 'integer', label: label('trainingPlaces'), optional: true },
        {
          path: 'structuralEffect',
          input: 'longtext',
          label: label('structuralEffect'),
          hint: 'Arbeits- und Ausbildungsplätze, Diversifizierung der Wirtschaft; mindestens 20 Zeichen.',
        },
        { path: 'demography', input: 'longtext', label: label('demography'), optional: true },
        { path: 'sustainability', input: 'longtext', label: label('sustainability'), optional: true },
      ],
    },
  ],
  stateTones: {
    draft: 'info',
    landkreis_review: 'info',
    revision: 'warning',
    vorpruefung: 'info',
    sas_check: 'info',
    imag_statement: 'info',
    rba_pending: 'info',
    bund_review: 'info',
    confirmed: 'success',
    rejected: 'danger',
    withdrawn: 'danger',
  },
  stateExplanations: STATE_EXPLANATIONS,
  submitEvents: {
    draft: { event: 'SUBMIT', button: 'Projektvorschlag einreichen' },
    revision: { event: 'RESUBMIT', button: 'Überarbeitung einreichen' },
  },
  submitNotice:
    'Mit dem Einreichen senden Sie den Projektvorschlag an Ihren Landkreis oder die Stadt Leipzig; ist einer von ihnen oder eines ihrer Unternehmen Träger, geht er direkt an die SAS. Für die nächste Sitzung des Regionalen Begleitausschusses muss er vor deren Stichtag eingehen. Danach können Sie ihn nur noch ändern, wenn eine Überarbeitung angefordert wird.',
  withdrawEvent: 'WITHDRAW',
  revisionState: 'revision',
  public: {
    path: 'reviere',
    attribute: 'revier',
    title: 'Reviere',
    intro:
      'In den beiden sächsischen Revieren entscheidet je ein Regionaler Begleitausschuss (RBA) über die Projektvorschläge. Hier sehen Sie je Revier die Vorhaben, die der RBA beschlossen hat und gegen die der Bund keine Einwendungen erhoben hat, die nächsten Sitzungstermine des RBA und die veröffentlichten Ergebnisprotokolle.',
    overviewLink: 'Alle Reviere',
    confirmedHeading: 'Bestätigte Vorhaben',
    noneConfirmed: 'In diesem Revier ist noch kein Vorhaben bestätigt.',
    noMinutes: 'Für dieses Revier ist noch kein Protokoll veröffentlicht.',
    placeField: 'location.municipality',
    groups: [
      {
        value: 'lausitz',
        shortName: REVIER_LABELS.lausitz.de,
        name: `Regionaler Begleitausschuss ${REVIER_LABELS.lausitz.de}`,
        description:
          'Der Ausschuss entscheidet über die Vorhaben in den Landkreisen Bautzen und Görlitz; für den sächsischen Teil der Lausitz stehen rund 2,41 Milliarden Euro bereit.',
      },
      {
        value: 'mitteldeutschland',
        shortName: REVIER_LABELS.mitteldeutschland.de,
        name: `Regionaler Begleitausschuss ${REVIER_LABELS.mitteldeutschland.de}`,
        description:
          'Der Ausschuss entscheidet über die Vorhaben in den Landkreisen Leipzig und Nordsachsen und in der Stadt Leipzig; für das Mitteldeutsche Revier stehen rund 1,12 Milliarden Euro bereit.',
      },
    ],
  },
};
