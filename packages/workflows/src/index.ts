import { createRegistry, type DeadlineOverrides, DefinitionError, type WorkflowRegistry } from '@steckbrief/engine';
import { NOTICE_KINDS } from '@steckbrief/notifications';
import { lausitzBrandenburg } from '@steckbrief/workflow-lausitz-brandenburg';
import { lausitzBrandenburgV2 } from '@steckbrief/workflow-lausitz-brandenburg/v2';
import { sachsenStrukturentwicklung } from '@steckbrief/workflow-sachsen-strukturentwicklung';

/**
 * The workflows this deployment runs, in one place for the API, the worker and the CLI. A new
 * pipeline is one more definition here, not an engine change. Every version of a workflow that still
 * has profiles stays in the list: a profile always runs on the version it started on (or was migrated
 * to). The first is the default workflow (for requests that name none).
 */
export const WORKFLOWS = [lausitzBrandenburg, lausitzBrandenburgV2, sachsenStrukturentwicklung];

/**
 * The version new profiles start on, per workflow, unless the deployment configures another
 * (`WORKFLOW_VERSIONS`). Deploying a version registers it (its profiles run, migrations can target it);
 * switching new profiles onto it is a separate, configured step. Brandenburg's new profiles stay on
 * version 1 here; a deployment sets `WORKFLOW_VERSIONS={"lausitz-brandenburg":2}` to start them on 2.
 */
export const NEW_PROFILE_VERSIONS: Readonly<Record<string, number>> = { [lausitzBrandenburg.id]: 1 };

/**
 * The registry with per-deployment deadline overrides (`WORKFLOW_DEADLINES`) and versions for new
 * profiles (`WORKFLOW_VERSIONS`). Every definition is checked against the notice templates the
 * notifications can render: a definition that sends an unknown one stops the start.
 */
export function buildRegistry(
  deadlines: DeadlineOverrides = {},
  versions: Readonly<Record<string, number>> = {},
): WorkflowRegistry {
  return createRegistry(WORKFLOWS, {
    deadlines,
    defaultWorkflowId: lausitzBrandenburg.id,
    defaultVersions: { ...NEW_PROFILE_VERSIONS, ...versions },
    noticeTemplates: NOTICE_KINDS,
  });
}

/**
 * A definition or configuration that stops the start, as one line for stderr (the process then exits 1):
 * what is wrong and where to look. Undefined for any other error, which is a real crash.
 */
export function describeDefinitionError(error: unknown): string | undefined {
  if (!(error instanceof DefinitionError)) return undefined;
  return `Steckbrief cannot start: ${error.message} (check WORKFLOW_VERSIONS and WORKFLOW_DEADLINES, or the workflow definition)`;
}
