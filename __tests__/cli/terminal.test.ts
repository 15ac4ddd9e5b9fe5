/**
 * The built command line as a terminal shows it: `--help` from the one definition, `--version`,
 * every exit status (usage errors before any request), a table with colors and a progress bar
 * only in a terminal, and never a workflow command or an output file write, even inside a
 * workflow run's environment.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { completedRun } from '../../__fixtures__/clean-up.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import { inputsOf, OPERATIONS } from '../../src/inputs/definition.js'
import { freshFolder, runCli } from '../lib/run-cli.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/** acme/web with two old completed runs. */
const world = (): ReturnType<typeof scenario> =>
  scenario(repository('acme/web', [completedRun(20, { id: 1 }), completedRun(10, { id: 2 })]))

// The tokens of this world may not list pull requests: the runs at their heads are not looked for.
const DELETE_RUNS = [
  'delete-runs',
  '--older-than',
  '0s',
  '--keep-latest',
  '0',
  '--keep-open-pull-requests',
  'false',
  '--repository',
  'acme/web'
]

describe('--help and --version', () => {
  it.each(OPERATIONS.map(operation => [operation]))(
    '%s --help: exactly the inputs of its sub-action, with defaults and descriptions',
    async operation => {
      const cli = await runCli([operation, '--help'])
      expect(cli.exitCode).toBe(0)
      const [inputs = '', ownFlags = ''] = cli.stdout
        .split(/^Inputs \(those of the .*\):$/m)[1]!
        .split(/^Command line:$/m)
      const listed = [...inputs.matchAll(/^ {2}--([a-z-]+)/gm)].map(match => match[1])
      expect(listed).toEqual(inputsOf(operation))
      expect(ownFlags).toContain('--json')
      expect(ownFlags.includes('--generated-values-file')).toBe(operation === 'rotate-secrets')
      if (operation === 'delete-runs') {
        expect(inputs).toContain('--keep-latest N')
        expect(inputs).toMatch(/--dry-run \[true\|false\]\n\s+Find and report every target/)
        expect(inputs).toContain('Default: 100.')
      }
      // A secret input's default is never shown, nor is any token.
      expect(cli.stdout).not.toContain('${{')
    }
  )

  it('--help: every operation with its summary; --version: the package version', async () => {
    const help = await runCli(['--help'], { bundle: true })
    expect(help.exitCode).toBe(0)
    for (const operation of OPERATIONS) expect(help.stdout).toContain(`\n  ${operation}\n`)
    const version = await runCli(['--version'], { bundle: true })
    const { version: expected } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      version: string
    }
    expect(version).toEqual({ exitCode: 0, stdout: `${expected}\n`, stderr: '' })
  })
})

describe('exit status', () => {
  it.each([
    [['delet-runs'], `'delet-runs' is not an operation. Did you mean 'delete-runs'?`],
    [[...DELETE_RUNS, '--dryrun'], 'unknown flag --dryrun. Did you mean --dry-run?'],
    [[...DELETE_RUNS, '--limit'], '--limit needs a value'],
    [[...DELETE_RUNS, '--stale-after', '1h'], '--stale-after does not apply to delete-runs'],
    [
      ['rotate-secrets', '--repository', 'acme/web', '--secrets', 'A', '--generate'],
      '--generate needs --generated-values-file PATH'
    ],
    [
      [
        'rotate-secrets',
        '--repository',
        'acme/web',
        '--secrets',
        'A',
        '--value',
        'a-long-secret-value',
        '--generated-values-file',
        'x.json'
      ],
      '--generated-values-file is only used with --generate'
    ]
  ])('2 for %j, with no request', async (args, message) => {
    const s = await simulate(world())
    const cli = await runCli(args, { env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url } })
    expect(cli.exitCode).toBe(2)
    expect(cli.stderr).toContain(`error: ${message}`)
    expect(cli.stdout).toBe('')
    expect(s.requests).toEqual([])
  })

  it('1 for a bad value, named as the flag, with no request', async () => {
    const s = await simulate(world())
    const cli = await runCli([...DELETE_RUNS, '--limit', 'many'], {
      env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url }
    })
    expect(cli.exitCode).toBe(1)
    expect(cli.stderr).toBe(
      `error: --limit: "many" is not a whole number. Use a number from 1 to 10000, e.g. '--limit 100'.\n`
    )
    expect(s.requests).toEqual([])
  })

  it('1 for failed targets with fail-on-error, 0 without it', async () => {
    const s = await simulate(world())
    // A read-only token may list the runs, not delete them.
    const env = { GH_TOKEN: 'ghs_read', GITHUB_API_URL: s.url }
    const failing = await runCli(DELETE_RUNS, { env })
    expect(failing.exitCode).toBe(1)
    expect(failing.stdout).toContain('delete-runs: 2 failed;')
    expect(failing.stderr).toMatch(/^error: 2 target\(s\) failed:\nacme\/web run 1: 403 /)
    const tolerated = await runCli([...DELETE_RUNS, '--fail-on-error', 'false'], { env })
    expect(tolerated.exitCode).toBe(0)
    expect(s.state.repositories[0]?.runs.map(r => r.id)).toEqual([1, 2])
  })

  it('1 when the whole run fails', async () => {
    const s = await simulate(world())
    // The public key cannot be read without secrets permission: nothing is written.
    const cli = await runCli(
      [
        'rotate-secrets',
        '--repository',
        'acme/web',
        '--secrets',
        'NPM_TOKEN',
        '--value',
        'a-long-secret-value'
      ],
      { env: { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url }, secrets: ['a-long-secret-value'] }
    )
    expect(cli.exitCode).toBe(1)
    expect(cli.stdout).toBe('')
    expect(cli.stderr).toMatch(/^error: .*403/)
    expect(s.requests.filter(request => request.method !== 'GET')).toEqual([])
  })
})

