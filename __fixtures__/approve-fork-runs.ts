/** Scenario builders for approve-fork-runs: fork runs waiting for approval and their pull requests. */
import type {
  ScenarioPull,
  ScenarioPullFile,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken
} from '../simulator/index.js'
import { minutesAgo, repository, run, scenario } from './scenario.js'

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

/** A fork run waiting for approval, as `statusOf` shows it. */
export const WAITING = 'completed/action_required'

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

/** One pull request of a backlog and the ids of its runs. */
export interface BacklogPull {
  number: number
  runs: number[]
  /** Whether it changes `.github/workflows/ci.yml` (never approved). */
  protected: boolean
}

/**
 * A backlog of `pulls` fork pull requests into `acme/web`, each from its own fork
 * (`contrib<k>/web`, branch `patch-<k>`) with `runsPerPull` runs of one commit waiting for approval
 * (several workflows): `pulls × runsPerPull` targets, oldest first in pull-request order. Pull
 * request k is number `1000 + k`, its runs `30000 + runsPerPull × k + w`; every tenth one
 * (k = 9, 19, …) changes a workflow file, the others two source files.
 */
export function forkBacklog(
  pulls: number,
  runsPerPull = 4
): { world: ReturnType<typeof scenario>; backlog: BacklogPull[] } {
  const backlog: BacklogPull[] = []
  const runs: ScenarioRun[] = []
  const open: ScenarioPull[] = []
  for (let k = 0; k < pulls; k++) {
    const fork = `contrib${k}`
    const head = {
      head_branch: `patch-${k}`,
      head_sha: backlogSha(k),
      head_repository: `${fork}/web`
    }
    const ids = Array.from({ length: runsPerPull }, (_, w) => 30_000 + runsPerPull * k + w)
    for (const [w, id] of ids.entries())
      runs.push(
        forkRun({
          id,
          workflow_id: 11 + (w % 2),
          run_number: id,
          actor: fork,
          created_at: minutesAgo(2000 - k),
          ...head
        })
      )
    const isProtected = k % 10 === 9
    open.push(
      forkPull({
        number: 1000 + k,
        user: fork,
        head: { ref: head.head_branch, sha: head.head_sha, repo: head.head_repository },
        files: isProtected
          ? [{ filename: 'src/app.ts' }, { filename: '.github/workflows/ci.yml' }]
          : sourceFiles(2, `src/contrib${k}/file`)
      })
    )
    backlog.push({ number: 1000 + k, runs: ids, protected: isProtected })
  }
  return { world: scenario(withPulls(repository('acme/web', runs), open)), backlog }
}

/** The commit of backlog pull request k (distinct per k). */
export function backlogSha(k: number): string {
  return (0xc0de0000 + k).toString(16).padStart(40, '0')
}
