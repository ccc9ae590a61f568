import { defineWorkflow, type Issue, type Label, type TaskSpec } from '@steckbrief/engine';
import { z } from 'zod';
import { machine, type SaxonContext } from './machine.js';
import { PAYLOAD_FIELDS as F, LANDKREIS_LABELS, PRESENTATION, REVIER_LABELS } from './presentation.js';
import {
  completeProfileSchema,
  draftProfileSchema,
  LANDKREISE,
  REVIERE,
  submitIssues,
  toCents,
} from './profile-schema.js';
import { ratingsSchema, SCORING } from './scoring.js';

export { exampleProposal } from './example.js';
export type { SaxonContext } from './machine.js';
export { initialContext, machine, meetsMinimum } from './machine.js';
export * from './presentation.js';
export * from './profile-schema.js';
export * from './scoring.js';

const L = (de: string, en: string): Label => ({ de, en });

const reason = z.string().trim().min(3).max(5000);
const noPayload = z.object({}).strict();
const reasonPayload = z.object({ reason }).strict();

const explainIncomplete = ({ event }: { event: { data: unknown } }): Issue[] =>
  submitIssues(event.data).map((i) => ({ path: `data.${i.path}`, message: i.message }));

/**
 * The Saxon proposal procedure (Projektvorschlagsverfahren, ../shared/SAXONY.md): Landkreis (or straight to
 * the SAS for county-owned projects), Vorprüfstelle, SAS check with an indicator score, one IMAG
 * statement, the RBA of the Revier in sessions, and the Bund. Stage 2 (the application at the SAB) is the
 * final state's task.
 */
