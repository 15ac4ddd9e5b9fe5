/** The operations `npm run bench` measures. */
import { cancelStaleBench } from './cancel-stale.js'
import type { BenchCase } from './types.js'

export const BENCH_CASES: BenchCase[] = [cancelStaleBench]
BENCH_CASES.push((await import('./rotate-secrets.js')).rotateSecretsBench)
