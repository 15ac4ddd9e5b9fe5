import type { Scenario, ScenarioPull, ScenarioPullFile } from '../../simulator/index.js'
import type { DemoStep } from './types.js'

/** What each pull request of the demo changes, in turn: safe, a workflow, a renamed action, none open, many files. */
const CHANGES: Array<ScenarioPullFile[] | undefined> = [
  [{ filename: 'src/billing.ts' }, { filename: 'src/billing.test.ts', status: 'added' }],
  [{ filename: 'src/login.ts' }, { filename: '.github/workflows/ci.yml' }],
  [
    { filename: 'README.md' },
    {
      filename: 'scripts/setup.yml',
      status: 'renamed',
      previous_filename: '.github/actions/setup/action.yml'
    }
  ],
  undefined,
  [
    ...Array.from({ length: 140 }, (_, i) => ({ filename: `src/generated/model${i}.ts` })),
    { filename: '.github/workflows/release.yml' }
  ]
]

/**
 * Opens one pull request per fork branch that has runs waiting for approval, at the newest
 * waiting run's commit (so older runs of that branch show a pull request that moved on).
 */
function openPullRequests(scenario: Scenario): void {
  let turn = 0
  for (const repository of scenario.repositories) {
    const waiting = repository.runs
      .filter(run => run.conclusion === 'action_required')
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
    const heads = new Map<string, (typeof waiting)[number]>()
    for (const run of waiting) {
      const head = `${run.head_repository}:${run.head_branch}`
      if (!heads.has(head)) heads.set(head, run)
    }
    const pulls: ScenarioPull[] = []
    for (const run of heads.values()) {
      const files = CHANGES[turn % CHANGES.length]
      turn += 1
      if (!files) continue
      pulls.push({
        number: 100 + pulls.length,
        user: run.actor,
        title: run.display_title ?? `Update ${run.head_branch}`,
        head: { ref: run.head_branch, sha: run.head_sha, repo: run.head_repository },
        created_at: run.created_at,
        files
      })
    }
    repository.pulls = pulls
  }
}

export const approveForkRuns: DemoStep = {
  operation: 'approve-fork-runs',
  title:
    'Approve fork pull-request runs waiting for approval in acme/web and acme/api, only where the pull request at the run commit touches no workflow or action',
  with: { repository: 'acme/web\nacme/api' },
  prepare: openPullRequests,
  describe: simulator => {
    const runs = simulator.state.repositories.flatMap(repository => repository.runs)
    const waiting = runs.filter(run => run.conclusion === 'action_required').length
    return `${waiting} runs still waiting for approval across ${simulator.state.repositories.length} repositories`
  }
}
