/**
 * One outcome per target, collected for the reporter. A target is a workflow run, a secret, an
 * artifact, a cache, or (when a repository could not even be listed) the repository itself.
 */
import type { SecretApp } from '../settings.js'

export type Outcome = 'done' | 'planned' | 'skipped' | 'failed'
export type TargetKind = 'run' | 'secret' | 'artifact' | 'cache' | 'repository'

/** What a handler acts on, before anything happened to it. */
export interface Target {
  /** `owner/repo`, or the organization login for organization secrets. */
  repository: string
  kind: TargetKind
  /** Run id, secret name, artifact id, cache id, or `owner/repo` for a repository. */
  id: number | string
  /** The write this target gets, e.g. `cancel`, `rerun-failed-jobs`, `write-secret`. */
  action: string
  /** Where a person looks at the target (the run's page), or '' when there is none. */
  url: string
  /** Secrets only: the store the secret was written to (`actions`, `dependabot`, `codespaces`). */
  app?: SecretApp
}

/** One line of the `result` output. */
export interface TargetResult extends Target {
  outcome: Outcome
  reason: string
}

/** Every result of the invocation, in the order they were decided. */
export class Results {
  private readonly entries: TargetResult[] = []

  /** Records a result. */
  add(target: Target, outcome: Outcome, reason = ''): TargetResult {
    const result = { ...target, outcome, reason }
    this.entries.push(result)
    return result
  }

  /** Records `skipped` with a reason a maintainer can act on. */
  skip(target: Target, reason: string): TargetResult {
    return this.add(target, 'skipped', reason)
  }

  /** Replaces the result of a target that got a follow-up write (e.g. `force-cancel` after `cancel`). */
  update(
    previous: TargetResult,
    change: Partial<Pick<TargetResult, 'action' | 'outcome' | 'reason'>>
  ): void {
    Object.assign(previous, change)
  }

  /** All results, in order. */
  all(): readonly TargetResult[] {
    return this.entries
  }

  /** Results with the given outcome. */
  with(outcome: Outcome): TargetResult[] {
    return this.entries.filter(entry => entry.outcome === outcome)
  }
}
