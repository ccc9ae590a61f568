/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  type Actor,
  applyEvent,
  createProfile,
  GuardFailed,
  getProfile,
  InvalidEvent,
  listAttachments,
  NotFound,
  type ProfileView,
  patchProfileData,
  profileHistory,
  StaleVersion,
  ValidationFailed,
  type WorkflowDefinition,
} from '@steckbrief/engine';
import type { Router } from 'express';
import type { FieldError } from '../components.js';
import { CheckAnswersPage, SubmittedPage } from '../pages/check-answers.js';
import { ConflictPage, type FieldView, SectionPage } from '../pages/section.js';
import { type SectionStatus, TaskListPage } from '../pages/tasklist.js';
import { WithdrawPage } from '../pages/withdraw.js';
import { fieldSpecOf, valueAt, type WorkflowPresentation } from '../presentation.js';
import { revisionRequest } from '../revision.js';
import { type FormBody, fieldId, formValue, germanMessage, type SectionSpec, sectionPatch } from '../sections.js';
import { UUID, type Web } from '../web.js';

/** The owner's journey: new Steckbrief, task list, question pages, check answers and submit, withdraw. */
export function editingRoutes(pages: Router, web: Web): void {
  const { engine, registry, send, ctxOf, requireUser, presentationOf, editable } = web;

  /** What a revision request asked for, read from the history only while the profile is in revision. */
  const revisionOf = async (actor: Actor, presentation: WorkflowPresentation, profile: ProfileView) =>
    profile.state === presentation.revisionState
      ? revisionRequest(presentation, profile, await profileHistory(engine, actor, profile.id))
      : null;

  pages.post('/steckbrief/neu', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    // The workflow the button named; without one (an old page), the deployment's default.
    const named = (req.body as FormBody).workflow;
    const workflow = typeof named === 'string' && registry.has(named) ? named : undefined;
    const profile = await createProfile(engine, actor, { workflow, data: {} });
    res.redirect(303, `/profile/${profile.id}/abschnitte`);
  });

  pages.get('/profile/:id/abschnitte', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, definition, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    const rows = presentation.sections.map((section) => ({
      id: section.id,
      title: section.title,
      status: sectionStatus(definition, profile, section),
      href: `/profile/${profile.id}/abschnitt/${section.id}`,
    }));
    const attachments = await listAttachments(engine, actor, profile.id);
    rows.push({
      id: 'anlagen',
      title: 'Anlagen',
      status: attachments.items.length ? 'done' : 'not_started',
      href: `/profile/${profile.id}/anlagen`,
    });
    const title =
      typeof profile.data.title === 'string' && profile.data.title
        ? profile.data.title
        : `${presentation.noun} ohne Titel`;
    send(
      res,
      <TaskListPage
        ctx={ctxOf(res)}
        profileId={profile.id}
        title={title}
        rows={rows}
        revision={await revisionOf(actor, presentation, profile)}
        presentation={presentation}
      />,
    );
  });

  const fieldViews = (
    presentation: WorkflowPresentation,
    section: SectionSpec,
    value: (path: string) => string | [string, string, string],
    errors: Map<string, string> = new Map(),
  ): FieldView[] =>
    section.fields.map((field) => {
      const spec = fieldSpecOf(presentation.fields, field.path);
      const options: Array<[string, string]> = Object.entries(field.values ?? {});
      return { field, spec, options, value: value(field.path), error: errors.get(field.path) };
    });

  pages.get('/profile/:id/abschnitt/:section', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    const section = presentation.sections.find((s) => s.id === req.params.section);
    if (!section) throw new NotFound('Abschnitt nicht gefunden.');
    const views = fieldViews(presentation, section, (path) => {
      const field = section.fields.find((f) => f.path === path);
      return field ? formValue(field, valueAt(profile.data, path)) : '';
    });
    send(
      res,
      <SectionPage ctx={ctxOf(res)} profileId={profile.id} version={profile.version} section={section} views={views} />,
    );
  });

  pages.post('/profile/:id/abschnitt/:section', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation } = await editable(actor, req.params.id);
    const section = presentation.sections.find((s) => s.id === req.params.section);
    if (!section) throw new NotFound('Abschnitt nicht gefunden.');
    const body = req.body as FormBody;
    const version = Number(body.version);
    try {
      await patchProfileData(engine, actor, {
        profileId: profile.id,
        data: sectionPatch(section, body),
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) {
        return send(res, <ConflictPage ctx={ctxOf(res)} profileId={profile.id} section={section} />, 409);
      }
      if (!(err instanceof ValidationFailed)) throw err;
      // The workflow's own messages, each on its field; what was typed stays in the form.
      const errors = new Map<string, string>();
      for (const issue of err.issues) {
        const path = issue.path.replace(/^data\./, '');
        const field = section.fields.find((f) => path === f.path || path.startsWith(`${f.path}.`));
        if (field && !errors.has(field.path)) errors.set(field.path, germanMessage(issue.message));
      }
      const typed = (path: string) => {
        const id = fieldId(path);
        const field = section.fields.find((f) => f.path === path);
        const str = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
        return field?.input === 'date'
          ? ([str(id), str(`${id}-monat`), str(`${id}-jahr`)] as [string, string, string])
          : str(id);
      };
      const views = fieldViews(presentation, section, typed, errors);
      return send(
        res,
        <SectionPage
          ctx={ctxOf(res)}
          profileId={profile.id}
          version={profile.version}
          section={section}
          views={views}
        />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}/abschnitte`);
  });

  /** The submission the engine allows this user now (its event must be among the available ones). */
  const submissionOf = (presentation: WorkflowPresentation, profile: ProfileView) => {
    const submit = presentation.submitEvents[profile.state];
    return submit && profile.availableEvents.some((e) => e.type === submit.event) ? submit : null;
  };

  pages.get('/profile/:id/pruefen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    send(
      res,
      <CheckAnswersPage
        ctx={ctxOf(res)}
        profile={profile}
        presentation={presentation}
        submit={submissionOf(presentation, profile)}
        revision={await revisionOf(actor, presentation, profile)}
      />,
    );
  });

  pages.post('/profile/:id/einreichen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation } = await editable(actor, req.params.id);
    const submit = submissionOf(presentation, profile);
    const version = Number((req.body as FormBody).version);
    // The form names its event so a stale page cannot submit something else than it showed.
    if (!submit || (req.body as FormBody).event !== submit.event) return res.redirect(303, `/profile/${profile.id}`);
    try {
      await applyEvent(engine, actor, {
        profileId: profile.id,
        type: submit.event,
        payload: {},
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) return res.redirect(303, `/profile/${profile.id}/pruefen`);
      if (!(err instanceof GuardFailed || err instanceof ValidationFailed)) throw err;
      // Each reason links to its field on its section's page, in the workflow's words.
      const errors: FieldError[] = [];
      for (const issue of err.issues) {
        const path = issue.path.replace(/^data\./, '');
        const section = presentation.sections.find((s) =>
          s.fields.some((f) => path === f.path || path.startsWith(`${f.path}.`) || f.path.startsWith(`${path}.`)),
        );
        const field = section?.fields.find(
          (f) => path === f.path || path.startsWith(`${f.path}.`) || f.path.startsWith(`${path}.`),
        );
        errors.push({
          field: field ? fieldId(field.path) : 'einreichen',
          href: section && field ? `/profile/${profile.id}/abschnitt/${section.id}#${fieldId(field.path)}` : undefined,
          message: germanMessage(issue.message),
        });
      }
      return send(
        res,
        <CheckAnswersPage
          ctx={ctxOf(res)}
          profile={profile}
          presentation={presentation}
          submit={submit}
          errors={errors}
          revision={await revisionOf(actor, presentation, profile)}
        />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}/eingereicht`);
  });

  pages.get('/profile/:id/eingereicht', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!UUID.test(req.params.id)) throw new NotFound('Profil nicht gefunden.');
    const profile = await getProfile(engine, actor, req.params.id);
    const presentation = presentationOf(profile.workflow, profile.workflowVersion);
    send(
      res,
      <SubmittedPage
        ctx={ctxOf(res)}
        profile={profile}
        noun={presentation?.noun ?? 'Steckbrief'}
        explanation={presentation?.stateExplanations[profile.state]?.de}
      />,
    );
  });

  const withdrawable = async (actor: Actor, id: string) => {
    const { profile, presentation } = await editable(actor, id);
    const title =
      typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Steckbrief ohne Titel';
    return {
      profile,
      presentation,
      title,
      allowed: profile.availableEvents.some((e) => e.type === presentation.withdrawEvent),
    };
  };

  pages.get('/profile/:id/zurueckziehen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, title, allowed } = await withdrawable(actor, req.params.id);
    if (!allowed) return res.redirect(303, `/profile/${profile.id}`);
    send(res, <WithdrawPage ctx={ctxOf(res)} profile={profile} title={title} />);
  });

  pages.post('/profile/:id/zurueckziehen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, title, allowed } = await withdrawable(actor, req.params.id);
    if (!allowed) return res.redirect(303, `/profile/${profile.id}`);
    const body = req.body as FormBody;
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    const version = Number(body.version);
    try {
      await applyEvent(engine, actor, {
        profileId: profile.id,
        type: presentation.withdrawEvent,
        payload: reason ? { reason } : {},
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) return res.redirect(303, `/profile/${profile.id}/zurueckziehen`);
      if (!(err instanceof ValidationFailed || err instanceof InvalidEvent)) throw err;
      const message = germanMessage(err.issues[0]?.message ?? err.message);
      return send(
        res,
        <WithdrawPage ctx={ctxOf(res)} profile={profile} title={title} reason={reason} error={message} />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}`);
  });
}

/**
 * A section's task-list status from the workflow's own completeness schema: not started (no field
 * given), done (no issue on its fields), in progress (otherwise).
 */
function sectionStatus(definition: WorkflowDefinition, profile: ProfileView, section: SectionSpec): SectionStatus {
  const given = section.fields.some((f) => {
    const v = valueAt(profile.data, f.path);
    return v !== undefined && v !== null && v !== '';
  });
  if (!given) return 'not_started';
  const result = definition.data.complete.safeParse(profile.data);
  if (result.success) return 'done';
  const paths = result.error.issues.map((i) => i.path.map(String).join('.'));
  const touched = section.fields.some((f) =>
    paths.some((p) => p === f.path || p.startsWith(`${f.path}.`) || f.path.startsWith(`${p}.`)),
  );
  return touched ? 'started' : 'done';
}
