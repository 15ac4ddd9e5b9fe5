/**
 * Workflow-run endpoints: listings (with GitHub's filters, pagination and 1,000-result cap), a
 * single run, cancel, force-cancel and deletion.
 *
 * Deleting a run (`DELETE .../actions/runs/{run_id}`) removes it with its artifacts and answers
 * 204. An active run is refused: GitHub's description documents only the 204, and what it answers
 * for a run that has not completed is 403 `Cannot delete a workflow run that is not completed.`
 * as far as clients report it (some clients also expect 409 with the same message); the simulator
 * answers the 403.
 */
import {
  FILTERED_RESULT_CAP,
  isCapped,
  matchesRun,
  readRunFilters,
  type RunFilters
} from '../filters.js'
import { paginate } from '../pagination.js'
import { checkSuiteIdOf, presentRun } from '../present.js'
import { ApiError, errorResponse, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import {
  isActive,
  isoSeconds,
  type RepositoryState,
  type RunState,
  type WorkflowState
} from '../state.js'
import { deleteArtifactsOfRun } from './artifacts.js'

const CANCEL_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run'
const FORCE_CANCEL_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#force-cancel-a-workflow-run'
const DELETE_DOCS = 'https://docs.github.com/rest/actions/workflow-runs#delete-a-workflow-run'
/** What the simulator answers for the deletion of a run that has not completed. */
export const DELETE_ACTIVE_RUN_MESSAGE = 'Cannot delete a workflow run that is not completed.'

/** Registers the run endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/list-workflow-runs-for-repo', ctx => listRuns(ctx))
  router.register('actions/list-workflow-runs', ctx =>
    listRuns(ctx, findWorkflow(ctx.repository(), ctx.params['workflow_id'] ?? ''))
  )
  router.register('actions/get-workflow-run', ctx => {
    const repo = ctx.repository()
    const run = findRun(repo, numericParam(ctx, 'run_id'))
    const excludePullRequests = ctx.query.get('exclude_pull_requests') === 'true'
    return json(presentRun(repo, run, ctx.apiBase, { excludePullRequests }))
  })
  router.register('actions/cancel-workflow-run', cancelRun)
  router.register('actions/force-cancel-workflow-run', forceCancelRun)
  router.register('actions/delete-workflow-run', deleteRun)
}

/**
 * Finds a workflow by numeric id or by file name (`ci.yml`), as GitHub's `{workflow_id}` accepts;
 * one GitHub no longer lists (`listed: false`) is not found.
 * @throws ApiError 404 when there is none.
 */
export function findWorkflow(repo: RepositoryState, idOrFile: string): WorkflowState {
  const listed = repo.workflows.filter(w => w.listed !== false)
  const workflow = /^\d+$/.test(idOrFile)
    ? listed.find(w => w.id === Number(idOrFile))
    : listed.find(w => w.path.split('/').pop() === idOrFile)
  if (!workflow) throw new ApiError(404, 'Not Found')
  return workflow
}

/** Finds a run by id. @throws ApiError 404 when the repository has no such run. */
export function findRun(repo: RepositoryState, runId: number): RunState {
  const run = repo.runs.find(r => r.id === runId)
  if (!run) throw new ApiError(404, 'Not Found')
  return run
}

/**
 * Completes an active run (and its unfinished jobs) with `conclusion` at `now`. Exported for the
 * features that finish runs (re-runs, approvals).
 */
export function completeRun(run: RunState, conclusion: string, now: Date): void {
  const at = isoSeconds(now)
  run.status = 'completed'
  run.conclusion = conclusion
  run.updated_at = at
  for (const job of run.jobs) {
    if (job.status !== 'completed' && job.run_attempt === run.run_attempt) {
      job.status = 'completed'
      job.conclusion = conclusion
      job.completed_at = at
    }
  }
}

/** Newest first: `created_at` descending, then id descending (GitHub's order). */
export function newestFirst(a: RunState, b: RunState): number {
  return Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id
}

function listRuns(ctx: HandlerContext, workflow?: WorkflowState): ApiResponse {
  const repo = ctx.repository()
  const parsed = readRunFilters(ctx.query)
  if (!parsed.ok) {
    ctx.violation('Validation Failed', [parsed.error])
    return errorResponse(422, 'Validation Failed', undefined, { errors: [parsed.error] })
  }
  const filters: RunFilters = parsed.filters
  // Sorted on parsed times: parsing in the comparator made big listings the simulator's hot spot.
  const matching = repo.runs
    .filter(run => workflow === undefined || run.workflow_id === workflow.id)
    .filter(run => matchesRun(run, filters, checkSuiteIdOf) && !missedByFilter(repo, run, filters))
    .map(run => ({ run, at: Date.parse(run.created_at) }))
    .sort((a, b) => b.at - a.at || b.run.id - a.run.id)
    .map(({ run }) => run)
  const page = paginate(matching, ctx.url, {
    cap: isCapped(ctx.query) ? FILTERED_RESULT_CAP : undefined
  })
  const excludePullRequests = ctx.query.get('exclude_pull_requests') === 'true'
  const body = {
    total_count: matching.length,
    workflow_runs: page.items.map(run =>
      presentRun(repo, run, ctx.apiBase, { excludePullRequests })
    )
  }
  // The answer is already built, so a run that "finishes meanwhile" shows as active in it.
  for (const run of page.items) {
    if (run.listed) continue
    run.listed = true
    if (run.completes_after_listed && isActive(run)) completeRun(run, 'success', ctx.now())
  }
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

/**
 * Whether the listing leaves out a run its filters match: with `waiting_filter:
 * 'misses-waiting-runs'` (routes/deployments.ts), `status=waiting` finds no waiting run.
 */
function missedByFilter(repo: RepositoryState, run: RunState, filters: RunFilters): boolean {
  return (
    repo.waiting_filter === 'misses-waiting-runs' &&
    filters.status === 'waiting' &&
    run.status === 'waiting'
  )
}

function cancelRun(ctx: HandlerContext): ApiResponse {
  const run = findRun(ctx.repository(), numericParam(ctx, 'run_id'))
  if (!isActive(run)) {
    return errorResponse(409, 'Cannot cancel a workflow run that is completed.', CANCEL_DOCS)
  }
  run.cancel_requests += 1
  run.cancel_requested_at = isoSeconds(ctx.now())
  // A stuck run (an always() job keeps going) ignores the request; only force-cancel ends it.
  if (run.on_cancel !== 'ignore') completeRun(run, 'cancelled', ctx.now())
  return json({}, 202)
}

function forceCancelRun(ctx: HandlerContext): ApiResponse {
  const run = findRun(ctx.repository(), numericParam(ctx, 'run_id'))
  if (!isActive(run)) {
    return errorResponse(409, 'Cannot cancel a workflow run that is completed.', FORCE_CANCEL_DOCS)
  }
  completeRun(run, 'cancelled', ctx.now())
  return json({}, 202)
}

function deleteRun(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const run = findRun(repo, numericParam(ctx, 'run_id'))
  if (isActive(run)) return errorResponse(403, DELETE_ACTIVE_RUN_MESSAGE, DELETE_DOCS)
  repo.runs.splice(repo.runs.indexOf(run), 1)
  deleteArtifactsOfRun(repo, run.id)
  return { status: 204 }
}
