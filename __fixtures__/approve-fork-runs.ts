/** Scenario builders for approve-fork-runs: fork runs waiting for approval and their pull requests. */
import type {
  ScenarioPull,
  ScenarioPullFile,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken
} from '../simulator/index.js'
import { minutesAgo, run } from './scenario.js'

/** A SHA made of one repeated hex digit, easy to read in reasons (`aaaaaaa`). */
export function sha(digit: string): string {
  return digit.repeat(40)
}

/**
 * A `pull_request` run of `ci.yml` from mallory's fork (`mallory/web`, branch `patch-1`), waiting
 * for approval: listed as completed with conclusion `action_required`, created 20 minutes ago.
 */
export function forkRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  return run({
    event: 'pull_request',
    status: 'completed',
    conclusion: 'action_required',
    head_branch: 'patch-1',
    head_sha: sha('a'),
    head_repository: 'mallory/web',
    actor: 'mallory',
    created_at: minutesAgo(20),
    ...overrides
  })
}

/** Changed files `src/file0.ts` … as modified files. */
export function sourceFiles(count: number, prefix = 'src/file'): ScenarioPullFile[] {
  return Array.from({ length: count }, (_, i) => ({ filename: `${prefix}${i}.ts` }))
}

/** An open pull request from `mallory:patch-1` at `sha('a')` into `main`, changing `src/app.ts`. */
export function forkPull(overrides: Partial<ScenarioPull> = {}): ScenarioPull {
  return {
    number: 7,
    user: 'mallory',
    head: { ref: 'patch-1', sha: sha('a'), repo: 'mallory/web' },
    files: [{ filename: 'src/app.ts' }],
    ...overrides
  }
}

/** Adds the pull requests to a repository built by `repository()`; returns it. */
export function withPulls(repo: ScenarioRepository, pulls: ScenarioPull[]): ScenarioRepository {
  repo.pulls = pulls
  return repo
}

/** A token that reads runs and pull requests but may not approve (no `actions: write`). */
export const READ_ONLY_TOKEN: Record<string, ScenarioToken> = {
  ghs_review: {
    login: 'github-actions[bot]',
    kind: 'github-token',
    permissions: { actions: 'read', contents: 'read', pull_requests: 'read', metadata: 'read' }
  }
}
