/** Reading a repository's workflows: what state each one is in. */
import type { Octokit } from '../boundary/client.js'
import { PER_PAGE } from '../github-limits.js'
import type { RepositoryRef } from '../settings.js'

/**
 * The state of every workflow GitHub lists for `repository`, by workflow id: `active`, `deleted`,
 * `disabled_fork`, `disabled_inactivity` or `disabled_manually` (as GitHub writes it). A workflow
 * whose file was removed may no longer be listed at all; its runs remain.
 *
 * Calls `GET /repos/{owner}/{repo}/actions/workflows`, every page, 100 per page.
 * @returns workflow id → state.
 * @throws the API error of any page.
 */
export async function listWorkflowStates(
  octokit: Octokit,
  repository: RepositoryRef
): Promise<Map<number, string>> {
  const workflows = await octokit.paginate(octokit.rest.actions.listRepoWorkflows, {
    ...repository,
    per_page: PER_PAGE
  })
  return new Map(workflows.map(workflow => [workflow.id, workflow.state]))
}
