/**
 * Queries over a simulator for end-to-end assertions: the live state of its runs, and the requests
 * it received. Runs are looked up in `acme/web` unless a test names another repository.
 */
import type { RunState, Simulator } from '../../simulator/index.js'

/** The live state of run `id` in `repository`, or undefined when it has no such run. */
export function findRun(sim: Simulator, id: number, repository = 'acme/web'): RunState | undefined {
  return sim.state.repositories
    .find(r => `${r.owner}/${r.name}` === repository)
    ?.runs.find(r => r.id === id)
}

/** The live state of run `id` in `repository`. @throws Error when there is no such run. */
export function runOf(sim: Simulator, id: number, repository = 'acme/web'): RunState {
  const found = findRun(sim, id, repository)
  if (!found) throw new Error(`no run ${id} in ${repository}`)
  return found
}

/** `status/conclusion` of run `id` (`in_progress/`, `completed/cancelled`), or `missing`. */
export function statusOf(sim: Simulator, id: number, repository = 'acme/web'): string {
  const found = findRun(sim, id, repository)
  return found ? `${found.status}/${found.conclusion ?? ''}` : 'missing'
}

/** Every request, in order, as `METHOD path` (without the query). */
export function paths(sim: Simulator): string[] {
  return sim.requests.map(r => `${r.method} ${r.path}`)
}

/** The requests that are not GETs, in order, as `METHOD path`. */
export function writes(sim: Simulator): string[] {
  return sim.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.path}`)
}

/** How many requests were not GETs. */
export function posts(sim: Simulator): number {
  return sim.requests.filter(r => r.method !== 'GET').length
}

/** How many PUT requests arrived. */
export function puts(sim: Simulator): number {
  return sim.requestCount({ method: 'PUT' })
}

/** The query of each request of `operationId`, in order. */
export function listings(sim: Simulator, operationId: string): Array<Record<string, string>> {
  return sim.requests.filter(r => r.operationId === operationId).map(r => r.query)
}

/** The listings of `fullName`'s runs: of every run, or of one workflow's. */
export function listingsOf(sim: Simulator, fullName: string): number {
  return sim.requests.filter(
    r =>
      r.path === `/repos/${fullName}/actions/runs` ||
      r.path.startsWith(`/repos/${fullName}/actions/workflows/`)
  ).length
}

/** cancel-stale: the cancels asked for. */
export function cancels(sim: Simulator): number {
  return sim.requestCount({ operationId: 'actions/cancel-workflow-run' })
}

/** approve-fork-runs: the approvals asked for. */
export function approvals(sim: Simulator): number {
  return sim.requestCount({ operationId: 'actions/approve-workflow-run' })
}

/** review-deployments: the reviews sent. */
export function reviewCalls(sim: Simulator): number {
  return sim.requestCount({ operationId: 'actions/review-pending-deployments-for-run' })
}

/** review-deployments: the environments run `id` still waits on. */
export function stillPending(sim: Simulator, id: number): string[] {
  return (findRun(sim, id)?.pending_deployments ?? []).map(pending => pending.environment)
}

/** review-deployments: run `id`'s review history, as `user state environments: comment`. */
export function reviews(sim: Simulator, id: number): string[] {
  return (findRun(sim, id)?.approvals ?? []).map(
    review => `${review.user} ${review.state} ${review.environments.join('+')}: ${review.comment}`
  )
}
