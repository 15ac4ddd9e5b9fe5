/** Builders for rerun-failed scenarios: failed runs with jobs and logs, and `workflow_run` events. */
import type { JobState, RunState, ScenarioJob, ScenarioRun, Simulator } from '../simulator/index.js'
import { minutesAgo, run } from './scenario.js'

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

/** The live state of run `id` in `repository`. @throws Error when there is no such run. */
export function runOf(sim: Simulator, id: number, repository = 'acme/web'): RunState {
  const found = sim.state.repositories
    .find(r => `${r.owner}/${r.name}` === repository)
    ?.runs.find(r => r.id === id)
  if (!found) throw new Error(`no run ${id} in ${repository}`)
  return found
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
