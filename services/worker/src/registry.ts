import { createRegistry, type DeadlineOverrides, type WorkflowRegistry } from '@steckbrief/engine';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';

/** The workflows whose notices this worker renders (the same list the API runs). */
export const WORKFLOWS = [lausitzBrandenburg];

export function buildRegistry(deadlines: DeadlineOverrides = {}): WorkflowRegistry {
  return createRegistry(WORKFLOWS, { deadlines });
}
