/**
 * Whether a workflow run waiting for approval is safe to approve. Approving lets the code of the
 * run's commit execute on the repository's runners, so every check here fails closed: a fact that
 * is missing or could not be read never approves. Pure: no API, no clock; the handler reads the
 * facts and asks these functions in order (actor, pull request, changed files).
 */
import { Minimatch } from 'minimatch'
import { matchesLogin } from '../../rules/matching.js'

/** A decision that stops the run from being approved. */
export interface Refusal {
  /** `skipped`: the policy says no; `failed`: a fact could not be read (fail closed). */
  outcome: 'skipped' | 'failed'
  /** What a maintainer can act on, e.g. `touches .github/workflows/ci.yml (pull request #7)`. */
  reason: string
}

/** An open pull request as the listing returns it (only the fields the rule reads). */
export interface OpenPullRequest {
  number: number
  /** The commit the pull request's head points at now (40 hex digits). */
  headSha: string
  /** `owner/name` of the head repository; undefined when the fork was deleted. */
  headRepository?: string
  /** GitHub's count of its changed files; only a single pull request's read carries it. */
  changedFiles?: number
}

/** A changed file of a pull request, as `GET .../pulls/{pull_number}/files` returns it. */
export interface ChangedFile {
  filename: string
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`. */
  status: string
  /** The path before a rename (or copy); the old path matters as much as the new one. */
  previous_filename?: string
}

/**
 * The matcher of `protected-paths` and `allowed-paths`. Each pattern is a minimatch glob against
 * the repository-relative path, with three liberties: a leading `/` (or `./`) is dropped, a
 * pattern also matches everything below it (`.github` protects `.github/**`, `docs` allows
 * `docs/**`), and case is ignored, because a runner on a case-insensitive file system checks
 * `.GitHub/workflows/x.yml` out as `.github/workflows/x.yml`. For `protected-paths` they can only
 * protect more; `allowed-paths` reads the same way so that one glob means one thing in both lists,
 * and `protected-paths` is checked first, so what it protects stays refused whatever
 * `allowed-paths` allows. Dot files match like any other (`.github/**` covers `.github/.x`).
 * @param patterns the globs.
 * @returns a predicate on a changed file's path.
 */
function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const options = { dot: true, nocase: true }
  const matchers = patterns.flatMap(pattern => {
    const rooted = pattern.replace(/^(?:\.?\/)+/, '').replace(/\/+$/, '')
    if (rooted === '') return []
    return [new Minimatch(rooted, options), new Minimatch(`${rooted}/**`, options)]
  })
  return path => matchers.some(matcher => matcher.match(path))
}

/** GitHub lists at most this many changed files of a pull request, however many it has. */
export const MAX_LISTED_FILES = 3000

/** The first 7 hex digits of a commit SHA, the way GitHub shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7)
}

/**
 * Checks the run's triggering actor against `trusted-actors` (globs; empty = anyone).
 * @param actor login of the run's triggering actor (else its actor); '' when unknown.
 * @returns undefined when the actor may be approved, else a `skipped` refusal naming the login.
 */
export function checkActor(actor: string, trustedActors: readonly string[]): Refusal | undefined {
  if (trustedActors.length === 0) return undefined
  if (actor !== '' && matchesLogin(actor, trustedActors)) return undefined
  return {
    outcome: 'skipped',
    reason: `actor ${actor || '(unknown)'} not trusted (trusted-actors: ${trustedActors.join(', ')})`
  }
}

/**
 * Picks the open pull requests that describe the run: those whose head is exactly the run's
 * commit and lives in the run's head repository. A pull request from the same branch whose head
 * moved on describes a newer commit, not this run.
 * @param headSha the run's `head_sha`.
 * @param headRepository `owner/name` of the run's head repository (compared case-insensitively).
 * @param open the open pull requests of the run's head branch (`head=owner:branch`).
 * @returns the matching pull requests (at least one), or a `skipped` refusal:
 *   `pull request #N moved to <sha>` or `no open pull request at <sha>`.
 */
