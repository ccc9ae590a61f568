import { getProfile, listProfiles, parseScopeFilter, profileHistory } from '@steckbrief/engine';
import { type CliContext, operatorActor } from './context.js';
import { type Out, table } from './users.js';

export interface ProfilesListOptions {
  state?: string;
  q?: string;
  limit?: number;
  /** Scope filters, one option per scope attribute of the deployed workflows' roles. */
  [attribute: string]: unknown;
}

const euros = (value: unknown) =>
  typeof value === 'number'
    ? new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(value)
    : '';

/** Every page of the engine's list (it pages by cursor), as the reviewing bodies see it: drafts are their owners' only. */
export async function profilesList(ctx: CliContext, options: ProfilesListOptions, out: Out): Promise<void> {
  const actor = await operatorActor(ctx.db, ctx.registry);
  const scope = parseScopeFilter(ctx.registry, options, 'option');
  const wanted = options.limit ?? Number.POSITIVE_INFINITY;
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await listProfiles(ctx.deps, actor, {
      ...(options.state ? { state: options.state } : {}),
      ...(Object.keys(scope).length ? { scope } : {}),
      ...(options.q ? { q: options.q } : {}),
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < wanted);
  const shown = items.slice(0, wanted);
  table(
    ['id', 'state', 'updated', 'title'],
    shown.map((p) => [p.id, p.state, p.updatedAt.slice(0, 10), p.title ?? '']),
    out,
  );
  out(`${shown.length} profile(s)${options.state === 'draft' ? ' (drafts are visible to their owners only)' : ''}`);
}

export async function profilesShow(ctx: CliContext, id: string, out: Out): Promise<void> {
  const actor = await operatorActor(ctx.db, ctx.registry);
  const p = await getProfile(ctx.deps, actor, id);
  const data = p.data as Record<string, any>;
  out(`${data.title ?? '(untitled)'}`);
  out(`id:        ${p.id}`);
  out(`workflow:  ${p.workflow}@${p.workflowVersion}`);
  out(`state:     ${p.state} (${p.stateLabel.de} / ${p.stateLabel.en}), version ${p.version}`);
  out(`sponsor:   ${data.sponsor?.name ?? ''}${data.sponsor?.kind ? ` (${data.sponsor.kind})` : ''}`);
  out(`location:  ${data.location?.municipality ?? ''}`);
  out(`funding:   ${euros(data.requestedFundingEur)} of ${euros(data.totalCostEur)}`);
  out(`created:   ${p.createdAt}  submitted: ${p.submittedAt ?? '-'}  updated: ${p.updatedAt}`);
  out('');
  out(`open tasks (${p.tasks.length}):`);
  table(
    ['id', 'kind', 'assignee', 'due', 'claimed by'],
    p.tasks.map((t) => [t.id, t.kind, t.scope ? `${t.role} ${t.scope}` : t.role, t.dueAt ?? '-', t.claimedBy ?? '']),
    out,
  );
}

export async function profilesHistory(ctx: CliContext, id: string, out: Out): Promise<void> {
  const actor = await operatorActor(ctx.db, ctx.registry);
  const items = await profileHistory(ctx.deps, actor, id);
  table(
    ['seq', 'at', 'event', 'from', 'to', 'actor', 'comment'],
    items.map((h) => [
      String(h.seq),
      h.at,
      h.event,
      h.from ?? '',
      h.to,
      h.actor?.name ?? '',
      (
        h.comment ??
        (h.payload && typeof h.payload === 'object' && 'reason' in h.payload ? String(h.payload.reason) : '')
      ).replace(/\s+/g, ' '),
    ]),
    out,
  );
}
