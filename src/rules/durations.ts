/** Durations written the way the duration inputs take them. Pure. */

const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1]
]

/** Writes whole seconds in the largest whole units, as a duration input would: `400d`, `6h`, `1h30m`, `0s`. */
export function formatDuration(seconds: number): string {
  let left = Math.floor(seconds)
  let text = ''
  for (const [unit, size] of UNITS) {
    if (left >= size) {
      text += `${Math.floor(left / size)}${unit}`
      left %= size
    }
  }
  return text || '0s'
}
