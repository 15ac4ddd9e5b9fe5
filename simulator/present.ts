/**
 * Turns live state into the JSON shapes GitHub's REST API answers with (workflow runs, jobs,
 * workflows, users, repositories). `apiBase` is the API root the client used, so `url` fields
 * point back at the simulator (with `/api/v3` on GHES-style requests).
 */
import type { ScenarioRunPullRequest } from './scenario.js'
import {
  stableId,
  type JobState,
  type RepositoryState,
  type RunState,
  type WorkflowState
} from './state.js'

const WEB = 'https://github.com'

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`
}

/** A user object (`{login, id, node_id, type, ...}`); logins ending in `[bot]` are bots. */
export function presentUser(login: string, apiBase: string): Record<string, unknown> {
  const id = stableId(login)
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `${apiBase}/users/${encodeURIComponent(login)}`,
    html_url: `${WEB}/${login}`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false
  }
}

/** A minimal repository object as embedded in runs and pull requests. */
export function presentRepository(
  fullName: string,
  id: number,
  apiBase: string,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  const [owner = '', name = ''] = fullName.split('/')
  return {
    id,
    node_id: nodeId('R', id),
    name,
    full_name: fullName,
    owner: presentUser(owner, apiBase),
    html_url: `${WEB}/${fullName}`,
    url: `${apiBase}/repos/${fullName}`,
    ...extra
  }
}

/** The repository object of `GET /repos/{owner}/{repo}` (the fields the action may need). */
export function presentFullRepository(
  repo: RepositoryState,
  apiBase: string
): Record<string, unknown> {
  return presentRepository(`${repo.owner}/${repo.name}`, repo.id, apiBase, {
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    fork: repo.fork === true,
    archived: repo.archived === true,
    disabled: false,
    default_branch: repo.default_branch
  })
}

/**
 * A repository as the repository listings show it (`GET /orgs/{org}/repos`, `/user/repos`,
 * `/users/{username}/repos`, `/installation/repositories`), its owner with its account type.
 */
export function presentListedRepository(
  repo: RepositoryState,
  apiBase: string,
  ownerType: 'User' | 'Organization'
): Record<string, unknown> {
  const listed = presentFullRepository(repo, apiBase)
  return { ...listed, owner: { ...(listed.owner as object), type: ownerType } }
}

/** The check suite id of a run: the scenario's, else one derived from the run id. */
export function checkSuiteIdOf(run: RunState): number {
  return run.check_suite_id ?? 30_000_000_000 + run.id
}

function presentPullRequest(
  pr: ScenarioRunPullRequest,
  repo: RepositoryState,
  apiBase: string
): Record<string, unknown> {
  const repoRef = {
    id: repo.id,
    url: `${apiBase}/repos/${repo.owner}/${repo.name}`,
    name: repo.name
  }
  return {
    url: `${apiBase}/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
    id: 100_000_000 + pr.number,
    number: pr.number,
    head: { ref: pr.head.ref, sha: pr.head.sha, repo: repoRef },
    base: { ref: pr.base.ref, sha: pr.base.sha ?? '0'.repeat(40), repo: repoRef }
  }
}

/** A workflow object as `GET .../actions/workflows/{id}` answers. */
export function presentWorkflow(
  repo: RepositoryState,
  workflow: WorkflowState,
  apiBase: string
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  return {
    id: workflow.id,
    node_id: nodeId('W', workflow.id),
    name: workflow.name,
    path: workflow.path,
    state: workflow.state,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    url: `${apiBase}/repos/${full}/actions/workflows/${workflow.id}`,
    html_url: `${WEB}/${full}/blob/${repo.default_branch}/${workflow.path}`,
    badge_url: `${WEB}/${full}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`
  }
}

/**
 * A workflow run in GitHub's shape. `excludePullRequests` empties `pull_requests` like the
 * `exclude_pull_requests` query parameter.
 */
export function presentRun(
  repo: RepositoryState,
  run: RunState,
  apiBase: string,
  options: { excludePullRequests?: boolean } = {}
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const workflow = repo.workflows.find(w => w.id === run.workflow_id)
  const runUrl = `${apiBase}/repos/${full}/actions/runs/${run.id}`
  const headIsFork = run.head_repository.toLowerCase() !== full.toLowerCase()
  const headRepoId = headIsFork ? stableId(run.head_repository) : repo.id
  const suiteId = checkSuiteIdOf(run)
  const message = run.head_commit_message ?? run.display_title ?? `Update ${run.head_branch}`
  const author = { name: run.actor, email: `${run.actor}@users.noreply.github.com` }
  return {
    id: run.id,
    name: workflow?.name ?? null,
    node_id: nodeId('WFR', run.id),
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: workflow?.path ?? '',
    display_title: run.display_title ?? message.split('\n')[0],
    run_number: run.run_number,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow_id,
    check_suite_id: suiteId,
    check_suite_node_id: nodeId('CS', suiteId),
    url: runUrl,
    html_url: `${WEB}/${full}/actions/runs/${run.id}`,
    pull_requests: options.excludePullRequests
      ? []
      : run.pull_requests.map(pr => presentPullRequest(pr, repo, apiBase)),
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: presentUser(run.actor, apiBase),
    triggering_actor: presentUser(run.triggering_actor, apiBase),
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    run_started_at: run.run_started_at,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${apiBase}/repos/${full}/check-suites/${suiteId}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${runUrl}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${apiBase}/repos/${full}/actions/workflows/${run.workflow_id}`,
    head_commit: {
      id: run.head_sha,
      tree_id: run.head_sha.split('').reverse().join(''),
      message,
      timestamp: run.created_at,
      author,
      committer: author
    },
    repository: presentRepository(full, repo.id, apiBase, { private: repo.private, fork: false }),
    head_repository: presentRepository(run.head_repository, headRepoId, apiBase, {
      private: false,
      fork: headIsFork
    }),
    head_repository_id: headRepoId
  }
}

/** A job in GitHub's shape (`GET .../runs/{run_id}/jobs`). */
export function presentJob(
  repo: RepositoryState,
  run: RunState,
  job: JobState,
  apiBase: string
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const workflow = repo.workflows.find(w => w.id === run.workflow_id)
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: workflow?.name ?? null,
    head_branch: run.head_branch,
    run_url: `${apiBase}/repos/${full}/actions/runs/${run.id}`,
    run_attempt: job.run_attempt,
    node_id: nodeId('CR', job.id),
    head_sha: run.head_sha,
    url: `${apiBase}/repos/${full}/actions/jobs/${job.id}`,
    html_url: `${WEB}/${full}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.started_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    name: job.name,
    steps: [],
    check_run_url: `${apiBase}/repos/${full}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: job.status === 'queued' ? null : 1,
    runner_name: job.status === 'queued' ? null : 'GitHub Actions 1',
    runner_group_id: job.status === 'queued' ? null : 1,
    runner_group_name: job.status === 'queued' ? null : 'GitHub Actions'
  }
}
