import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Db } from '@steckbrief/db';
import {
  type Actor,
  type EngineDeps,
  type FundingPeriod,
  getProfile,
  hasRole,
  NotFound,
  type ProfileView,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { VNode } from 'preact';
import type { PageContext } from './components.js';
import { renderDocument } from './html.js';
import { OidcClient, type OidcSettings } from './oidc.js';
import { DEMO_OPERATOR, type Operator } from './pages/legal.js';
import { presentationOfDefinition } from './presentation.js';
import { pageCsp, type SessionCookie, sessionCookie, webState } from './security.js';
import { seesBudget, seesSessions } from './session-data.js';

export interface WebDeps {
  db: Db;
  registry: WorkflowRegistry;
  /** The origin people use (links in mails, the Origin check of forms); https makes cookies Secure. */
  publicUrl: string;
  secureCookies?: boolean;
  now?: () => Date;
  logger: Logger;
  /** NODE_ENV=development: the worker prints a sign-in code it could not deliver. */
  development?: boolean;
  operator?: Operator;
  /** Where KERN's dist/ is; found from this package by default. */
  kernDir?: string;
  /** OpenID Connect sign-in beside the e-mail code (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET). */
  oidc?: OidcSettings | null;
  /** The deployment's funding periods for the budget pages (a workflow's own periods win). */
  fundingPeriods?: readonly FundingPeriod[];
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function kernDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@kern-ux/native/package.json'))}/dist`;
}

/** What every route module needs, built once per router. */
export function createWeb(deps: WebDeps) {
  const { db, registry, publicUrl, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const secure = deps.secureCookies ?? publicUrl.startsWith('https:');
  const cookie: SessionCookie = sessionCookie(secure);
  const engine: EngineDeps = { db, registry, now };
  const operator = deps.operator ?? DEMO_OPERATOR;
  const csp = pageCsp(secure);

  const creatorRoles = new Set(registry.list().flatMap((d) => d.creatorRoles));
  const publicLinks = registry
    .list()
    .flatMap((d) =>
      d.presentation?.public ? [{ href: `/${d.presentation.public.path}`, label: d.presentation.public.title }] : [],
    );
  const reviewerOf = (actor: Actor) => actor.grants.some((g) => !creatorRoles.has(g.role));
  const ctxOf = (res: Response): PageContext => {
    const state = webState(res);
    const user = state?.user ?? null;
    return {
      user,
      csrfToken: state?.session?.csrfToken ?? null,
      reviewer: user ? reviewerOf(user.actor) : false,
      publicLinks,
      sessions: user ? seesSessions(registry, user.actor) : false,
      budget: user ? seesBudget(registry, user.actor) : false,
    };
  };
  const send = (res: Response, page: VNode, status = 200) => {
    const html = Buffer.from(renderDocument(page), 'utf8');
    // `res.end`, not `res.send`: a page is `no-store`, so the ETag that `send` would hash the whole page
    // for is never used (the page is encoded once, here).
    res
      .status(status)
      .set({
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-store',
        'Content-Type': 'text/html; charset=utf-8',
        // Sign-in links carry their token in the URL: no Referer leaves the site. (Not no-referrer:
        // Chromium then sends `Origin: null` with our own forms, and the Origin check refuses them.)
        'Referrer-Policy': 'same-origin',
        'X-Content-Type-Options': 'nosniff',
        'Content-Length': String(html.length),
      })
      .end(html);
  };
  /** How pages show a workflow's profiles, from its definition (the profile's version when given). */
  const presentationOf = (workflow: string, version?: number) =>
    registry.has(workflow) ? presentationOfDefinition(registry.get(workflow, version)) : undefined;
  const creatorOf = (actor: Actor) => registry.list().some((d) => d.creatorRoles.some((r) => hasRole(actor, r)));
  /** The workflows this actor may start a profile of, with the button that starts one. */
  const creatableOf = (actor: Actor) =>
    registry
      .list()
      .filter((d) => d.presentation && d.creatorRoles.some((r) => hasRole(actor, r)))
      .map((d) => ({ workflow: d.id, label: d.label.de, button: d.presentation?.createButton ?? d.label.de }));
  const requireUser = (req: Request, res: Response): Actor | null => {
    const user = webState(res).user;
    if (user) return user.actor;
    res.redirect(303, `/anmelden?weiter=${encodeURIComponent(req.path)}`);
    return null;
  };

  /** A loaded profile with its definition, presentation and whether its owner may still edit it now. */
  const editableView = (actor: Actor, profile: ProfileView) => {
    const definition = registry.get(profile.workflow, profile.workflowVersion);
    const presentation = presentationOfDefinition(definition);
    if (!presentation) throw new NotFound('Keine Darstellung für diesen Workflow.');
    const canEdit = definition.editableStates.includes(profile.state) && creatorOf(actor);
    return { profile, definition, presentation, canEdit };
  };

  /** The profile, with whether its owner may still edit it now (the engine decides again on every save). */
  const editable = async (actor: Actor, id: string) => {
    if (!UUID.test(id)) throw new NotFound('Profil nicht gefunden.');
    return editableView(actor, await getProfile(engine, actor, id));
  };

  return {
    db,
    registry,
    publicUrl,
    logger,
    development: deps.development === true,
    oidc: deps.oidc ? new OidcClient(deps.oidc, publicUrl) : null,
    now,
    cookie,
    engine,
    operator,
    ctxOf,
    send,
    presentationOf,
    creatorOf,
    creatableOf,
    requireUser,
    editable,
    editableView,
  };
}

export type Web = ReturnType<typeof createWeb>;
