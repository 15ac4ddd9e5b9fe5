/**
 * cancel-stale: cancel active runs that a newer run of their group superseded, or that are older
 * than `stale-after`; then, with `force-cancel-after`, force-cancel those that ignore the cancel.
 */
import { log } from '../../log.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { statusOf } from '../../boundary/api-errors.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { SEND_ONCE } from '../../boundary/client.js'
import type { TargetResult } from '../../boundary/outcomes.js'
import { matchesLogin } from '../../rules/matching.js'
import { findStaleRuns, inStatuses } from './rules.js'
import {
  ACTIVE_STATUSES,
  actorOf,
  listRuns,
  runIdIn,
  type ListingReport
} from '../../readers/runs.js'
import type { RepositoryRef } from '../../settings.js'
import {
  forEachRepository,
  fullName,
  runTarget,
  type Handler,
  type HandlerContext
} from '../context.js'

/** A 409 on cancel means the run finished meanwhile: nothing left to do, and never worth a retry. */
const alreadyCompleted = (error: unknown): { outcome: 'skipped'; reason: string } | undefined =>
  statusOf(error) === 409 ? { outcome: 'skipped', reason: 'already completed' } : undefined

/**
 * Whether a cancel (or force-cancel) whose answer was lost took effect: the run completed as
 * cancelled (`GET /repos/{owner}/{repo}/actions/runs/{run_id}`). A run still shutting down shows
 * nothing of a cancel (the API has no "cancelling" status), so it is sent again: GitHub accepts a
 * second cancel of a run it is cancelling and the run still ends once. A run that completed
 * otherwise gets the write again too, and its 409 reports it `already completed`.
 * @throws the API error of the read.
 */
function cancelLanded(
  context: HandlerContext<'cancel-stale'>,
  repository: RepositoryRef,
  runId: number
): () => Promise<boolean> {
  return async () => {
    const { data } = await context.octokit.rest.actions.getWorkflowRun({
      ...repository,
      run_id: runId
    })
    return data.status === 'completed' && data.conclusion === 'cancelled'
  }
}

/**
 * Lists the active runs of each repository (see `listRuns`: one request for a repository whose
 * runs fit on one page, else one series per active status; `run-id` does not narrow the listing,
 * the run is judged within its group; nor does `status`), cancels the stale ones (with `status`,
 * only those in its statuses; a `run-id` run outside them is `skipped` saying so)
 * with `POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel`, and with `force-cancel-after`
 * polls them (`GET .../runs/{run_id}`, or the active runs' listing again when that is cheaper) and
 * sends `POST .../runs/{run_id}/force-cancel` to those still active at the deadline.
 * Each write is sent once; after a lost answer `GET .../runs/{run_id}` tells whether it took effect.
 */
export const cancelStale: Handler<'cancel-stale'> = async context => {
  const { settings, octokit } = context
  // Workflow, event and branch filters (exclude-branch included) select whole groups, as each is
  // part of the group key, so they narrow the listing. The actor and run-id pick runs within a
  // group: they choose among the stale runs once every active run of the group was counted.
  // `status` picks runs within a group too: every active run still counts in its group, so the
  // listing stays that of every active run and costs no request more.
  const { actors } = settings.filters
  const { statuses } = settings
  const groupFilters = { ...settings.filters, actors: [], runId: undefined }
  const query = { statuses: ACTIVE_STATUSES }
  await forEachRepository(context, async repository => {
    const runId = runIdIn(settings.filters, repository)
    const picked = (run: WorkflowRun): boolean =>
      (runId === undefined || run.id === runId) &&
      (actors.length === 0 || matchesLogin(actorOf(run), actors)) &&
      inStatuses(run, statuses)
    const listing: ListingReport = { requests: 0 }
    const active = await listRuns(octokit, repository, query, groupFilters, listing)
    const stale = findStaleRuns(active, {
      keepLatest: settings.keepLatest,
      ...(settings.staleAfterSeconds !== undefined && {
        staleAfterSeconds: settings.staleAfterSeconds
      }),
      ...(settings.runner.currentRunId !== undefined && {
        currentRunId: settings.runner.currentRunId
      }),
      select: picked,
      now: context.now()
    })
    log.info(
      `${fullName(repository)}: ${active.length} active runs, ${stale.length} stale${statuses.length > 0 ? ` in status ${statuses.join(', ')}` : ''}`
    )
    const named = runId === undefined ? undefined : active.find(run => run.id === runId)
    if (named !== undefined && !inStatuses(named, statuses)) {
      // Named outright, yet not a target: say why rather than leave it out of the result.
      context.results.skip(
        runTarget(repository, named, 'cancel'),
        `status ${named.status ?? 'unknown'} is not in status (${statuses.join(', ')})`
      )
    } else if (runId !== undefined && named === undefined) {
      // Not among the active runs: read it by id, so a run-id that names no run fails saying so.
      const [read] = await listRuns(octokit, repository, {}, settings.filters)
      log.info(
        `${fullName(repository)}: run ${runId} is ${read?.status ?? 'not active'}; nothing to cancel`
      )
    } else if (runId !== undefined && stale.length === 0) {
      log.info(
        `${fullName(repository)}: run ${runId} is not an active stale run matching the filters; nothing to cancel`
      )
    }
    const cancelled = await context.mutations.apply(
      stale.map(({ run, reason }) => ({
        target: runTarget(repository, run, 'cancel'),
        reason,
        send: async () => {
          await octokit.rest.actions.cancelWorkflowRun({
            ...repository,
            run_id: run.id,
            ...SEND_ONCE
          })
          return ''
        },
        landed: cancelLanded(context, repository, run.id),
        onError: alreadyCompleted
      })),
      'cancelled'
    )
    if (settings.forceCancelAfterSeconds !== undefined && !settings.dryRun) {
      const relist = async (): Promise<WorkflowRun[]> =>
        listRuns(octokit, repository, query, groupFilters)
      await forceCancelStragglers(
        context,
        repository,
        cancelled.filter(result => result.outcome === 'done'),
        { relist, cost: listing.requests }
      )
    }
  })
}

