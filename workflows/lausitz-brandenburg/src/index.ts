import { defineWorkflow, type Issue, type Label, type TaskSpec } from '@steckbrief/engine';
import { z } from 'zod';
import { MINISTRIES, machine, type PipelineContext, pendingMinistries, statementMinistry } from './machine.js';
import { PAYLOAD_FIELDS as F, MINISTRY_LABELS, PRESENTATION } from './presentation.js';
import { completeProfileSchema, draftProfileSchema, submitIssues, toCents } from './profile-schema.js';

export { exampleProfile } from './example.js';
export type { PipelineContext } from './machine.js';
export { MINISTRIES, machine } from './machine.js';
export * from './presentation.js';
export * from './profile-schema.js';

const L = (de: string, en: string): Label => ({ de, en });

const reason = z.string().trim().min(3).max(5000);
const noPayload = z.object({}).strict();
const reasonPayload = z.object({ reason }).strict();
const ministry = z.enum(MINISTRIES);

/**
 * The parts of a Steckbrief a revision request can point to: the sections of the applicant's task
 * list (the web's section ids), so the applicant sees where to look.
 */
export const PROFILE_SECTIONS = [
  'projekt',
  'traeger-und-kontakt',
  'standort-und-werkstatt',
  'kosten-und-foerderung',
  'zeitplan',
  'wirkung',
  'anlagen',
] as const;
export type ProfileSection = (typeof PROFILE_SECTIONS)[number];

export const PROFILE_SECTION_LABELS: Record<ProfileSection, Label> = {
  projekt: L('Projekt', 'Project'),
  'traeger-und-kontakt': L('Projektträger und Kontakt', 'Sponsor and contact'),
  'standort-und-werkstatt': L('Standort und Werkstatt', 'Location and Werkstatt'),
  'kosten-und-foerderung': L('Kosten und Förderung', 'Costs and funding'),
  zeitplan: L('Zeitplan', 'Schedule'),
  wirkung: L(
    'Wirkung: Arbeitsplätze und Beitrag zum Strukturwandel',
    'Impact: jobs and contribution to structural change',
  ),
  anlagen: L('Anlagen', 'Attachments'),
};

/** Optional: the sections a revision concerns, each named once. */
const sections = z
  .array(
    z.enum(PROFILE_SECTIONS, {
      error: `Abschnitte: muss einer der Werte ${PROFILE_SECTIONS.join(', ')} sein. / Sections: must be one of ${PROFILE_SECTIONS.join(', ')}.`,
    }),
  )
  .min(1, { error: 'Abschnitte: mindestens ein Abschnitt, oder weglassen. / Sections: at least one, or leave out.' })
  .refine((list) => new Set(list).size === list.length, {
    error: 'Abschnitte: jeder Abschnitt nur einmal. / Sections: each section once.',
  })
  .optional();
const revisionPayload = z.object({ reason, sections }).strict();
const sectionsField = { label: L('Betroffene Abschnitte', 'Sections concerned'), values: PROFILE_SECTION_LABELS };

const votePayload = z.discriminatedUnion('votum', [
  z
    .object({
      votum: z.literal('positive'),
      leadMinistry: ministry,
      ministries: z.array(ministry).max(MINISTRIES.length).default([]),
    })
    .strict(),
  z.object({ votum: z.literal('further_qualification'), reason, sections }).strict(),
  z.object({ votum: z.literal('negative'), reason }).strict(),
]);

/** Explain a failed SUBMIT/RESUBMIT guard: the fields that are missing or wrong. */
const explainIncomplete = ({ event }: { event: { data: unknown } }): Issue[] =>
  submitIssues(event.data).map((i) => ({ path: `data.${i.path}`, message: i.message }));

