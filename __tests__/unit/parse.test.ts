import { formatDuration } from '../../src/rules/durations.js'
import { describe, expect, it } from '@jest/globals'
import {
  InputError,
  parseBoolean,
  parseDurationSeconds,
  parseGlobs,
  parseInteger,
  parseList,
  parseRegExp,
  parseRepository,
  parseRequiredAgeSeconds,
  parseWorkflows
} from '../../src/inputs/parse.js'

describe('parseList', () => {
  it('splits on newlines and commas and drops blanks', () => {
    expect(parseList(' a, b\n\nc ,, \n d')).toEqual(['a', 'b', 'c', 'd'])
    expect(parseList('')).toEqual([])
  })
})

describe('parseDurationSeconds', () => {
  const upTo35Days = { max: 35 * 86400 }
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['6h', 21600],
    ['7d', 604800],
    ['1h30m', 5400],
    ['1w', 604800],
    ['35d', 35 * 86400]
  ])('reads %s as %d seconds', (raw, seconds) => {
    expect(parseDurationSeconds('stale-after', raw, upTo35Days)).toBe(seconds)
  })
  it('is undefined when empty', () => {
    expect(parseDurationSeconds('stale-after', '  ', upTo35Days)).toBeUndefined()
  })
  it.each(['10', '1.5h', 'h', '-5m', '0s', 'soon', '5 minutes', '1h 30m'])(
    'refuses %j naming the input and an example',
    raw => {
      expect(() => parseDurationSeconds('stale-after', raw, upTo35Days)).toThrow(InputError)
      expect(() => parseDurationSeconds('stale-after', raw, upTo35Days)).toThrow(
        /stale-after.*e\.g\. 'stale-after: 30m'/
      )
    }
  )
  it.each(['35d1s', '36d', '6w', '999999999d', `${'9'.repeat(400)}d`])(
    'refuses %j as longer than the bound, naming the largest accepted value',
    raw => {
      expect(() =>
        parseDurationSeconds('stale-after', raw, { ...upTo35Days, why: 'runs end by then' })
      ).toThrow(
        /^Input 'stale-after': ".*" is longer than 35d, the most it accepts \(runs end by then\)\. Use at most 35d, e\.g\. 'stale-after: 35d'\.$/
      )
    }
  )
  it('takes 0s when the bounds allow it', () => {
    expect(parseDurationSeconds('older-than', '0s', { min: 0, max: 400 * 86400 })).toBe(0)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [5400, '1h30m'],
    [6 * 3600, '6h'],
    [400 * 86400, '400d'],
    [86400 + 61, '1d1m1s']
  ])('writes %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text)
  })
})

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['FALSE', false],
    ['', true]
  ])('reads %j', (raw, value) => {
    expect(parseBoolean('dry-run', raw, true)).toBe(value)
  })
  it.each(['yes', '1', 'on', 'tru'])('refuses %j', raw => {
    expect(() => parseBoolean('dry-run', raw, false)).toThrow(
      /Input 'dry-run': ".*" is not a boolean/
    )
  })
})

describe('parseInteger', () => {
  it('reads whole numbers in range and falls back when empty', () => {
    expect(parseInteger('limit', '25', 100, { min: 1, max: 1000 })).toBe(25)
    expect(parseInteger('limit', '', 100, { min: 1, max: 1000 })).toBe(100)
  })
  it.each(['-1', '1.5', 'ten', '0', '1001', '1e3'])('refuses %j', raw => {
    expect(() => parseInteger('limit', raw, 100, { min: 1, max: 1000 })).toThrow(
      /Input 'limit'.*e\.g\. 'limit: 100'/
    )
  })
})

describe('parseRepository', () => {
  it('splits owner/repo', () => {
    expect(parseRepository('repository', 'octo-org/web.site')).toEqual({
      owner: 'octo-org',
      repo: 'web.site'
    })
  })
  it.each(['web', 'a/b/c', '/web', 'octo org/web', 'octo/..', 'https://github.com/a/b'])(
    'refuses %j',
    raw => {
      expect(() => parseRepository('repository', raw)).toThrow(/Expected owner\/repo/)
    }
  )
})

describe('parseGlobs', () => {
  it('keeps valid globs', () => {
    expect(parseGlobs('branch', 'main, release/**', 'main')).toEqual(['main', 'release/**'])
  })
  it('refuses negations', () => {
    expect(() => parseGlobs('branch', '!main', 'main')).toThrow(/Input 'branch'.*negations/)
  })
})

describe('parseRegExp', () => {
  it('compiles a pattern in RE2 syntax, inline flags included', () => {
    expect(parseRegExp('log-pattern', 'ETIMEDOUT|ECONNRESET')?.test('read ECONNRESET')).toBe(true)
    expect(parseRegExp('log-pattern', '(?i)^error:')?.test('Error: boom')).toBe(true)
    // JavaScript's escape for a code point is translated to RE2's \x{…}.
    expect(parseRegExp('log-pattern', 'caf\\u00e9')?.test('café')).toBe(true)
  })
  it('is undefined when empty', () => {
    expect(parseRegExp('log-pattern', '  ')).toBeUndefined()
  })
  it.each([
    ['does not compile', '(unclosed'],
    ['has a lookbehind', '(?<=npm )ERR!'],
    ['has a negative lookbehind', '(?<!warn )ERR!'],
    ['has a lookahead', 'ERR!(?= network)'],
    ['has a backreference', '(\\w+) \\1']
  ])('refuses a pattern that %s, naming the input and the syntax', (_case, raw) => {
    expect(() => parseRegExp('log-pattern', raw)).toThrow(
      /^Input 'log-pattern': .* is not a regular expression in RE2 syntax .*no backreferences .*no lookahead or lookbehind.*Example: 'log-pattern: ETIMEDOUT\|ECONNRESET'\.$/
    )
  })
  it('matches a pattern that backtracks catastrophically in linear time', () => {
    const pattern = parseRegExp('log-pattern', '(a+)+$')
    const started = performance.now()
    expect(pattern?.test(`${'a'.repeat(34)}!`)).toBe(false)
    expect(pattern?.test('a'.repeat(10_000) + '!')).toBe(false)
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('parseWorkflows', () => {
  it('takes file names and ids', () => {
    expect(parseWorkflows('workflow', 'ci.yml, 1234, deploy.yaml')).toEqual([
      'ci.yml',
      '1234',
      'deploy.yaml'
    ])
  })
  it.each(['CI', '.github/workflows/ci.yml', 'ci.json'])('refuses %j', raw => {
    expect(() => parseWorkflows('workflow', raw)).toThrow(/Input 'workflow'.*ci\.yml/)
  })
})

describe('parseRequiredAgeSeconds', () => {
  it.each([
    ['30d', 30 * 86_400],
    ['1h30m', 5400],
    ['0s', 0],
    ['0d0h', 0],
    ['000m', 0]
  ])('reads %s as %d seconds', (raw, seconds) => {
    expect(parseRequiredAgeSeconds('older-than', raw, '30d')).toBe(seconds)
  })
  it('is required, naming the input, an example and the way to ask for any age', () => {
    expect(() => parseRequiredAgeSeconds('older-than', ' ', '30d')).toThrow(
      /Input 'older-than': is required.*e\.g\. 'older-than: 30d'.*'older-than: 0s'/
    )
  })
  it.each(['0', '-1d', '0.5d', 'soon', '0s1'])('refuses %j', raw => {
    expect(() => parseRequiredAgeSeconds('older-than', raw, '30d')).toThrow(/'older-than'/)
  })
})
