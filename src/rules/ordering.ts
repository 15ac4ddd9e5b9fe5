/** The order GitHub lists workflow runs in, and what follows from it. Pure. */

/** The fields of a run that decide its place in a listing. */
export interface Ordered {
  id: number
  /** ISO 8601. */
  created_at: string
}

/** Orders runs newest first, as GitHub lists them: by `created_at`, then by id. */
export function newestFirst(a: Ordered, b: Ordered): number {
  const byTime = Date.parse(b.created_at) - Date.parse(a.created_at)
  return byTime !== 0 ? byTime : b.id - a.id
}

/** The run created first (the lowest id among those created the same second). */
export function oldestOf<R extends Ordered>(runs: readonly R[]): R {
  if (runs.length === 0) throw new Error('oldestOf needs at least one run')
  return runs.reduce((a, b) => (newestFirst(a, b) > 0 ? a : b))
}
