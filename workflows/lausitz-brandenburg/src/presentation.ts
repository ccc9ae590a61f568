import type { Label } from '@steckbrief/engine';
import type { COUNTIES, FUNDING_AREAS, SPONSOR_KINDS, SUB_AREAS } from './profile-schema.js';

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
