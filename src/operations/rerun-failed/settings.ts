/** The settings of rerun-failed, as its settings reader (inputs.ts) builds them. */
import type { RE2JS } from 're2js'
import type { CommonSettings, FailedConclusion, RunFilters } from '../../settings.js'

export interface RerunFailedSettings extends CommonSettings {
  operation: 'rerun-failed'
  filters: RunFilters
  /** Scan window, in seconds (server-side `created>=now-lookback`). */
  lookbackSeconds: number
  conclusions: FailedConclusion[]
  /** Skip runs whose `run_attempt` is at least this. */
  maxAttempts: number
  /** Globs on job names; empty = every failed job qualifies. */
  jobFilter: string[]
  /** Flaky-failure signature (RE2 syntax, linear-time) matched line by line against failed jobs' logs. */
  logPattern?: RE2JS
  enableDebugLogging: boolean
  skipSuperseded: boolean
}