export const sachsenStrukturentwicklung = defineWorkflow({
  id: 'sachsen-strukturentwicklung',
  version: 1,
  label: L('Strukturentwicklung in den sächsischen Revieren', 'Structural development in the Saxon coal regions'),
  machine,
  presentation: PRESENTATION,
  roles: {
    // Owner-scoped like Brandenburg's applicant, so the name is shared (the registry refuses a name scoped differently).
    applicant: { label: L('Träger', 'Project sponsor'), scope: { kind: 'owner' } },
    landkreis: {
      label: L('Landkreis oder Stadt Leipzig', 'County or City of Leipzig'),
      scope: { kind: 'attribute', attribute: 'landkreis', values: z.enum(LANDKREISE), labels: LANDKREIS_LABELS },
    },
    vorpruefstelle: { label: L('Vorprüfstelle', 'Pre-check body'), scope: { kind: 'all' } },
    sas: {
      label: L('Sächsische Agentur für Strukturentwicklung (SAS)', 'Saxon structural development agency (SAS)'),
      scope: { kind: 'all' },
    },
    'imag-sachsen': { label: L('IMAG Sachsen', 'Saxon inter-ministerial working group'), scope: { kind: 'all' } },
    rba: {
      label: L('Regionaler Begleitausschuss', 'Regional steering committee'),
      scope: { kind: 'attribute', attribute: 'revier', values: z.enum(REVIERE), labels: REVIER_LABELS },
    },
    bund: { label: L('Bund', 'Federal government'), scope: { kind: 'all' } },
  },
  states: {
    draft: L('Entwurf', 'Draft'),
    landkreis_review: L('Beim Landkreis', 'With the county'),
    revision: L('Überarbeitung', 'Revision'),
    vorpruefung: L('Vorprüfung', 'Pre-check'),
    sas_check: L('Prüfung und Bewertung durch die SAS', 'Check and scoring by the SAS'),
    imag_statement: L('Stellungnahme der IMAG', 'IMAG statement'),
    rba_pending: L('Dem Regionalen Begleitausschuss vorgelegt', 'Before the regional steering committee'),
    bund_review: L('Prüfung durch den Bund', 'Federal review'),
    confirmed: L('Bestätigt, Antrag bei der SAB', 'Confirmed, apply at the SAB'),
    rejected: L('Abgelehnt', 'Rejected'),
    withdrawn: L('Zurückgezogen', 'Withdrawn'),
  },
  events: {
    SUBMIT: { label: L('Einreichen', 'Submit'), roles: ['applicant'], payload: noPayload, explain: explainIncomplete },
    RESUBMIT: {
      label: L('Erneut einreichen', 'Resubmit'),
      roles: ['applicant'],
      payload: noPayload,
      explain: explainIncomplete,
    },
    WITHDRAW: {
      label: L('Zurückziehen', 'Withdraw'),
      roles: ['applicant'],
      payload: z.object({ reason: reason.optional() }).strict(),
      fields: { reason: F.reason },
    },
    FORWARD: {
      label: L('An die Vorprüfstelle weiterleiten', 'Forward to the pre-check'),
      roles: ['landkreis'],
      payload: z.object({ note: z.string().trim().max(5000).optional() }).strict(),
      fields: { note: F.note },
    },
    REQUEST_REVISION: {
      label: L('Überarbeitung anfordern', 'Request revision'),
      roles: { landkreis_review: ['landkreis'], vorpruefung: ['vorpruefstelle'], sas_check: ['sas'] },
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
    PRECHECK: {
      label: L('Vorprüfung abschließen', 'Complete the pre-check'),
      roles: ['vorpruefstelle'],
      payload: z.object({ findings: z.string().trim().max(10_000).optional() }).strict(),
      internalPayload: ['findings'],
      fields: { findings: F.findings },
    },
    REJECT: {
      label: L('Ablehnen', 'Reject'),
      roles: { vorpruefung: ['vorpruefstelle'], sas_check: ['sas'], rba_pending: ['rba'] },
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
    SCORE: {
      label: L('Bewerten und empfehlen', 'Score and recommend'),
      roles: ['sas'],
      payload: z.object({ ratings: ratingsSchema(), recommendation: z.string().trim().min(3).max(10_000) }).strict(),
      // The ratings are the SAS's working material; the sponsor sees that the proposal was scored.
      internalPayload: ['ratings', 'recommendation'],
      internalComment: true,
      // Each criterion's rating is labelled too, so a form can ask for one rating per criterion.
      fields: {
        ratings: F.ratings,
        ...Object.fromEntries(SCORING.criteria.map((c) => [`ratings.${c.id}`, { label: c.label }])),
        recommendation: F.recommendation,
      },
    },
    STATEMENT: {
      label: L('Konsolidierte Stellungnahme abgeben', 'Give the consolidated statement'),
      roles: ['imag-sachsen'],
      payload: z
        .object({ opinion: z.enum(['endorse', 'concerns']), text: z.string().trim().min(1).max(10_000) })
        .strict(),
      internalPayload: ['opinion', 'text'],
      internalComment: true,
      fields: { opinion: F.opinion, text: F.text },
      outcomeField: 'opinion',
    },
    APPROVE: {
      label: L('Beschließen', 'Approve'),
      roles: ['rba'],
      payload: z.object({ reason: reason.optional() }).strict(),
      fields: { reason: F.reason },
      explain: ({ context }) => [
        {
          path: 'payload.reason',
          message: `Die Bewertung (${(context as SaxonContext).score ?? '–'}) liegt unter der Mindestpunktzahl ${SCORING.minimumScore}: Bitte die Zustimmung begründen. / The score is below the minimum of ${SCORING.minimumScore}: please give a reason for approving.`,
        },
      ],
    },
    SET_ASIDE: {
      label: L('Zurückstellen', 'Set aside'),
      roles: ['rba'],
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
    NO_OBJECTIONS: { label: L('Keine Einwendungen', 'No objections'), roles: ['bund'], payload: noPayload },
    OBJECTION: {
      label: L('Einwendungen erheben', 'Raise objections'),
      roles: ['bund'],
      payload: z.object({ consequence: z.enum(['end', 'return']), reason }).strict(),
      fields: { consequence: F.consequence, reason: F.reason },
      outcomeField: 'consequence',
    },
  },
  data: { draft: draftProfileSchema, complete: completeProfileSchema },
  editableStates: ['draft', 'revision'],
  creatorRoles: ['applicant'],
  deadlineRoles: ['sas'],
  submitEvents: ['SUBMIT'],
  taskKinds: {
    complete_proposal: L('Projektvorschlag vervollständigen und einreichen', 'Complete and submit the proposal'),
    landkreis_review: L('Projektvorschlag prüfen und weiterleiten', 'Review and forward the proposal'),
    revise_proposal: L('Projektvorschlag überarbeiten', 'Revise the proposal'),
    precheck: L('Vorprüfung durchführen', 'Carry out the pre-check'),
    sas_check: L('Förderfähigkeit und Förderwürdigkeit prüfen und bewerten', 'Check eligibility and merit and score'),
    imag_statement: L('Konsolidierte Stellungnahme der IMAG abgeben', 'Give the IMAG’s consolidated statement'),
    plan_rba_agenda: L('Auf die Tagesordnung des RBA setzen', 'Put on the committee’s agenda'),
    rba_decision: L('Im Regionalen Begleitausschuss entscheiden', 'Decide in the regional steering committee'),
    bund_review: L('Einwendungen des Bundes prüfen', 'Federal review for objections'),
    apply_at_sab: L('Förderantrag bei der SAB stellen', 'Apply for funding at the SAB'),
  },
  tasks({ state, context }): TaskSpec[] {
    const c = context as SaxonContext;
    switch (state) {
      case 'draft':
        return [{ key: 'draft', kind: 'complete_proposal', role: 'applicant', scope: 'owner' }];
      case 'landkreis_review':
        return [
          {
            key: 'landkreis',
            kind: 'landkreis_review',
            role: 'landkreis',
            scope: `landkreis:${c.landkreis}`,
            due: { days: 14 },
          },
        ];
      case 'revision':
        return [{ key: 'revision', kind: 'revise_proposal', role: 'applicant', scope: 'owner', due: { days: 28 } }];
      case 'vorpruefung':
        return [{ key: 'vorpruefung', kind: 'precheck', role: 'vorpruefstelle', due: { days: 21 } }];
      case 'sas_check':
        return [{ key: 'sas', kind: 'sas_check', role: 'sas', due: { days: 28 } }];
      case 'imag_statement':
        return [{ key: 'imag', kind: 'imag_statement', role: 'imag-sachsen', due: { days: 21 } }];
      case 'rba_pending':
        return [
          { key: 'rba:agenda', kind: 'plan_rba_agenda', role: 'sas' },
          { key: 'rba:decision', kind: 'rba_decision', role: 'rba', scope: `revier:${c.revier}` },
        ];
      case 'bund_review':
        return [{ key: 'bund', kind: 'bund_review', role: 'bund', due: { days: 28 } }];
      case 'confirmed':
        return [{ key: 'sab', kind: 'apply_at_sab', role: 'applicant', scope: 'owner' }];
      default:
        return [];
    }
  },
  scope({ context, data }) {
    const c = context as SaxonContext;
    const revier = c.revier ?? (typeof data.revier === 'string' ? data.revier : null);
    // A county-owned proposal bypasses the Landkreis, which then has no reviewer's view of it.
    return {
      ...(c.route === 'landkreis' && c.landkreis ? { landkreis: [c.landkreis] } : {}),
      ...(revier ? { revier: [revier] } : {}),
    };
  },
  summary(data) {
    const sponsor = data.sponsor as { name?: unknown } | undefined;
    return {
      title: typeof data.title === 'string' ? data.title : null,
      sponsor: typeof sponsor?.name === 'string' ? sponsor.name : null,
      amountCents: typeof data.requestedFundingEur === 'number' ? toCents(data.requestedFundingEur) : null,
    };
  },
  // Retention (docs/privacy.md gives the reasons), as in Brandenburg: drafts 12 months after their last change
  // (notice 30 days before), rejected and withdrawn profiles' personal data 3 years after the final state,
  // confirmed ones until the operator's keep-until date.
  retention: {
    draftDeleteAfter: { months: 12 },
    draftNoticeBefore: { days: 30 },
    closedStates: ['rejected', 'withdrawn'],
    closedKeepFor: { years: 3 },
    keptStates: ['confirmed'],
    // The contact person (name, e-mail); the sponsor is an organisation.
    personalDataFields: ['contact'],
    // Free text that may name people: reasons, notes, the Landkreis's findings, the SAS's recommendation, the
    // IMAG's statement and attachment file names. Scores, ratings and outcomes stay as the decision record.
    freeTextFields: ['reason', 'note', 'findings', 'recommendation', 'text', 'fileName'],
  },
  // The SAS runs the RBA's office (SAXONY.md step 5).
  sessionManagerRoles: ['sas'],
  sessions: {
    // Each Revier's RBA decides in sessions; set-aside proposals come onto the next session's agenda,
    // and the agenda is ranked by the SAS's score.
    rba: {
      label: L('Sitzung des Regionalen Begleitausschusses', 'Regional steering committee session'),
      agendaStates: ['rba_pending'],
      scopeAttribute: 'revier',
      approvedStates: ['bund_review'],
      deferEvents: ['SET_ASIDE'],
      memberRoles: ['rba'],
      rank: ({ context }) => (context as SaxonContext).score,
      // Proposals are due by a cut-off before each session (SAXONY.md step 1); the real period is not
      // public, six weeks is this definition's setting.
      cutOff: { days: 42 },
    },
  },
  budget: {
    committedStates: ['confirmed'],
    pendingStates: [
      'landkreis_review',
      'revision',
      'vorpruefung',
      'sas_check',
      'imag_statement',
      'rba_pending',
      'bund_review',
    ],
    groupBy: 'revier',
    // SAXONY.md: about 2.41 bn EUR for the Saxon Lausitz and 1.12 bn EUR for the Mitteldeutsches Revier,
    // 2020 to 2038; the split into periods is not public, so one period carries the sum.
    periods: [{ id: '2020-2038', from: '2020-01-01', to: '2038-12-31', budgetCents: 3_530_000_000_00 }],
  },
  notifications({ event, from, to, openedTasks }) {
    const notices =
      from !== to
        ? [{ template: 'state_changed', role: 'applicant', scope: 'owner' }]
        : event === 'SET_ASIDE'
          ? [{ template: 'session_result', role: 'applicant', scope: 'owner' }]
          : [];
    for (const task of openedTasks) {
      if (task.role !== 'applicant')
        notices.push({ template: 'task_assigned', role: task.role, scope: task.scope ?? '' });
    }
    return notices;
  },
});
