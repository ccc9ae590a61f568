import { eventsHandledIn, mermaidDiagram, type WorkflowDefinition, type WorkflowRegistry } from '@steckbrief/engine';
import { Router } from 'express';
import type { Operation } from '../openapi/operation.js';

function describe(definition: WorkflowDefinition) {
  const states = Object.entries(definition.states).map(([id, label]) => ({
    id,
    label,
    final: definition.machine.root.states[id]?.type === 'final',
    events: [...eventsHandledIn(definition, id)],
  }));
  const events = Object.entries(definition.events).map(([type, spec]) => ({
    type,
    label: spec.label,
    roles: spec.roles,
  }));
  const roles = Object.entries(definition.roles).map(([id, spec]) => ({
    id,
    label: spec.label,
    scope: spec.scope.kind === 'attribute' ? { kind: 'attribute', attribute: spec.scope.attribute } : spec.scope,
  }));
  return {
    id: definition.id,
    version: definition.version,
    label: definition.label,
    initial: definition.machine.root.initial?.target?.[0]?.key ?? null,
    states,
    events,
    roles,
    diagram: mermaidDiagram(definition),
  };
}

export const workflowOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/workflows',
    tag: 'Workflows',
    summary: 'Workflows with states, events, roles and diagram / Verfahren',
    roles: 'user',
    responses: { 200: { description: 'All workflows of this deployment', schema: 'WorkflowList' } },
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{id}',
    tag: 'Workflows',
    summary: 'One workflow by its id / Ein Verfahren',
    roles: 'user',
    responses: { 200: { description: 'States, events, labels and a Mermaid diagram', schema: 'Workflow' } },
  },
];

export function workflowRoutes(registry: WorkflowRegistry): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ items: registry.list().map(describe) });
  });
  router.get('/:id', (req, res) => {
    res.json(describe(registry.get(req.params.id)));
  });
  return router;
}
