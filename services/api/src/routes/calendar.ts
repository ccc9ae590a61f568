import { randomBytes } from 'node:crypto';
import { hashToken as hash } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import { type Actor, type EngineDeps, listSessions, listTasks, NotFound } from '@steckbrief/engine';
import { sessionLink, taskLink } from '@steckbrief/notifications';
import { Router } from 'express';
import { ICalCalendar } from 'ical-generator';
import { actorOf } from '../auth.js';
import type { Operation } from '../openapi/operation.js';

export const calendarOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/calendar/token',
    tag: 'Calendar',
    summary: 'Create or rotate the secret calendar feed URL / Kalender-Abo-Adresse',
    description: 'The URL is shown once; a new one revokes the old one.',
    roles: 'user',
    responses: { 201: { description: 'The feed URL', schema: 'CalendarUrl' } },
    problems: [404],
  },
  {
    method: 'get',
    path: '/calendar/{file}',
    tag: 'Calendar',
    summary: 'iCalendar feed: sessions and task due dates / Kalender-Feed',
    description:
      '`{file}` is `<secret>.ics` from POST /api/v1/calendar/token. Calendar clients cannot send bearer tokens, ' +
      'so the unguessable URL is the credential.',
    roles: 'public',
    responses: { 200: { description: 'iCalendar', content: { 'text/calendar': { type: 'string' } } } },
  },
];

/** POST /api/v1/calendar/token: create or rotate the caller's secret feed URL (shown once). */
export function calendarTokenRoutes(db: Db, publicUrl: string): Router {
  const router = Router();
  router.post('/token', async (req, res) => {
    const actor = actorOf(req);
    if (!actor.userId) throw new NotFound('Nur für Benutzerkonten. / Only for user accounts.');
    const token = randomBytes(24).toString('base64url');
    await db
      .insertInto('calendar_tokens')
      .values({ user_id: actor.userId, token_hash: hash(token) })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: hash(token) }))
      .execute();
    res.status(201).json({ url: new URL(`/calendar/${token}.ics`, publicUrl).toString() });
  });
  return router;
}

/**
 * GET /calendar/{secret}.ics: sessions and the caller's task due dates for Outlook or Thunderbird, each
 * linking to its web page (the session's, the task's), where a person reads and acts.
 * Calendar clients cannot send bearer tokens, so the unguessable URL is the credential; rotating it
 * (POST /api/v1/calendar/token) revokes the old one.
 */
export function calendarFeedRoutes(deps: EngineDeps, publicUrl: string): Router {
  const router = Router();
  router.get('/:file', async (req, res) => {
    const match = /^([A-Za-z0-9_-]{20,64})\.ics$/.exec(req.params.file);
    const user = match?.[1]
      ? await deps.db
          .selectFrom('calendar_tokens as c')
          .innerJoin('users as u', 'u.id', 'c.user_id')
          .select(['u.id', 'u.organisation', 'u.roles'])
          .where('c.token_hash', '=', hash(match[1]))
          .where('u.disabled_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!user) throw new NotFound('Kalender nicht gefunden. / Calendar not found.');
    const actor: Actor = { userId: user.id, organisation: user.organisation, grants: user.roles };
    const calendar = new ICalCalendar({
      name: 'Steckbrief',
      timezone: 'Europe/Berlin',
      prodId: '//Steckbrief//Kalender//DE',
    });
    for (const s of await listSessions(deps, actor)) {
      const start = new Date(`${s.date}T00:00:00Z`);
      calendar.createEvent({
        id: `session-${s.id}@steckbrief`,
        start,
        allDay: true,
        summary: `${s.kindLabel.de}: ${s.title}`,
        url: sessionLink(publicUrl, s.id),
      });
    }
    for (const t of await listTasks(deps, actor, { status: 'open', limit: 500 })) {
      if (!t.dueAt) continue;
      const due = new Date(t.dueAt);
      calendar.createEvent({
        id: `task-${t.id}@steckbrief`,
        start: due,
        end: new Date(due.getTime() + 30 * 60_000),
        summary: `Frist / Due: ${t.label.de} – ${t.title ?? ''}`.trim(),
        description: `${t.stateLabel.de} / ${t.stateLabel.en}`,
        url: taskLink(publicUrl, t.id),
      });
    }
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.type('text/calendar; charset=utf-8').send(calendar.toString());
  });
  return router;
}
