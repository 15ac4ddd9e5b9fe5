/** What the command line prints: the table, `--json`, colors, the log sink's lines and masks. */
import { describe, expect, it } from '@jest/globals'
import { cliLog, Masks } from '../../src/adapters/cli/log.js'
import { colorFor, renderJson, renderTable } from '../../src/adapters/cli/output.js'
import type { LineWriter } from '../../src/adapters/cli/progress.js'
import type { TargetResult } from '../../src/boundary/outcomes.js'
import type { Progress } from '../../src/log.js'

const ESC = '\u001b'

const RESULTS: TargetResult[] = [
  {
    repository: 'acme/web',
    kind: 'run',
    id: 101,
    action: 'delete',
    url: 'https://github.com/acme/web/actions/runs/101',
    outcome: 'planned',
    reason: 'created 20d ago'
  },
  {
    repository: 'acme/api',
    kind: 'secret',
    app: 'dependabot',
    id: 'NPM_TOKEN',
    action: 'write-secret',
    url: '',
    outcome: 'failed',
    reason: 'HTTP 403:\nnot allowed'
  }
]

describe('renderTable', () => {
  it('should give one row per target in columns, without color', () => {
    expect(renderTable(RESULTS, false)).toBe(
      [
        'REPOSITORY  KIND               ID         ACTION        OUTCOME  REASON',
        'acme/web    run                101        delete        planned  created 20d ago',
        'acme/api    dependabot secret  NPM_TOKEN  write-secret  failed   HTTP 403: not allowed',
        ''
      ].join('\n')
    )
    expect(renderTable([], false)).toBe('No targets.\n')
  })

  it('should color the outcomes and the header only when asked', () => {
    const colored = renderTable(RESULTS, true)
    expect(colored).toContain('\u001b[36mplanned\u001b[0m')
    expect(colored).toContain('\u001b[31mfailed \u001b[0m')
    expect(colored.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(renderTable(RESULTS, false))
  })
})

describe('colorFor', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, {}, false]
  ])('a terminal %s with %j: %s', (isTTY, env, color) => {
    expect(colorFor({ isTTY }, env)).toBe(color)
  })
})

describe('renderJson', () => {
  it("should be exactly the action's result output", () => {
    expect(JSON.parse(renderJson(RESULTS, true))).toEqual(RESULTS)
    expect(renderJson(RESULTS, true)).toBe(`${JSON.stringify(RESULTS)}\n`)
  })
})

describe('cliLog', () => {
  function sink(verbose: boolean): {
    lines: string[]
    progress: Progress[]
    log: ReturnType<typeof cliLog>
  } {
    const lines: string[] = []
    const progress: Progress[] = []
    const writer: LineWriter = {
      line: line => lines.push(line),
      progress: each => progress.push(each),
      stop: () => undefined
    }
    return { lines, progress, log: cliLog({ writer, verbose, masks: new Masks() }) }
  }

  it('should write warnings and errors plainly, naming their repository, info only when verbose', async () => {
    const quiet = sink(false)
    const loud = sink(true)
    for (const { log } of [quiet, loud]) {
      log.info('Repositories: 1')
      await log.group('acme/web', async () => {
        log.info('3 runs')
        log.warning('limit reached')
        log.error('acme/web: HTTP 404')
      })
      log.debug('GET /repos/acme/web')
    }
    expect(quiet.lines).toEqual(['warning: acme/web: limit reached', 'error: acme/web: HTTP 404'])
    expect(loud.lines).toEqual([
      'Repositories: 1',
      'acme/web',
      '  3 runs',
      'warning: acme/web: limit reached',
      'error: acme/web: HTTP 404'
    ])
    expect(loud.lines.join('\n')).not.toContain('::')
  })

  it('should mask every value it is told, and pass progress on', () => {
    const { lines, progress, log } = sink(true)
    log.mask('s3cr3t-value')
    log.mask('s3cr3t')
    log.warning('value s3cr3t-value and s3cr3t')
    log.progress({ targets: { done: 1, known: 2 } })
    expect(lines).toEqual(['warning: value *** and ***'])
    expect(progress).toEqual([{ targets: { done: 1, known: 2 } }])
  })
})
