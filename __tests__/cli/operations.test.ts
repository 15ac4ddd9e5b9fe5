/**
 * The built command line (`node dist/cli/index.js`) against the simulator: every operation's dry
 * run prints with `--json` exactly the `result` the action gives for the same world and inputs;
 * real runs change the simulator's world as the action would; `rotate-secrets --generate` keeps
 * its values in a new 0600 file only.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { artifact, cache, completedRun } from '../../__fixtures__/clean-up.js'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { DEMO_STEPS } from '../../scripts/demo/steps.js'
import type { DemoStep } from '../../scripts/demo/types.js'
import { OPERATIONS, type OperationName } from '../../src/inputs/definition.js'
import { demoScenario, rebaseScenario, type Simulator } from '../../simulator/index.js'
import { runAction } from '../lib/run-action.js'
import { freshFolder, runCli } from '../lib/run-cli.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()
const DEMO = rebaseScenario(demoScenario())
const WORKFLOW_TOKEN =
  Object.entries(DEMO.tokens).find(([, token]) => token.kind === 'github-token')?.[0] ?? ''

/** The demo's first step of each operation, with a value where it generates one. */
function stepOf(operation: OperationName): DemoStep {
  const step = DEMO_STEPS.find(candidate => candidate.operation === operation)
  if (step === undefined) throw new Error(`no demo step for ${operation}`)
  const inputs: Record<string, string> = { ...step.with, 'dry-run': 'true' }
  if (inputs.generate !== undefined) {
    delete inputs.generate
    inputs.value = 'a-new-token-value-1234'
  }
  return { ...step, with: inputs }
}

/** `with:` as flags: `--name value` each. */
const flagsOf = (inputs: Record<string, string>): string[] =>
  Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value])

const writes = (s: Simulator): string[] =>
  s.requests
    .filter(request => request.method !== 'GET')
    .map(request => `${request.method} ${request.path}`)

describe('every operation, dry run', () => {
  it.each(OPERATIONS.map(operation => [operation]))(
    "%s: --json prints the action's result for the same world",
    async operation => {
      const step = stepOf(operation)
      const world = structuredClone(DEMO)
      step.prepare?.(world)
      const s = await simulate(world)
      const token = step.token ?? WORKFLOW_TOKEN
      const action = await runAction({
        apiUrl: s.url,
        token,
        with: { operation, ...step.with }
      })
      const cli = await runCli([operation, ...flagsOf(step.with), '--json'], {
        env: { GH_TOKEN: token, GITHUB_API_URL: s.url, GITHUB_REPOSITORY: 'acme/web' },
        secrets: ['a-new-token-value-1234']
      })
      expect(action.exitCode).toBe(0)
      expect(action.result.length).toBeGreaterThan(0)
      expect(cli.stderr).toBe('')
      expect(cli.exitCode).toBe(0)
      expect(JSON.parse(cli.stdout)).toEqual(action.result)
      expect(cli.stdout).toBe(`${action.outputs.result}\n`)
      expect(writes(s)).toEqual([])
    }
  )
})