export const lausitzBrandenburg = defineWorkflow({
  id: 'lausitz-brandenburg',
  version: 1,
  label: L('Strukturentwicklung Lausitz (Brandenburg)', 'Lausitz structural development (Brandenburg)'),
  machine,
  presentation: PRESENTATION,
  roles: {
    applicant: { label: L('Projektträger', 'Project sponsor'), scope: { kind: 'owner' } },
    wrl: { label: L('WRL-Geschäftsstelle', 'WRL office'), scope: { kind: 'all' } },
    werkstatt: {
      label: L('Werkstatt', 'Werkstatt'),
      scope: {
        kind: 'attribute',
        attribute: 'werkstatt',
        values: z.number().int().min(1).max(5),
        labels: F.werkstatt.values,
      },
    },
    ministry: {
      label: L('Ressort', 'Ministry'),
      scope: { kind: 'attribute', attribute: 'ministry', values: ministry, labels: MINISTRY_LABELS },
    },
    commissioner: { label: L('Lausitz-Beauftragter', 'Lausitz commissioner'), scope: { kind: 'all' } },
    imag: { label: L('IMAG-Geschäftsstelle', 'IMAG secretariat'), scope: { kind: 'all' } },
  },
  states: {
    draft: L('Entwurf', 'Draft'),
    intake: L('Eingangsprüfung', 'Intake check'),
    revision: L('Überarbeitung', 'Revision'),
    qualification: L('Qualifizierung in der Werkstatt', 'Qualification in the Werkstatt'),
    ministry_review: L('Ressortabstimmung', 'Ministry review'),
    commissioner_approval: L('Zustimmung Lausitz-Beauftragter', 'Commissioner approval'),
    imag_pending: L('Der IMAG vorgelegt', 'Submitted to the IMAG'),
    confirmed: L('Von der IMAG bestätigt', 'Confirmed by the IMAG'),
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
    ACCEPT: {
      label: L('Annehmen und Werkstatt zuweisen', 'Accept and assign Werkstatt'),
      roles: ['wrl'],
      payload: z.object({ werkstatt: z.number().int().min(1).max(5) }).strict(),
      fields: { werkstatt: F.werkstatt },
    },
    REQUEST_REVISION: {
      label: L('Überarbeitung anfordern', 'Request revision'),
      roles: { intake: ['wrl'], ministry_review: ['ministry'] },
      payload: revisionPayload,
      fields: { reason: F.reason, sections: sectionsField },
      explain: () => [
        {
          path: 'actor',
          message:
            'Nur das federführende Ressort kann eine Überarbeitung anfordern. / Only the lead ministry can request a revision.',
        },
      ],
    },
    REJECT: {
      label: L('Ablehnen', 'Reject'),
      roles: { intake: ['wrl'], imag_pending: ['imag'] },
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
    VOTE: {
      label: L('Votum abgeben', 'Record Votum'),
      roles: ['werkstatt', 'wrl'],
      payload: votePayload,
      fields: {
        votum: F.votum,
        leadMinistry: F.leadMinistry,
        ministries: F.ministries,
        reason: F.reason,
        sections: sectionsField,
      },
      outcomeField: 'votum',
    },
    STATEMENT: {
      label: L('Stellungnahme abgeben', 'Give statement'),
      roles: ['ministry'],
      payload: z
        .object({
          opinion: z.enum(['endorse', 'concerns']),
          text: z.string().trim().min(1).max(10_000),
          ministry: ministry.optional(),
        })
        .strict(),
      // The ministries' assessment is internal to the process; the applicant sees that a statement was given
      // (docs/decisions/006-history-visibility.md).
      internalPayload: ['opinion', 'text'],
      internalComment: true,
      fields: { opinion: F.opinion, ministry: F.ministry, text: F.text },
      outcomeField: 'opinion',
      explain: ({ event, context }) => {
        const c = context as PipelineContext;
        const m = statementMinistry(c, event);
        // Without a named ministry, a sender none of whose involved ministries is pending has answered already.
        const own = c.ministries.filter((x) =>
          event.actor.grants.some((g) => g.role === 'ministry' && g.ministry === x),
        );
        const answered = own.length > 0 && own.every((x) => !pendingMinistries(c).includes(x));
        const message =
          m === null && answered
            ? `Das Ressort ${own.join(', ')} hat bereits Stellung genommen. / Ministry ${own.join(', ')} has already given its statement.`
            : m === null
              ? 'Bitte das Ressort angeben, für das Sie Stellung nehmen. / Please name the ministry you speak for.'
              : !c.ministries.includes(m)
                ? `Das Ressort ${m} ist nicht beteiligt. / Ministry ${m} is not involved.`
                : !pendingMinistries(c).includes(m)
                  ? `Das Ressort ${m} hat bereits Stellung genommen. / Ministry ${m} has already given its statement.`
                  : `Sie gehören nicht zum Ressort ${m}. / You do not belong to ministry ${m}.`;
        return [{ path: 'payload.ministry', message }];
      },
    },
    APPROVE: { label: L('Zustimmen', 'Approve'), roles: ['commissioner'], payload: noPayload },
    RETURN: {
      label: L('Zurückverweisen', 'Return'),
      roles: ['commissioner'],
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
    CONFIRM: {
      label: L('Bestätigen', 'Confirm'),
      roles: ['imag'],
      payload: z.object({ priority: z.number().int().min(1).max(1000).optional() }).strict(),
      fields: { priority: F.priority },
    },
    DEFER: {
      label: L('Zurückstellen', 'Defer'),
      roles: ['imag'],
      payload: reasonPayload,
      fields: { reason: F.reason },
    },
  },
  data: { draft: draftProfileSchema, complete: completeProfileSchema },
  editableStates: ['draft', 'revision'],
  creatorRoles: ['applicant'],
  deadlineRoles: ['wrl'],
  submitEvents: ['SUBMIT'],
  taskKinds: {
    complete_profile: L('Steckbrief vervollständigen und einreichen', 'Complete and submit the profile'),
    intake_check: L('Eingangsprüfung durchführen', 'Carry out the intake check'),
    revise_profile: L('Steckbrief überarbeiten', 'Revise the profile'),
    plan_agenda: L('Auf die Tagesordnung der Werkstatt setzen', 'Put on the Werkstatt agenda'),
    werkstatt_votum: L('Votum der Werkstatt abgeben', 'Give the Werkstatt’s Votum'),
    ministry_statement: L('Stellungnahme des Ressorts abgeben', 'Give the ministry’s statement'),
    commissioner_approval: L('Zustimmung erteilen oder zurückverweisen', 'Approve or return'),
    imag_decision: L('In der IMAG entscheiden', 'Decide in the IMAG'),
    apply_at_ilb: L('Förderantrag bei der ILB stellen', 'Apply for funding at the ILB'),
  },
  tasks({ state, context }): TaskSpec[] {
    const c = context as PipelineContext;
    switch (state) {
      case 'draft':
        return [{ key: 'draft', kind: 'complete_profile', role: 'applicant', scope: 'owner' }];
      case 'intake':
        return [{ key: 'intake', kind: 'intake_check', role: 'wrl', due: { days: 10 } }];
      case 'revision':
        return [{ key: 'revision', kind: 'revise_profile', role: 'applicant', scope: 'owner', due: { days: 28 } }];
      case 'qualification':
        return [
          { key: 'qualification:agenda', kind: 'plan_agenda', role: 'wrl' },
          { key: 'qualification:votum', kind: 'werkstatt_votum', role: 'werkstatt', scope: `werkstatt:${c.werkstatt}` },
        ];
      case 'ministry_review':
        return pendingMinistries(c).map((m) => ({
          key: `ministry_review:${m}`,
          kind: 'ministry_statement',
          role: 'ministry',
          scope: `ministry:${m}`,
          due: { days: 21 },
        }));
      case 'commissioner_approval':
        return [{ key: 'commissioner', kind: 'commissioner_approval', role: 'commissioner', due: { days: 14 } }];
      case 'imag_pending':
        return [{ key: 'imag', kind: 'imag_decision', role: 'imag' }];
      case 'confirmed':
        return [{ key: 'ilb', kind: 'apply_at_ilb', role: 'applicant', scope: 'owner' }];
      default:
        return [];
    }
  },
  scope({ context, data }) {
    const c = context as PipelineContext;
    const werkstatt = c.werkstatt ?? (typeof data.werkstatt === 'number' ? data.werkstatt : null);
    return {
      ...(werkstatt !== null ? { werkstatt: [String(werkstatt)] } : {}),
      ...(c.ministries.length ? { ministry: [...c.ministries] } : {}),
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
  // Retention (docs/privacy.md gives the reasons): a draft never submitted goes 12 months after its last
  // change, its owner told 30 days before; rejected and withdrawn profiles lose their personal data 3 years
  // after the final state; confirmed ones (the basis of a grant) keep it until the operator's keep-until date.
  retention: {
    draftDeleteAfter: { months: 12 },
    draftNoticeBefore: { days: 30 },
    closedStates: ['rejected', 'withdrawn'],
    closedKeepFor: { years: 3 },
    keptStates: ['confirmed'],
    // The contact person (name, e-mail, phone). Sponsor and partners are organisations; title, summary and
    // contribution describe the project and stay with the decision record.
    personalDataFields: ['contact'],
    // Reasons, the ministries' statements and attachment file names are free text that may name people; the
    // Votum, opinions, ministries, sections and priority are the decision record and stay.
    freeTextFields: ['reason', 'text', 'fileName'],
  },
  sessionManagerRoles: ['wrl'],
  sessions: {
    // Werkstatt sessions qualify profiles and give the Votum (SPEC §1.2); held per Werkstatt.
    werkstatt: {
      label: L('Werkstattsitzung', 'Werkstatt session'),
      agendaStates: ['qualification'],
      scopeAttribute: 'werkstatt',
      approvedStates: ['ministry_review'],
      memberRoles: ['werkstatt'],
    },
    // IMAG sessions confirm projects in batches; deferred ones go on the next session's agenda (SPEC §3).
    imag: {
      label: L('IMAG-Sitzung', 'IMAG session'),
      agendaStates: ['imag_pending'],
      approvedStates: ['confirmed'],
      deferEvents: ['DEFER'],
      memberRoles: ['imag', 'commissioner'],
    },
  },
  budget: {
    committedStates: ['confirmed'],
    pendingStates: ['intake', 'revision', 'qualification', 'ministry_review', 'commissioner_approval', 'imag_pending'],
    groupBy: 'werkstatt',
  },
  notifications({ event, from, to, openedTasks }) {
    // SPEC §5: the applicant hears of every state change; a group hears of a new task for it. A
    // session's decision that changes no state (the IMAG defers the project) reaches the applicant
    // as a session result.
    const notices =
      from !== to
        ? [{ template: 'state_changed', role: 'applicant', scope: 'owner' }]
        : event === 'DEFER'
          ? [{ template: 'session_result', role: 'applicant', scope: 'owner' }]
          : [];
    for (const task of openedTasks) {
      if (task.role !== 'applicant')
        notices.push({ template: 'task_assigned', role: task.role, scope: task.scope ?? '' });
    }
    return notices;
  },
});
