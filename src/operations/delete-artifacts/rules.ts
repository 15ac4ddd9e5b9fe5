/**
 * Which artifacts delete-artifacts deletes: unexpired ones that pass the name and head-branch
 * filters, were created before the cut-off, and are not among the newest `keep-latest` of their
 * group. Pure: no API, no clock of its own.
 */
import { formatBytes, isBefore, roughAge } from '../../rules/retention.js'
import { matchesAny } from '../../rules/matching.js'

/** The fields of an artifact the rule reads, as the REST API returns them. */
export interface RetentionArtifact {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  created_at: string | null
  workflow_run?: {
    id?: number
    head_branch?: string | null
    head_repository_id?: number
  } | null
}

export interface ArtifactRules {
  /** Artifacts kept per group (0 = none); ignored when `explicit`. */
  keepLatest: number
  /** Only artifacts created before this instant (epoch ms); undefined = any age. */
  cutoffMs: number | undefined
  /** Globs on the artifact name; empty = every name. */
  names: readonly string[]
  /** Globs on the head branch of the artifact's run; empty = every branch. */
  branches: readonly string[]
  /** Globs on head branches never to touch. */
  excludeBranches: readonly string[]
  /** The artifacts were named by `run-id`: keep-latest does not protect them. */
  explicit: boolean
  now: Date
}

export interface ArtifactTarget<A extends RetentionArtifact> {
  artifact: A
  /** Why it is deleted, e.g. `created 9d ago, 12.3 MiB`. */
  reason: string
}

/**
 * An artifact's group: same name, head branch and head repository (a fork's branch never groups
 * with ours).
 */
export function artifactGroupKey(artifact: RetentionArtifact): string {
  const run = artifact.workflow_run
  return JSON.stringify([artifact.name, run?.head_branch ?? '', run?.head_repository_id ?? ''])
}

/** Orders artifacts newest first: by `created_at`, then by id. */
function newestArtifactFirst(a: RetentionArtifact, b: RetentionArtifact): number {
  return Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '') || b.id - a.id
}

/**
 * Picks the artifacts to delete. Groups are formed from every unexpired artifact before the
 * filters, so the newest of a group is kept even when it does not pass them; expired artifacts
 * are never targets and never count among the kept. An artifact without `created_at` is never
 * older than a cut-off before now.
 * @returns the targets, oldest first (the order they are deleted in).
 */
export function selectArtifacts<A extends RetentionArtifact>(
  artifacts: readonly A[],
  rules: ArtifactRules
): ArtifactTarget<A>[] {
  const rank = new Map<number, number>()
  const seen = new Map<string, number>()
  for (const artifact of artifacts.filter(a => !a.expired).sort(newestArtifactFirst)) {
    const key = artifactGroupKey(artifact)
    const newer = seen.get(key) ?? 0
    rank.set(artifact.id, newer)
    seen.set(key, newer + 1)
  }
  const targets: ArtifactTarget<A>[] = []
  for (const artifact of artifacts) {
    const newer = rank.get(artifact.id)
    if (newer === undefined) continue
    if (!rules.explicit && newer < rules.keepLatest) continue
    if (rules.names.length > 0 && !matchesAny(artifact.name, rules.names)) continue
    const branch = artifact.workflow_run?.head_branch ?? ''
    if (rules.branches.length > 0 && !matchesAny(branch, rules.branches)) continue
    if (rules.excludeBranches.length > 0 && matchesAny(branch, rules.excludeBranches)) continue
    const created = artifact.created_at
    if (!isBefore(created, rules.cutoffMs)) continue
    const age = created ? `created ${roughAge(rules.now.getTime() - Date.parse(created))} ago` : ''
    targets.push({
      artifact,
      reason: [age, formatBytes(artifact.size_in_bytes)].filter(Boolean).join(', ')
    })
  }
  return targets.sort((a, b) => newestArtifactFirst(b.artifact, a.artifact))
}