/**
 * How to see the active runs again, and about how many requests that takes: polling reads run by
 * run while that is cheaper, and re-lists once the runs to check outnumber it.
 */
interface Relisting {
  relist: () => Promise<WorkflowRun[]>
  cost: number
}

/**
 * Waits up to `force-cancel-after` (by the handler's clock) for the cancelled runs to complete,
 * polling them (`GET .../runs/{run_id}` each, or one listing of the active runs when the runs to
 * check outnumber its pages), then force-cancels the ones still active. Once the primary rate
 * limit is spent it stops polling: the runs keep their cancel result, and nothing is forced.
 */
async function forceCancelStragglers(
  context: HandlerContext<'cancel-stale'>,
  repository: RepositoryRef,
  cancelled: TargetResult[],
  relisting: Relisting
): Promise<void> {
  const { octokit, settings, mutations } = context
  const clock = (): number => context.now().getTime()
  const deadline =
    clock() + (settings.forceCancelAfterSeconds ?? 0) * 1000 * settings.pacing.timeScale
  let pending = cancelled
  while (pending.length > 0 && mutations.canRead()) {
    pending = await stillActive(context, repository, pending, relisting)
    if (pending.length === 0 || clock() >= deadline) break
    await sleep(Math.min(settings.pacing.pollIntervalMs, Math.max(0, deadline - clock())))
  }
  if (pending.length === 0 || !mutations.canRead()) return
  log.info(
    `${fullName(repository)}: ${pending.length} runs still active after cancel; force-cancelling`
  )
  for (const previous of pending) {
    await context.mutations.followUp(previous, {
      target: { ...previous, action: 'force-cancel' },
      reason: `${previous.reason}; ignored cancel, force-cancelled`,
      send: async () => {
        await octokit.rest.actions.forceCancelWorkflowRun({
          ...repository,
          run_id: Number(previous.id),
          ...SEND_ONCE
        })
        return ''
      },
      landed: cancelLanded(context, repository, Number(previous.id)),
      onError: alreadyCompleted
    })
  }
}

/**
 * The cancelled runs that are still active. A run that can no longer be read (deleted, or its
 * read failed) cannot be force-cancelled either: it keeps its cancel result. When the listing
 * fails, the runs are read one by one instead.
 */
async function stillActive(
  context: HandlerContext<'cancel-stale'>,
  repository: RepositoryRef,
  results: TargetResult[],
  relisting: Relisting
): Promise<TargetResult[]> {
  if (results.length > relisting.cost) {
    try {
      const active = new Set((await relisting.relist()).map(run => run.id))
      return results.filter(result => active.has(Number(result.id)))
    } catch (error) {
      if (context.mutations.stoppedBy(error) !== undefined) return results
      log.warning(
        `${fullName(repository)}: could not list the active runs after cancel (${String(error)}); reading them one by one`
      )
    }
  }
  const active: TargetResult[] = []
  for (const result of results) {
    if (!context.mutations.canRead()) return [...active, ...results.slice(results.indexOf(result))]
    try {
      const { data } = await context.octokit.rest.actions.getWorkflowRun({
        ...repository,
        run_id: Number(result.id)
      })
      if (data.status !== 'completed') active.push(result)
    } catch (error) {
      log.warning(
        `${fullName(repository)}: could not check run ${result.id} after cancel (${String(error)})`
      )
    }
  }
  return active
}
