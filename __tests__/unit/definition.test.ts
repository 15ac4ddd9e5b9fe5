/**
 * The one definition of the inputs and what is generated from it: action.yml, the sub-actions and
 * the README tables are current (`npm run generate`), and every operation's reader reads exactly the
 * inputs its sub-action declares, with the definition's defaults.
 */
import { describe, expect, it, jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { renderAll } from '../../scripts/lib/action-files.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import {
  defaultOf,
  INPUTS,
  inputsOf,
  OPERATIONS,
  type InputName,
  type OperationName
} from '../../src/inputs/definition.js'

/** What each operation needs to get past its own required inputs. */
const REQUIRED: Record<OperationName, Record<string, string>> = {
  'rerun-failed': {},
  'cancel-stale': {},
  'approve-fork-runs': {},
  'review-deployments': {},
  'rotate-secrets': { secrets: 'NPM_TOKEN', value: 'a-long-enough-value' },
  'delete-runs': { 'older-than': '30d' },
  'delete-artifacts': { 'older-than': '30d' },
  'delete-caches': { 'older-than': '30d' }
}

/** The names `getSettings` asks for, reading through `with` (blank for everything else). */
function namesRead(operation: OperationName, given: Record<string, string> = {}): Set<string> {
  const read = inputs({ operation, ...REQUIRED[operation], ...given })
  const seen = new Set<string>()
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    getSettings((name, options) => {
      seen.add(name)
      return read(name, options)
    }, runnerEnv)
  } finally {
    jest.restoreAllMocks()
  }
  return seen
}

describe('generated files', () => {
  it('should match the definition (run npm run generate when this fails)', () => {
    const drifted = [...renderAll(path => readFileSync(path, 'utf8'))]
      .filter(([path, content]) => readFileSync(path, 'utf8') !== content)
      .map(([path]) => path)
    expect(drifted).toEqual([])
  })
})

describe('the definition', () => {
  it.each(OPERATIONS.map(operation => [operation]))(
    '%s: its reader reads every input its sub-action declares',
    operation => {
      const read = namesRead(operation)
      for (const name of inputsOf(operation)) expect([name, read.has(name)]).toEqual([name, true])
    }
  )

  it.each(OPERATIONS.map(operation => [operation]))(
    '%s: an input it reads but does not declare is refused when given',
    operation => {
      const declared = new Set<string>(inputsOf(operation))
      const undeclared = [...namesRead(operation)].filter(
        name => name !== 'operation' && !declared.has(name)
      )
      for (const name of undeclared) {
        expect(() =>
          getSettings(inputs({ operation, ...REQUIRED[operation], [name]: 'x' }), runnerEnv)
        ).toThrow(new RegExp(`Input '${name}': is not used by ${operation}`))
      }
    }
  )

  it('should give each literal default to the reader, so that a blank value is the default', () => {
    const settings = getSettings(inputs({ operation: 'review-deployments' }), runnerEnv)
    expect(settings).toMatchObject({
      limit: Number(defaultOf('limit')),
      comment: defaultOf('comment')
    })
    const approve = getSettings(inputs({ operation: 'approve-fork-runs' }), runnerEnv)
    expect(approve).toMatchObject({
      protectedPaths: (defaultOf('protected-paths') ?? '').trim().split('\n')
    })
    const rerun = getSettings(inputs({ operation: 'rerun-failed' }), runnerEnv)
    expect(rerun).toMatchObject({ lookbackSeconds: 24 * 3600, maxAttempts: 3 })
  })

  it('should never apply an expression default: the runner evaluates those', () => {
    const expressions = (Object.keys(INPUTS) as InputName[]).filter(name =>
      ((INPUTS[name] as { default?: string }).default ?? '').includes('${{')
    )
    expect(expressions).toEqual(['github-token', 'repository'])
    for (const name of expressions) expect(defaultOf(name)).toBeUndefined()
  })

  it.each([
    ['github-token', '${{ github.token }}'],
    ['repository', '${{ github.repository }}']
  ])('should refuse %s holding the unevaluated default %s, naming it', (name, expression) => {
    expect(() =>
      getSettings(inputs({ operation: 'cancel-stale', [name]: expression }), runnerEnv)
    ).toThrow(`Input '${name}': holds the expression "${expression}", which was not evaluated`)
  })

  it('should not quote a token around which an expression stands', () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'
    let message = ''
    try {
      getSettings(
        inputs({ operation: 'cancel-stale', 'github-token': `${token}\${{ x }}` }),
        runnerEnv
      )
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("Input 'github-token': holds a ${{ … }} expression")
    expect(message).not.toContain(token)
  })
})
