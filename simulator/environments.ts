/**
 * Deployment environments of a simulated repository: the one scenario type both the secrets and
 * the deployment-review routes read.
 */
import type { ScenarioSecret } from './routes/secrets.js'

/** A deployment environment of a repository; one not listed answers 404. */
export interface ScenarioEnvironment {
  name: string
  /** Default derived from the repository and the name. */
  id?: number
  /** Environment secrets. */
  secrets?: ScenarioSecret[]
  /** Logins of the required reviewers (users); one approval is enough. Empty/absent = none. */
  reviewers?: string[]
  /** Wait timer in minutes (0–43,200); default 0. */
  wait_timer?: number
  /** When true, the person who triggered the run may not approve it. */
  prevent_self_review?: boolean
  /** Login of the GitHub App (an `app` token's login) that owns a custom protection rule here. */
  protection_rule_app?: string
}

declare module './scenario.js' {
  interface ScenarioRepository {
    /** Deployment environments, with their secrets and protection rules. */
    environments?: ScenarioEnvironment[]
  }
}