describe('real runs', () => {
  it('cancel-stale: should cancel the superseded runs and show them in the table', async () => {
    const s = await simulate(
      scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30) }),
          run({ id: 2, created_at: minutesAgo(20), status: 'queued' }),
          run({ id: 3, created_at: minutesAgo(1) })
        ])
      )
    )
    const cli = await runCli(['cancel-stale', '--repository', 'acme/web'], {
      env: { GITHUB_TOKEN: 'ghs_write', GITHUB_API_URL: s.url }
    })
    expect(cli.exitCode).toBe(0)
    const statuses = s.state.repositories[0]?.runs.map(
      r => `${r.id} ${r.status}/${r.conclusion ?? ''}`
    )
    expect(statuses).toEqual(['1 completed/cancelled', '2 completed/cancelled', '3 in_progress/'])
    expect(cli.stdout.split('\n')).toEqual([
      'REPOSITORY  KIND  ID  ACTION  OUTCOME  REASON',
      'acme/web    run   1   cancel  done     superseded by run 3',
      'acme/web    run   2   cancel  done     superseded by run 3',
      'cancel-stale: 2 done; 3 API requests (2 writes)',
      ''
    ])
  })

  it('delete-artifacts: should delete the old artifacts and give the bytes freed', async () => {
    const web = repository('acme/web', [completedRun(20, { id: 1 }), completedRun(3, { id: 2 })])
    web.artifacts = [
      artifact({ id: 1 }, 'build', 20, { id: 101, size_in_bytes: 1024 ** 3 }),
      artifact({ id: 2 }, 'build', 3, { id: 102 })
    ]
    const s = await simulate(scenario(web))
    const dry = await runCli(
      ['delete-artifacts', '--older-than', '14d', '--dry-run', '--repository', 'acme/web'],
      { env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url } }
    )
    expect(dry.stdout).toContain(
      'delete-artifacts (dry run): 1 planned; bytes to free: 1 GiB (1073741824 bytes)'
    )
    expect(s.state.repositories[0]?.artifacts?.map(a => a.id)).toEqual([101, 102])
    const real = await runCli(
      ['delete-artifacts', '--older-than', '14d', '--repository', 'acme/web'],
      { env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url }, bundle: true }
    )
    expect(real.exitCode).toBe(0)
    expect(real.stdout).toContain('delete-artifacts: 1 done; bytes freed: 1 GiB (1073741824 bytes)')
    expect(s.state.repositories[0]?.artifacts?.map(a => a.id)).toEqual([102])
  })

  it('delete-caches: should delete the caches unused for long', async () => {
    const web = repository('acme/web', [])
    web.caches = [
      cache('npm-linux-a', 'refs/heads/main', 10, { id: 501 }),
      cache('npm-linux-b', 'refs/heads/main', 1, { id: 502 })
    ]
    const s = await simulate(scenario(web))
    const cli = await runCli(['delete-caches', '--older-than=7d', '--json'], {
      env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url, GITHUB_REPOSITORY: 'acme/web' }
    })
    expect(cli.exitCode).toBe(0)
    expect(JSON.parse(cli.stdout)).toMatchObject([{ kind: 'cache', id: 501, outcome: 'done' }])
    expect(s.state.repositories[0]?.caches?.map(c => c.id)).toEqual([502])
  })

  /** The demo's rotation world, a new file's path, and the command that generates into it. */
  async function rotation(): Promise<{
    s: Simulator
    file: string
    run: (...more: string[]) => ReturnType<typeof runCli>
  }> {
    const step = DEMO_STEPS.find(candidate => candidate.operation === 'rotate-secrets')
    const world = structuredClone(DEMO)
    step?.prepare?.(world)
    const s = await simulate(world)
    const file = join(freshFolder(), 'values.json')
    const args = [
      'rotate-secrets',
      '--repository',
      'acme/web',
      '--secrets',
      'NPM_TOKEN',
      '--generate'
    ]
    return {
      s,
      file,
      run: async (...more) =>
        runCli([...args, '--generated-values-file', file, ...more], {
          env: { GH_TOKEN: step?.token ?? '', GITHUB_API_URL: s.url }
        })
    }
  }

  it('rotate-secrets --generate: should keep the values in a new 0600 file, and print none', async () => {
    const { s, file, run } = await rotation()
    const first = await run()
    expect(first.exitCode).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const values = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    const opened = s.state.repositories.find(r => r.name === 'web')?.secrets?.[0]?.value
    expect(Object.keys(values)).toEqual(['NPM_TOKEN'])
    expect(values.NPM_TOKEN).toBe(opened)
    expect(first.stdout + first.stderr).not.toContain(values.NPM_TOKEN)

    // An existing file is never overwritten, and nothing is sent.
    const before = s.requests.length
    const again = await run()
    expect(again.exitCode).toBe(2)
    expect(again.stderr).toContain(`--generated-values-file ${file} exists`)
    expect(s.requests.length).toBe(before)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(values)
  })

  it('rotate-secrets --generate --dry-run: should create no file', async () => {
    const { file, run } = await rotation()
    const cli = await run('--dry-run')
    expect(cli.exitCode).toBe(0)
    expect(existsSync(file)).toBe(false)
  })
})