describe('in a workflow run', () => {
  it('should write no workflow command, output or summary, and read no event payload', async () => {
    const s = await simulate(world())
    const step = freshFolder()
    const files = { output: join(step, 'output'), summary: join(step, 'summary') }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    writeFileSync(join(step, 'event.json'), 'not json')
    const env = {
      GH_TOKEN: 'ghs_read',
      GITHUB_API_URL: s.url,
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: join(step, 'event.json'),
      RUNNER_DEBUG: '1'
    }
    // Failed targets (error lines) and a limit (a warning), with every line the operation logs.
    const cli = await runCli([...DELETE_RUNS, '--limit', '1', '--verbose'], { env, bundle: true })
    expect(cli.exitCode).toBe(1)
    expect(cli.stderr).toContain('warning: acme/web: limit reached')
    expect(cli.stderr).toContain('error: 1 target(s) failed')
    for (const line of `${cli.stdout}\n${cli.stderr}`.split('\n'))
      expect(line).not.toMatch(/^\s*::/)
    expect(readFileSync(files.output, 'utf8')).toBe('')
    expect(readFileSync(files.summary, 'utf8')).toBe('')
    // rerun-failed reads the payload in the action; the command line has none to read.
    const rerun = await runCli(['rerun-failed', '--repository', 'acme/web', '--dry-run'], { env })
    expect(rerun.exitCode).toBe(0)
  })
})

describe('terminal or not', () => {
  it('should color the table and show progress in a terminal only, and honour NO_COLOR', async () => {
    const s = await simulate(world())
    const env = { GH_TOKEN: 'ghs_write', GITHUB_API_URL: s.url }
    const args = [...DELETE_RUNS, '--dry-run']
    const terminal = await runCli(args, { env, tty: true })
    expect(terminal.exitCode).toBe(0)
    expect(terminal.stdout).toContain('\u001b[36mplanned\u001b[0m')
    expect(terminal.stdout).toMatch(/repositories \d\/1 \| targets/)
    expect(terminal.stdout).toContain('delete-runs (dry run): 2 planned;')

    const noColor = await runCli(args, { env: { ...env, NO_COLOR: '1' }, tty: true })
    // No color code (ESC [ 3x m); the bar still moves the cursor.
    expect(noColor.stdout).not.toMatch(new RegExp(`${'\u001b'}\\[3\\dm`))
    expect(noColor.stdout).toMatch(/acme\/web {4}run {3}1 {3}delete {2}planned {2}created 20d ago/)

    const piped = await runCli(args, { env })
    expect(piped.stdout + piped.stderr).not.toContain('\u001b')
    expect(piped.stderr).toBe('')
    expect(piped.stdout.split('\n')).toEqual([
      'REPOSITORY  KIND  ID  ACTION  OUTCOME  REASON',
      'acme/web    run   1   delete  planned  created 20d ago, conclusion success',
      'acme/web    run   2   delete  planned  created 10d ago, conclusion success',
      'delete-runs (dry run): 2 planned; 1 API requests (0 writes)',
      ''
    ])
  })
})
