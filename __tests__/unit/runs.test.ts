import { describe, expect, it } from '@jest/globals'
import { aRun } from '../../__fixtures__/runs.js'
import { matchesAny, matchesLogin } from '../../src/rules/matching.js'
import { matchesFilters } from '../../src/readers/runs.js'
import type { RunFilters } from '../../src/settings.js'

const none: RunFilters = {
  workflows: [],
  branches: [],
  excludeBranches: [],
  events: [],
  actors: []
}

describe('matchesAny', () => {
  it.each([
    ['main', ['main'], true],
    ['feature/a', ['feature/*'], true],
    ['feature/a/b', ['feature/*'], false],
    ['feature/a/b', ['feature/**'], true],
    ['release-1', ['release-[0-9]'], true],
    ['.hidden', ['*'], true]
  ])('%s against %j is %s', (value, globs, expected) => {
    expect(matchesAny(value, globs)).toBe(expected)
  })
})

describe('matchesLogin', () => {
  it('takes the brackets of a bot login literally', () => {
    expect(matchesLogin('dependabot[bot]', ['dependabot[bot]'])).toBe(true)
    expect(matchesLogin('dependabotb', ['dependabot[bot]'])).toBe(false)
    expect(matchesLogin('renovate[bot]', ['*[bot]'])).toBe(true)
  })
})

describe('matchesFilters', () => {
  it('applies branch, exclude-branch, actor and event filters', () => {
    const run = aRun({
      head_branch: 'feature/x',
      event: 'push',
      triggering_actor: { login: 'dependabot[bot]' } as never
    })
    expect(matchesFilters(run, none)).toBe(true)
    expect(matchesFilters(run, { ...none, branches: ['main'] })).toBe(false)
    expect(matchesFilters(run, { ...none, excludeBranches: ['feature/**'] })).toBe(false)
    expect(matchesFilters(run, { ...none, actors: ['dependabot[bot]'] })).toBe(true)
    expect(matchesFilters(run, { ...none, actors: ['alice'] })).toBe(false)
    expect(matchesFilters(run, { ...none, events: ['pull_request'] })).toBe(false)
  })
  it('falls back to the actor when there is no triggering actor', () => {
    const run = aRun({ triggering_actor: null as never, actor: { login: 'bob' } as never })
    expect(matchesFilters(run, { ...none, actors: ['bob'] })).toBe(true)
  })
})
