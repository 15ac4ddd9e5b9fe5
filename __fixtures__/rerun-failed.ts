/**
 * Builders for rerun-failed scenarios: failed runs with jobs and logs, `workflow_run` events, and
 * the world changing under an invocation (runs re-run by someone else; see `onArrival`).
 */
import { runOf } from '../__tests__/lib/world.js'
import type {
  JobState,
  RunState,
  Scenario,
  ScenarioJob,
  ScenarioRun,
  Simulator
} from '../simulator/index.js'
import { minutesAgo, repository, run, scenario } from './scenario.js'

/** A completed job; `log` is its plain-text log (GitHub prefixes every line with a timestamp). */
export function job(id: number, name: string, conclusion: string, log = ''): ScenarioJob {
  const text = log
    .split('\n')
    .filter(line => line !== '')
    .map(line => `2026-11-22T11:59:00.0000000Z ${line}\n`)
    .join('')
  return { id, name, status: 'completed', conclusion, log: text }
}

/**
 * A run of `ci.yml` on `main` that completed with `failure` 30 minutes ago, attempt 1, whose
 * `build` job succeeded and `test` job failed (job ids derived from the run id).
 */
export function failedRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  const base = run({
    status: 'completed',
    conclusion: 'failure',
    created_at: minutesAgo(30),
    ...overrides
  })
  return {
    jobs: [
      job(base.id * 10 + 1, 'build', 'success', 'compiled'),
      job(base.id * 10 + 2, 'test', 'failure', 'Error: expected 1 to be 2')
    ],
    ...base
  }
}

/** ISO time `days` before now, at second precision. */
export function daysAgo(days: number): string {
  return minutesAgo(days * 24 * 60)
}

/** The `workflow_run: completed` event GitHub sends when `run` completes. */
export function workflowRunEvent(
  triggering: ScenarioRun,
  repository = 'acme/web'
): { name: string; payload: unknown } {
  return {
    name: 'workflow_run',
    payload: {
      action: 'completed',
      workflow_run: {
        id: triggering.id,
        run_attempt: triggering.run_attempt,
        status: 'completed',
        conclusion: triggering.conclusion,
        head_branch: triggering.head_branch,
        event: triggering.event
      },
      repository: { full_name: repository }
    }
  }
}

/** `name:status/conclusion` of the jobs of the run's latest attempt. */
export function latestJobs(state: RunState): string[] {
  return state.jobs
    .filter((j: JobState) => j.run_attempt === state.run_attempt)
    .map(j => `${j.name}:${j.status}/${j.conclusion ?? ''}`)
}

/** Re-runs the simulator accepted, across every repository. */
export function rerunCount(sim: Simulator): number {
  return sim.requests.filter(
    r => r.operationId === 'actions/re-run-workflow-failed-jobs' && r.status === 201
  ).length
}

/** A failed run in each of acme/web (run 1) and acme/api (run 7). */
export function twoRepositories(): Scenario {
  return scenario(
    repository('acme/web', [failedRun({ id: 1 })]),
    repository('acme/api', [failedRun({ id: 7, head_repository: 'acme/api' })], 102)
  )
}

/** The first run id of `flakyScenario`. */
export const FLAKY_FIRST_ID = 30_000

/**
 * `count` failed runs of `ci.yml` in acme/web, each alone on its branch `topic/N` (nothing
 * supersedes another), created a minute apart over the last hours, ids from `FLAKY_FIRST_ID`
 * (the newest run has the highest id, and is checked and re-run first).
 */
export function flakyScenario(count: number): Scenario {
  const runs = Array.from({ length: count }, (_, i) =>
    failedRun({
      id: FLAKY_FIRST_ID + i,
      head_branch: `topic/${i}`,
      created_at: minutesAgo(count + 10 - i)
    })
  )
  return scenario(repository('acme/web', runs))
}

/**
 * Someone else re-ran the failed jobs of run `id` (in the UI, say): a new attempt whose failed jobs
 * are `queued` when `conclusion` is null, else completed with it (the others keep their result).
 * Not recorded in the run's `reruns`, which holds only re-runs received through the API.
 */
export function retriedElsewhere(sim: Simulator, id: number, conclusion: string | null): void {
  const state = runOf(sim, id)
  const attempt = state.run_attempt + 1
  const jobs = state.jobs
    .filter(j => j.run_attempt === state.run_attempt)
    .map((j): JobState => {
      const failed = j.conclusion !== 'success' && j.conclusion !== 'skipped'
      return {
        ...j,
        id: j.id * 10 + attempt,
        run_attempt: attempt,
        ...(failed && {
          status: conclusion === null ? 'queued' : 'completed',
          conclusion,
          completed_at: conclusion === null ? null : j.completed_at
        })
      }
    })
  state.jobs.push(...jobs)
  Object.assign(state, {
    run_attempt: attempt,
    status: conclusion === null ? 'queued' : 'completed',
    conclusion
  })
}

/** Re-runs of run `id` that the simulator accepted through the API (by this action's token). */
export function rerunsOf(sim: Simulator, id: number): number {
  return runOf(sim, id).reruns?.length ?? 0
}
