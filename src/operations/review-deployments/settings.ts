/** The settings of review-deployments, as its settings reader (inputs.ts) builds them. */
import type { CommonSettings, RunFilters } from '../../settings.js'

export type ReviewState = 'approved' | 'rejected'

export interface ReviewDeploymentsSettings extends CommonSettings {
  operation: 'review-deployments'
  filters: RunFilters
  /** Globs on environment names; empty = all. */
  environments: string[]
  state: ReviewState
  comment: string
}