export function matchPullRequests(
  headSha: string,
  headRepository: string,
  open: readonly OpenPullRequest[]
): OpenPullRequest[] | Refusal {
  const fromHead = open.filter(
    pull => pull.headRepository?.toLowerCase() === headRepository.toLowerCase()
  )
  const atRun = fromHead.filter(pull => pull.headSha === headSha)
  if (atRun.length > 0) return atRun
  const moved = fromHead[0]
  if (moved) {
    return {
      outcome: 'skipped',
      reason: `pull request #${moved.number} moved to ${shortSha(moved.headSha)} (run is at ${shortSha(headSha)})`
    }
  }
  return { outcome: 'skipped', reason: `no open pull request at ${shortSha(headSha)}` }
}

/**
 * Checks every changed file of a pull request against `protected-paths` and, when given,
 * `allowed-paths` (both matched as `pathMatcher` says), the new path and, for renamed or copied
 * files, the previous one. Every file is checked against `protected-paths` first, so a protected
 * path is reported even when another file is outside `allowed-paths`.
 * @param pullNumber for the reason.
 * @param files every listed file (every page).
 * @param protectedPaths globs no changed path may match.
 * @param allowedPaths globs every changed path must match; empty = any path.
 * @returns undefined when no path is protected, every path is allowed and the list is complete;
 *   else a `skipped` refusal: `touches <path> (pull request #N)`, `changes <path>, not in
 *   allowed-paths`, or, when GitHub's 3,000-file listing limit was reached, that the rest cannot
 *   be checked.
 */
export function checkChangedFiles(
  pullNumber: number,
  files: readonly ChangedFile[],
  protectedPaths: readonly string[],
  allowedPaths: readonly string[] = []
): Refusal | undefined {
  const isProtected = pathMatcher(protectedPaths)
  for (const file of files) {
    if (isProtected(file.filename)) {
      return {
        outcome: 'skipped',
        reason: `touches ${file.filename} (pull request #${pullNumber})`
      }
    }
    const previous = file.previous_filename
    if (previous !== undefined && previous !== '' && isProtected(previous)) {
      return {
        outcome: 'skipped',
        reason: `touches ${previous} (${file.status} to ${file.filename}; pull request #${pullNumber})`
      }
    }
  }
  const outside = firstOutside(files, allowedPaths)
  if (outside !== undefined) {
    return { outcome: 'skipped', reason: `changes ${outside}, not in allowed-paths` }
  }
  if (files.length >= MAX_LISTED_FILES) {
    return {
      outcome: 'skipped',
      reason: `pull request #${pullNumber} changes ${MAX_LISTED_FILES} files or more; GitHub lists only ${MAX_LISTED_FILES}, so the rest cannot be checked: review it by hand`
    }
  }
  return undefined
}

/**
 * The first changed path, in listing order (a file's new path before its previous one), that no
 * `allowed-paths` glob matches; undefined when every path matches or no glob is given.
 */
export function firstOutside(
  files: readonly ChangedFile[],
  allowedPaths: readonly string[]
): string | undefined {
  if (allowedPaths.length === 0) return undefined
  const isAllowed = pathMatcher(allowedPaths)
  for (const file of files) {
    const paths = [file.filename, file.previous_filename ?? '']
    const outside = paths.find(path => path !== '' && !isAllowed(path))
    if (outside !== undefined) return outside
  }
  return undefined
}

/**
 * Checks that a file listing is the whole pull request: GitHub's `changed_files` count (read with
 * the pull request after the listing) must equal the number of files listed. A listing that came
 * back short, for whatever reason, hides files that were never checked.
 * @param pullNumber for the reason.
 * @param files every listed file.
 * @param changedFiles the pull request's `changed_files`; undefined when it had none.
 * @returns undefined when they agree; else a `skipped` refusal.
 */
export function checkListingComplete(
  pullNumber: number,
  files: readonly ChangedFile[],
  changedFiles: number | undefined
): Refusal | undefined {
  if (changedFiles === files.length) return undefined
  if (changedFiles === undefined || !Number.isInteger(changedFiles)) {
    return {
      outcome: 'skipped',
      reason: `pull request #${pullNumber} gave no count of its changed files, so the listing of ${files.length} cannot be confirmed complete: review it by hand`
    }
  }
  return {
    outcome: 'skipped',
    reason: `pull request #${pullNumber} changes ${changedFiles} ${changedFiles === 1 ? 'file' : 'files'} but GitHub listed ${files.length}, so the rest cannot be checked: review it by hand`
  }
}
