import { budgetView, type EngineDeps, type FundingPeriod } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

const budgetQuery = z
  .object({ workflow: z.string().max(100).optional(), session: z.string().max(100).optional() })
  .strict();

export const budgetOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/budget',
    tag: 'Budget',
    summary: 'Committed and pending funding per period / Budgetübersicht',
    description: 'For roles that see every profile. With `session`: what its undecided agenda would commit.',
    roles: 'user',
    query: budgetQuery,
    responses: { 200: { description: 'Budget figures in integer cents', schema: 'BudgetView' } },
    problems: [403],
  },
];

export function budgetRoutes(deps: EngineDeps, periods: FundingPeriod[]): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = query(budgetQuery, req);
    res.json(await budgetView(deps, actorOf(req), { workflow: q.workflow, periods, sessionId: q.session }));
  });
  return router;
}
