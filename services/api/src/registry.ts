import type { Config } from '@steckbrief/config';
import { createRegistry, type WorkflowRegistry } from '@steckbrief/engine';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';

/** The workflows this deployment runs. A new pipeline is one more definition here, not an engine change. */
export const WORKFLOWS = [lausitzBrandenburg];

export function buildRegistry(config: Pick<Config, 'WORKFLOW_DEADLINES'>): WorkflowRegistry {
  return createRegistry(WORKFLOWS, { deadlines: config.WORKFLOW_DEADLINES ?? {} });
}
