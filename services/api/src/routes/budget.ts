import { budgetView, type EngineDeps, type FundingPeriod } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { query } from '../http.js';

const budgetQuery = z
  .object({ workflow: z.string().max(100).optional(), session: z.string().max(100).optional() })
  .strict();

export function budgetRoutes(deps: EngineDeps, periods: FundingPeriod[]): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = query(budgetQuery, req);
    res.json(await budgetView(deps, actorOf(req), { workflow: q.workflow, periods, sessionId: q.session }));
  });
  return router;
}
