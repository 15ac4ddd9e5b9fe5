/** Helpers of the fault tests, which inject faults into a busy world and check the state after. */

/**
 * Where a fault lands: `at(fraction)` is the target `fraction` of the way through `count` targets,
 * from the first (0) to the last (1, one past the end), numbered from `first`.
 */
export function atFraction(count: number, first = 0): (fraction: number) => number {
  return fraction => first + Math.floor(fraction * count)
}
