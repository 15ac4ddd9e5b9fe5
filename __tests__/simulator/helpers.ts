/** Builders and an HTTP helper shared by the simulator tests. */
import type { Scenario, ScenarioRun, Simulator } from '../../simulator/index.js'

export const NOW = '2026-11-22T12:00:00Z'

let nextId = 5000

/** A run with sensible defaults; `overrides` wins. */
export function run(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  nextId += 1
  return {
    id: nextId,
    workflow_id: 11,
    head_branch: 'main',
    head_sha: 'a'.repeat(40),
    event: 'push',
    status: 'in_progress',
    conclusion: null,
    run_attempt: 1,
    run_number: nextId,
    created_at: '2026-11-22T11:00:00Z',
    actor: 'alice',
    head_repository: 'acme/web',
    ...overrides
  }
}

/** A scenario with `acme/web` (public) holding `runs`, `acme/secret` (private), and four tokens. */
export function scenario(runs: ScenarioRun[] = [], extra: Partial<Scenario> = {}): Scenario {
  return {
    now: NOW,
    tokens: {
      ghs_write: {
        login: 'github-actions[bot]',
        kind: 'github-token',
        permissions: { actions: 'write', contents: 'read' },
        repositories: ['acme/web']
      },
      ghs_read: {
        login: 'github-actions[bot]',
        kind: 'github-token',
        permissions: { actions: 'read' },
        repositories: ['acme/web']
      },
      ghs_none: {
        login: 'github-actions[bot]',
        kind: 'github-token',
        permissions: { contents: 'read' },
        repositories: ['acme/web']
      },
      ghp_alice: { login: 'alice', kind: 'user' }
    },
    repositories: [
      {
        owner: 'acme',
        name: 'web',
        id: 101,
        private: false,
        workflows: [
          { id: 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
          { id: 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'active' }
        ],
        runs
      },
      { owner: 'acme', name: 'secret', id: 102, private: true, workflows: [], runs: [] }
    ],
    ...extra
  }
}

export interface Answer {
  status: number
  headers: Headers
  body: unknown
}

/** Calls the simulator: `path` is appended to `sim.url`; `token` null sends no Authorization. */
export async function call(
  sim: Simulator,
  path: string,
  options: { method?: string; token?: string | null; body?: unknown } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  const token = options.token === undefined ? 'ghs_write' : options.token
  if (token !== null) headers['authorization'] = `token ${token}`
  const response = await fetch(`${sim.url}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body)
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown)
  }
}

/** The `workflow_runs` ids of a listing answer. */
export function runIds(answer: Answer): number[] {
  const body = answer.body as { workflow_runs: { id: number }[] }
  return body.workflow_runs.map(r => r.id)
}

/** `rel` → URL from a Link header. */
export function links(answer: Answer): Record<string, string> {
  const result: Record<string, string> = {}
  for (const part of (answer.headers.get('link') ?? '').split(', ')) {
    const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part)
    if (match?.[1] && match[2]) result[match[2]] = match[1]
  }
  return result
}
