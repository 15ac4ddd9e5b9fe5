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
} from '../../src/parse.js'

describe('parseList', () => {
  it('splits on newlines and commas and drops blanks', () => {
    expect(parseList(' a, b\n\nc ,, \n d')).toEqual(['a', 'b', 'c', 'd'])
    expect(parseList('')).toEqual([])
  })
})

describe('parseDurationSeconds', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['6h', 21600],
    ['7d', 604800],
    ['1h30m', 5400],
    ['1w', 604800]
  ])('reads %s as %d seconds', (raw, seconds) => {
    expect(parseDurationSeconds('stale-after', raw)).toBe(seconds)
  })
  it('is undefined when empty', () => {
    expect(parseDurationSeconds('stale-after', '  ')).toBeUndefined()
  })
  it.each(['10', '1.5h', 'h', '-5m', '0s', 'soon', '5 minutes', '1h 30m'])(
    'refuses %j naming the input and an example',
    raw => {
      expect(() => parseDurationSeconds('stale-after', raw)).toThrow(InputError)
      expect(() => parseDurationSeconds('stale-after', raw)).toThrow(
        /stale-after.*e\.g\. 'stale-after: 30m'/
      )
    }
  )
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
  it('compiles a pattern', () => {
    expect(parseRegExp('log-pattern', 'ETIMEDOUT|ECONNRESET')?.test('read ECONNRESET')).toBe(true)
  })
  it('refuses a pattern that does not compile', () => {
    expect(() => parseRegExp('log-pattern', '(unclosed')).toThrow(
      /Input 'log-pattern'.*not a valid regular expression/
    )
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
