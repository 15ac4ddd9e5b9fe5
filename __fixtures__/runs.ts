/** Builders for workflow runs as the REST API returns them, with only the fields tests care about set. */
import type { WorkflowRun } from '../src/readers/api-types.js'

let nextId = 1000

/** A workflow run with sensible defaults; override any field. */
export function aRun(
  overrides: Partial<WorkflowRun> & { head_repository_full_name?: string } = {}
): WorkflowRun {
  const id = overrides.id ?? nextId++
  const { head_repository_full_name, ...rest } = overrides
  const fullName = head_repository_full_name ?? 'acme/web'
  return {
    id,
    workflow_id: 11,
    event: 'push',
    head_branch: 'main',
    head_sha: 'a'.repeat(40),
    status: 'in_progress',
    conclusion: null,
    run_attempt: 1,
    created_at: '2026-11-22T10:00:00Z',
    html_url: `https://github.com/acme/web/actions/runs/${id}`,
    actor: { login: 'alice' },
    triggering_actor: { login: 'alice' },
    head_repository: { id: fullName === 'acme/web' ? 101 : 999, full_name: fullName },
    pull_requests: [],
    ...rest
  } as unknown as WorkflowRun
}
