/**
 * Each operation's sub-action (`uses: OWNER/actions-ops/<operation>@v1`: its folder's action.yml,
 * defaults and entry) behaves exactly like the top-level action with `operation: <operation>`:
 * the same writes, outcomes, outputs and job summary, from the same world. The sub-action always
 * runs through its entry and the bundle, as GitHub's runner starts it; the top-level action in
 * process, unless every case runs the bundle (`ACTIONS_OPS_E2E=bundle`).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { OPERATIONS, type OperationName } from '../../src/inputs/definition.js'
import { DEMO_STEPS } from '../../scripts/demo/steps.js'
import type { DemoStep } from '../../scripts/demo/types.js'
import {
  demoScenario,
  rebaseScenario,
  startSimulator,
  type RecordedRequest,
  type Simulator
} from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'

const WORLD = rebaseScenario(demoScenario())
const WORKFLOW_TOKEN =
  Object.entries(WORLD.tokens).find(([, token]) => token.kind === 'github-token')?.[0] ?? ''

/**
 * The demo's first step of each operation, made quick: a few writes (`limit`), no waiting for
 * cancelled runs, and a fixed value where it generates one (a generated value differs every run).
 */
function stepOf(operation: OperationName): DemoStep {
  const step = DEMO_STEPS.find(candidate => candidate.operation === operation)
  if (step === undefined) throw new Error(`no demo step for ${operation}`)
  const rest = { ...step.with }
  delete rest.generate
  delete rest['force-cancel-after']
  return {
    ...step,
    with:
      operation === 'rotate-secrets'
        ? { ...rest, value: 'a-new-token-value-1234' }
        : { ...rest, limit: '3' }
  }
}

/** The writes the simulator answered, in order: method, path and status. */
function writesOf(simulator: Simulator): string[] {
  return simulator.requests
    .filter((request: RecordedRequest) => request.method !== 'GET')
    .map(request => `${request.method} ${request.path} ${request.status}`)
}

async function runStep(
  step: DemoStep,
  door: 'top-level' | 'sub-action'
): Promise<{ run: ActionRun; writes: string[] }> {
  const scenario = structuredClone(WORLD)
  step.prepare?.(scenario)
  const simulator = await startSimulator({ scenario })
  try {
    const run = await runAction({
      apiUrl: simulator.url,
      token: step.token ?? WORKFLOW_TOKEN,
      ...(step.event && { event: step.event }),
      ...(door === 'sub-action'
        ? { subAction: step.operation, bundle: true, with: step.with }
        : { with: { operation: step.operation, ...step.with } })
    })
    expect(simulator.violations).toEqual([])
    return { run, writes: writesOf(simulator) }
  } finally {
    await simulator.close()
  }
}

describe('sub-actions', () => {
  describe.each(OPERATIONS.map(operation => [operation]))('%s', operation => {
    it('should do what the top-level action does with that operation', async () => {
      const step = stepOf(operation)
      const top = await runStep(step, 'top-level')
      const sub = await runStep(step, 'sub-action')
      expect(top.run.exitCode).toBe(0)
      expect(top.run.result.length).toBeGreaterThan(0)
      expect(sub.run.exitCode).toBe(top.run.exitCode)
      expect(sub.run.result).toEqual(top.run.result)
      expect(sub.run.outputs).toEqual(top.run.outputs)
      // The request count differs by a retry when a busy machine makes a request time out.
      const withoutCount = (summary: string): string =>
        summary.replace(/API requests: \d+/, 'API requests: N')
      expect(withoutCount(sub.run.summary)).toBe(withoutCount(top.run.summary))
      expect(sub.writes).toEqual(top.writes)
    })
  })

  it('should declare no operation input, and run its own operation through the one bundle', () => {
    for (const operation of OPERATIONS) {
      const action = parse(readFileSync(`${operation}/action.yml`, 'utf8')) as {
        inputs: Record<string, unknown>
        runs: { using: string; main: string }
      }
      expect(action.inputs).not.toHaveProperty('operation')
      expect(action.runs).toEqual({ using: 'node24', main: 'main.mjs' })
      const entry = readFileSync(`${operation}/main.mjs`, 'utf8')
      expect(entry).toContain(`'${operation}'`)
      expect(entry).toContain(`import('../dist/index.js')`)
    }
  })

  it('should refuse an operation input that names another operation', async () => {
    const step = stepOf('delete-caches')
    const scenario = structuredClone(WORLD)
    const simulator = await startSimulator({ scenario })
    try {
      const run = await runAction({
        apiUrl: simulator.url,
        token: WORKFLOW_TOKEN,
        subAction: 'delete-caches',
        bundle: true,
        with: { ...step.with, operation: 'delete-runs' }
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        '::error::Input \'operation\': is "delete-runs", but this is the delete-caches sub-action'
      )
      expect(simulator.requests).toEqual([])
    } finally {
      await simulator.close()
    }
  })
})
