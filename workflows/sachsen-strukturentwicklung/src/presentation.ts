import type { Label } from '@steckbrief/engine';
import type { LANDKREISE, REVIERE, SPONSOR_KINDS, USAGE_RIGHTS } from './profile-schema.js';

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
