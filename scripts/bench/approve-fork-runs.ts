import { generateScenario, type ScenarioPull } from '../../simulator/index.js'
import { pages, runListingMinimum, type BenchCase } from './types.js'

const PROTECTED = '.github/workflows/ci.yml'

/**
 * A generated repository of `size` runs in which about one fork run in seven waits for approval.
 * The waiting runs are regrouped into pull requests of two runs each (two workflows of one
 * commit), each from its own fork branch; one pull request in seven touches a workflow file and
 * one in eleven has moved on to a newer commit since its runs were created.
 */
function backlog(size: number): ReturnType<typeof generateScenario> {
  const scenario = generateScenario({ seed: size, runsPerRepository: size, forkShare: 0.6 })
  scenario.rateLimit = { limit: 100_000 }
  const repository = scenario.repositories[0]
  if (!repository) throw new Error('the generated scenario has no repository')
  const waiting = repository.runs.filter(run => run.conclusion === 'action_required')
  const pulls: ScenarioPull[] = []
  waiting.forEach((run, i) => {
    const k = Math.floor(i / 2)
    const first = waiting[k * 2] ?? run
    run.head_repository = first.head_repository
    run.actor = first.actor
    run.triggering_actor = first.actor
    run.head_branch = `contrib-${k}`
    run.head_sha = first.head_sha
    if (i % 2 === 1) return
    const owner = run.head_repository.split('/')[0] ?? 'mallory'
    pulls.push({
      number: 1000 + k,
      user: owner,
      head: {
        ref: run.head_branch,
        sha: k % 11 === 5 ? 'f'.repeat(40) : run.head_sha,
        repo: run.head_repository
      },
      files: [
        ...Array.from({ length: 4 }, (_, f) => ({ filename: `src/module${k}/file${f}.ts` })),
        ...(k % 7 === 3 ? [{ filename: PROTECTED }] : [])
      ]
    })
  })
  repository.pulls = pulls
  return scenario
}

export const approveForkRunsBench: BenchCase = {
  operation: 'approve-fork-runs',
  sizes: [100, 1000, 5000],
  unit: 'runs',
  scenario: backlog,
  with: () => ({ 'protected-paths': '.github/**', limit: '10000' }),
  // Reads no client can avoid: GitHub does not name the pull request of a fork run (its
  // `pull_requests` is empty), so one lookup per head branch; every page of each matching pull
  // request's files; and, for a pull request whose files pass, one re-read confirming its head is
  // still the run's commit (the file listing always describes the current head).
  minimum: (scenario, run) => {
    const repository = scenario.repositories[0]
    const runs = repository?.runs ?? []
    const waiting = runs.filter(r => r.conclusion === 'action_required')
    const heads = new Set(waiting.map(r => `${r.head_repository}:${r.head_branch}`))
    let reads = runListingMinimum(runs, ['action_required']) + heads.size
    for (const pull of repository?.pulls ?? []) {
      const atRun = waiting.some(
        r => r.head_branch === pull.head.ref && r.head_sha === pull.head.sha
      )
      if (!atRun) continue
      const files = pull.files ?? []
      reads += pages(files.length)
      if (!files.some(file => file.filename === PROTECTED)) reads += 1
    }
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}
