/**
 * The listings a later run repeats, and the fields of their objects that the readers, handlers and
 * rules read: what a state file keeps of a page (see `boundary/conditional.ts`). A field read
 * anywhere must be named here, or a page answered 304 would lack it; the seeded property test
 * (`__tests__/e2e/state-file-property.test.ts`) compares every decision with and without the file.
 *
 * Listings, relative to the API's base URL (`/repositories/{id}/…` is the form of GitHub's `Link`
 * headers):
 * - workflow runs: `GET /repos/{owner}/{repo}/actions/runs` and
 *   `GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs`;
 * - artifacts: `GET /repos/{owner}/{repo}/actions/artifacts`;
 * - caches: `GET /repos/{owner}/{repo}/actions/caches`;
 * - repositories: `GET /installation/repositories`, `GET /orgs/{org}/repos`, `GET /user/repos`,
 *   `GET /users/{username}/repos`.
 */
import type { FieldCodec, Json, ListingShape } from '../boundary/conditional.js'

/** A field kept as it is. `absentWhenNull`: null stands for a field the answer did not have. */
function plain(name: string, absentWhenNull = false): FieldCodec {
  return {
    read: item => toJson(item[name]),
    write: (item, value) => {
      if (value !== null || !absentWhenNull) item[name] = value
    }
  }
}

/** A URL that ends in the object's id (`html_url`): kept once per page as a prefix. */
function urlEndingInId(name: string): FieldCodec {
  return { ...plain(name), endsWithId: true }
}

/** An account object (`actor`), kept as its login; null when the answer had none. */
function account(name: string): FieldCodec {
  return {
    read: item => toJson((item[name] as { login?: unknown } | null | undefined)?.login),
    write: (item, value) => {
      item[name] = value === null ? null : { login: value }
    }
  }
}

/** An object kept as some of its fields (`head_repository` as id, full name and owner's login). */
function object(name: string, fields: Readonly<Record<string, FieldCodec>>): FieldCodec {
  return {
    read: item => {
      const value = item[name] as Record<string, unknown> | null | undefined
      if (value === null || value === undefined) return null
      return Object.fromEntries(
        Object.entries(fields).map(([key, codec]) => [key, codec.read(value)])
      )
    },
    write: (item, value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        item[name] = null
        return
      }
      const rebuilt: Record<string, unknown> = {}
      for (const [key, codec] of Object.entries(fields)) codec.write(rebuilt, value[key] ?? null)
      item[name] = rebuilt
    }
  }
}

function toJson(value: unknown): Json {
  if (value === undefined) return null
  return value as Json
}

const RUN_PATHS = [
  String.raw`^/repos/[^/]+/[^/]+/actions/runs$`,
  String.raw`^/repos/[^/]+/[^/]+/actions/workflows/[^/]+/runs$`,
  String.raw`^/repositories/\d+/actions/runs$`,
  String.raw`^/repositories/\d+/actions/workflows/[^/]+/runs$`
]

/**
 * Workflow runs: what the run operations read of a listed run (filters, groups, guards, ordering,
 * the result's link). `updated_at`, `pull_requests`, `name` and the rest are read by no decision.
 */
export const RUN_LISTING: ListingShape = {
  name: 'workflow runs',
  path: new RegExp(RUN_PATHS.join('|')),
  itemsKey: 'workflow_runs',
  fields: {
    id: plain('id'),
    workflow_id: plain('workflow_id'),
    path: plain('path'),
    head_branch: plain('head_branch'),
    head_sha: plain('head_sha'),
    event: plain('event'),
    status: plain('status'),
    conclusion: plain('conclusion'),
    created_at: plain('created_at'),
    run_attempt: plain('run_attempt', true),
    actor: account('actor'),
    triggering_actor: account('triggering_actor'),
    head_repository: object('head_repository', {
      id: plain('id', true),
      full_name: plain('full_name', true),
      owner: account('owner')
    }),
    html_url: urlEndingInId('html_url')
  }
}

/** Artifacts: name, size, expiry, age, and the run's branch and head repository (the group). */
export const ARTIFACT_LISTING: ListingShape = {
  name: 'artifacts',
  path: /^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)\/actions\/artifacts$/,
  itemsKey: 'artifacts',
  fields: {
    id: plain('id'),
    name: plain('name'),
    size_in_bytes: plain('size_in_bytes'),
    expired: plain('expired'),
    created_at: plain('created_at'),
    workflow_run: object('workflow_run', {
      id: plain('id', true),
      head_branch: plain('head_branch'),
      head_repository_id: plain('head_repository_id', true)
    })
  }
}

/** Actions caches: key, ref, size and when last used. */
export const CACHE_LISTING: ListingShape = {
  name: 'caches',
  path: /^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)\/actions\/caches$/,
  itemsKey: 'actions_caches',
  fields: {
    id: plain('id', true),
    key: plain('key', true),
    ref: plain('ref', true),
    size_in_bytes: plain('size_in_bytes', true),
    last_accessed_at: plain('last_accessed_at', true),
    created_at: plain('created_at', true)
  }
}

/** What resolving a pattern reads of a listed repository. */
const REPOSITORY_FIELDS = {
  name: plain('name'),
  owner: account('owner'),
  archived: plain('archived', true)
}

/** The installation's repositories (an answer with `total_count`). */
export const INSTALLATION_REPOSITORY_LISTING: ListingShape = {
  name: 'repositories',
  path: /^\/installation\/repositories$/,
  itemsKey: 'repositories',
  fields: REPOSITORY_FIELDS
}

/** An organization's, a user's, or the token's own repositories (answers that are arrays). */
export const REPOSITORY_LISTING: ListingShape = {
  name: 'repositories',
  path: /^\/(orgs\/[^/]+\/repos|users\/[^/]+\/repos|user\/repos)$/,
  fields: REPOSITORY_FIELDS
}

/** Every listing whose pages a state file keeps. */
export const LISTING_SHAPES: readonly ListingShape[] = [
  RUN_LISTING,
  ARTIFACT_LISTING,
  CACHE_LISTING,
  INSTALLATION_REPOSITORY_LISTING,
  REPOSITORY_LISTING
]
