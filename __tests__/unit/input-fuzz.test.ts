/**
 * Seeded random input values, every input of `action.yml` for every operation: whatever the value,
 * reading the settings either succeeds with usable settings or throws an `InputError` that names an
 * input and never contains the token. Usable means every number is finite and every window,
 * built from a duration, is a valid date (`lookback: 999999999d` once made `Invalid time value`).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { InputError } from '../../src/inputs/parse.js'
import { OPERATIONS } from '../../src/inputs/definition.js'
import { mulberry32 } from '../../simulator/index.js'
import { actionDefaults } from '../lib/run-action.js'

const TOKEN = 'ghs_fuzzT0kenF0rInputs'
const SEEDS = 600

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

/** Values of the kinds that broke inputs before, drawn from `random`. */
function randomValue(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const digits = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(random() * 10)).join('')
  const generators: Array<() => string> = [
    () =>
      `${pick(['0', '1', '30', '400', '10000', '999999', '999999999', '99999999999999'])}${pick(['s', 'm', 'h', 'd', 'w', ''])}`,
    () => pick(['0', '-1', '1e9', '0x10', '1.5', 'NaN', 'Infinity', '', ' ', '\t']),
    () => pick(['true', 'FALSE', 'yes', 'on', 'True ']),
    () => pick(['(a+)+$', '[', '*', '**', '{a,b', '!x', 'a/b/c', '*/*', 'acme/*', '.']),
    () =>
      pick(['\u200b', '\n', '\r\n', '\u0000', 'é', '😀', '"\'`$(id)']).repeat(1 + digits(1).length),
    () => `x${digits(2)}`.repeat(1 + Math.floor(random() * 300))
  ]
  // Durations and numbers first: half the values.
  return random() < 0.5 ? (generators[0] as () => string)() : pick(generators)()
}

describe.each(OPERATIONS.map(operation => [operation]))('%s with random inputs', operation => {
  const names = Object.keys(actionDefaults()).filter(
    name => !['operation', 'github-token', 'repository'].includes(name)
  )
  const pickName = (random: () => number): string =>
    names[Math.floor(random() * names.length)] ?? ''
  it(`usable settings or an InputError naming an input, never the token, over ${SEEDS} seeds`, () => {
    const problems: string[] = []
    for (let seed = 7001; seed < 7001 + SEEDS; seed++) {
      const random = mulberry32(seed)
      // One input a seed, in turn, and now and then a second one drawn at random.
      const picked = [
        names[seed % names.length] ?? '',
        ...(random() < 0.3 ? [pickName(random)] : [])
      ]
      const chosen = Object.fromEntries(picked.map(name => [name, randomValue(random)]))
      const problem = checkSettings(operation, chosen)
      if (problem) problems.push(`seed ${seed} ${JSON.stringify(chosen)}: ${problem}`)
    }
    expect(problems).toEqual([])
  })
})

/** What is wrong with reading `chosen` for `operation`, or undefined when nothing is. */
function checkSettings(operation: string, chosen: Record<string, string>): string | undefined {
  let settings: Record<string, unknown>
  try {
    settings = getSettings(
      inputs({ operation, 'github-token': TOKEN, ...chosen }),
      runnerEnv
    ) as unknown as Record<string, unknown>
  } catch (error) {
    if (!(error instanceof InputError)) return `threw ${String(error)}`
    if (!/^Input '[a-z-]+'/.test(error.message)) return `message names no input: ${error.message}`
    if (error.message.includes(TOKEN)) return 'message contains the token'
    return undefined
  }
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value !== 'number') continue
    if (!Number.isFinite(value)) return `${name} is ${value}`
    if (name.endsWith('Seconds') && Number.isNaN(new Date(Date.now() - value * 1000).getTime()))
      return `${name} (${value}) makes an invalid date`
  }
  return undefined
}
