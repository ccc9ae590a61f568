import { createRegistry, type DeadlineOverrides, type WorkflowRegistry } from '@steckbrief/engine';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';
import { sachsenStrukturentwicklung } from '@steckbrief/workflow-sachsen-strukturentwicklung';

/**
 * The workflows this deployment runs, in one place for the API, the worker and the CLI. A new
 * pipeline is one more definition here, not an engine change. Keep an old version in the list while
 * profiles still run on it. The first is the default workflow (for requests that name none).
 */
export const WORKFLOWS = [lausitzBrandenburg, sachsenStrukturentwicklung];

/** The registry with per-deployment deadline overrides (`WORKFLOW_DEADLINES`). */
export function buildRegistry(deadlines: DeadlineOverrides = {}): WorkflowRegistry {
  return createRegistry(WORKFLOWS, { deadlines, defaultWorkflowId: lausitzBrandenburg.id });
}
