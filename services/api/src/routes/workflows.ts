import {
  eventsHandledIn,
  mermaidDiagram,
  parseOrThrow,
  type WorkflowDefinition,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import type { Operation } from '../openapi/operation.js';

function describe(registry: WorkflowRegistry, definition: WorkflowDefinition) {
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
    newProfiles: registry.defaultVersion(definition.id) === definition.version,
    migration: definition.migrations
      ? { from: definition.migrations.from, states: definition.migrations.states }
      : null,
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
    summary: 'Every version of every workflow with states, events, roles and diagram / Verfahren',
    description:
      'One item per registered version (a profile always runs on the version it started on or was migrated to); ' +
      '`newProfiles` marks the version new profiles start on, `migration` the states of the version it takes over.',
    roles: 'user',
    responses: { 200: { description: 'All workflow versions of this deployment', schema: 'WorkflowList' } },
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{id}',
    tag: 'Workflows',
    summary: 'One workflow by its id, in the version new profiles start on / Ein Verfahren',
    roles: 'user',
    responses: { 200: { description: 'States, events, labels and a Mermaid diagram', schema: 'Workflow' } },
  },
  {
    method: 'get',
    path: '/api/v1/workflows/{id}/versions/{version}',
    tag: 'Workflows',
    summary: 'One version of a workflow / Eine Fassung eines Verfahrens',
    roles: 'user',
    responses: { 200: { description: 'States, events, labels and a Mermaid diagram', schema: 'Workflow' } },
    problems: [422],
  },
];

const versionParam = z.coerce.number().int().positive();

export function workflowRoutes(registry: WorkflowRegistry): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const versions = registry.list().flatMap((current) => registry.versions(current.id));
    res.json({ items: versions.map((d) => describe(registry, d)) });
  });
  router.get('/:id', (req, res) => {
    res.json(describe(registry, registry.get(req.params.id)));
  });
  router.get('/:id/versions/:version', (req, res) => {
    const version = parseOrThrow(versionParam, req.params.version, {
      prefix: 'version',
      detail: 'Die Version muss eine positive ganze Zahl sein. / The version must be a positive whole number.',
    });
    res.json(describe(registry, registry.get(req.params.id, version)));
  });
  return router;
}
