/** Builders for worlds of many repositories and owners, where `repository` patterns resolve. */
import type {
  Scenario,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken
} from '../simulator/index.js'
import { minutesAgo, repository, run, scenario } from './scenario.js'

/** An app installation token that may cancel, re-run and approve runs and read pull requests. */
export const SWEEPER: ScenarioToken = {
  login: 'sweeper[bot]',
  kind: 'app',
  permissions: { actions: 'write', pull_requests: 'read', contents: 'read', metadata: 'read' }
}

/** A repository `owner/name` with its own id (the fixture's default id is shared). */
let nextRepositoryId = 500
export const repo = (
  fullName: string,
  runs: ScenarioRun[] = [],
  extra: Partial<ScenarioRepository> = {}
): ScenarioRepository => ({ ...repository(fullName, runs, nextRepositoryId++), ...extra })

/** Two active runs of one group: the older one is stale (superseded). */
export const stalePair = (owner: string, name: string, firstId: number): ScenarioRun[] => [
  run({ id: firstId, head_repository: `${owner}/${name}`, created_at: minutesAgo(20) }),
  run({ id: firstId + 1, head_repository: `${owner}/${name}`, created_at: minutesAgo(5) })
]

/** A world of `repositories` with the standard tokens plus `tokens`. */
export const world = (
  repositories: ScenarioRepository[],
  tokens: Record<string, ScenarioToken> = {},
  extra: Partial<Scenario> = {}
): Scenario => {
  const base = scenario(...repositories)
  return { ...base, tokens: { ...base.tokens, ...structuredClone(tokens) }, ...extra }
}
