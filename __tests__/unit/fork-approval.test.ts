import { describe, expect, it } from '@jest/globals'
import {
  checkActor,
  checkChangedFiles,
  checkListingComplete,
  matchPullRequests,
  MAX_LISTED_FILES,
  shortSha,
  type ChangedFile,
  type OpenPullRequest
} from '../../src/operations/approve-fork-runs/rules.js'

const DEFAULT_PROTECTED = ['.github/workflows/**', '.github/actions/**']
const RUN_SHA = 'a'.repeat(40)
const NEWER_SHA = 'b'.repeat(40)
const pull = (number: number, headSha: string, headRepository?: string): OpenPullRequest => ({
  number,
  headSha,
  ...(headRepository !== undefined && { headRepository })
})
const file = (filename: string, status = 'modified', previous?: string): ChangedFile => ({
  filename,
  status,
  ...(previous !== undefined && { previous_filename: previous })
})

describe('checkActor', () => {
  it.each<[string, string, string[], string | undefined]>([
    ['anyone when trusted-actors is empty', 'mallory', [], undefined],
    ['a listed login', 'alice', ['alice', 'bob'], undefined],
    ['a bot login written as is', 'dependabot[bot]', ['dependabot[bot]'], undefined],
    ['a bot login written escaped', 'renovate[bot]', ['renovate\\[bot\\]'], undefined],
    ['any bot', 'renovate[bot]', ['*[bot]'], undefined],
    [
      'a user whose login a bracket class would match',
      'dependabotb',
      ['dependabot[bot]'],
      'actor dependabotb not trusted (trusted-actors: dependabot[bot])'
    ],
    ['a login matching a wildcard', 'docs-bot', ['*-bot'], undefined],
    [
      'a login not listed',
      'mallory',
      ['alice'],
      'actor mallory not trusted (trusted-actors: alice)'
    ],
    ['an unknown actor', '', ['*'], 'actor (unknown) not trusted (trusted-actors: *)'],
    [
      'a login that only shares a prefix',
      'alice2',
      ['alice'],
      'actor alice2 not trusted (trusted-actors: alice)'
    ]
  ])('allows or refuses %s', (_, actor, trusted, reason) => {
    const refusal = checkActor(actor, trusted)
    expect(refusal?.reason).toBe(reason)
    if (refusal) expect(refusal.outcome).toBe('skipped')
  })
})

describe('matchPullRequests', () => {
  it.each<[string, OpenPullRequest[], number[] | string]>([
    ['the pull request whose head is the run commit', [pull(7, RUN_SHA, 'mallory/web')], [7]],
    [
      'every pull request of that head (one head, two base branches)',
      [pull(7, RUN_SHA, 'mallory/web'), pull(9, RUN_SHA, 'mallory/web')],
      [7, 9]
    ],
    ['the head repository case-insensitively', [pull(7, RUN_SHA, 'Mallory/Web')], [7]],
    [
      'a pull request that moved past the run commit',
      [pull(7, NEWER_SHA, 'mallory/web')],
      'pull request #7 moved to bbbbbbb (run is at aaaaaaa)'
    ],
    ['no pull request at all', [], 'no open pull request at aaaaaaa'],
    [
      'a pull request from another repository of the same owner',
      [pull(7, RUN_SHA, 'mallory/other')],
      'no open pull request at aaaaaaa'
    ],
    [
      'a pull request whose fork was deleted',
      [pull(7, RUN_SHA)],
      'no open pull request at aaaaaaa'
    ],
    [
      'a SHA that only shares a prefix with the head',
      [pull(7, 'a'.repeat(39) + 'b', 'mallory/web')],
      'pull request #7 moved to aaaaaaa (run is at aaaaaaa)'
    ]
  ])('matches %s', (_, open, expected) => {
    const result = matchPullRequests(RUN_SHA, 'mallory/web', open)
    if (typeof expected === 'string') {
      expect(result).toEqual({ outcome: 'skipped', reason: expected })
    } else {
      expect(Array.isArray(result) ? result.map(p => p.number) : result).toEqual(expected)
    }
  })
})

describe('checkChangedFiles', () => {
  it.each<[string, ChangedFile[], string[], string | undefined]>([
    ['source changes only', [file('src/app.ts'), file('README.md')], DEFAULT_PROTECTED, undefined],
    [
      'a workflow change',
      [file('src/app.ts'), file('.github/workflows/x.yml')],
      DEFAULT_PROTECTED,
      'touches .github/workflows/x.yml (pull request #7)'
    ],
    [
      'a nested composite action',
      [file('.github/actions/setup/action.yml', 'added')],
      DEFAULT_PROTECTED,
      'touches .github/actions/setup/action.yml (pull request #7)'
    ],
    [
      'a file renamed out of a protected folder',
      [file('tools/setup.yml', 'renamed', '.github/actions/setup/action.yml')],
      DEFAULT_PROTECTED,
      'touches .github/actions/setup/action.yml (renamed to tools/setup.yml; pull request #7)'
    ],
    [
      'a file renamed into a protected folder',
      [file('.github/workflows/evil.yml', 'renamed', 'docs/evil.yml')],
      DEFAULT_PROTECTED,
      'touches .github/workflows/evil.yml (pull request #7)'
    ],
    [
      'a removed workflow',
      [file('.github/workflows/ci.yml', 'removed')],
      DEFAULT_PROTECTED,
      'touches .github/workflows/ci.yml (pull request #7)'
    ],
    [
      'a path outside custom protected paths',
      [file('.github/workflows/x.yml')],
      ['scripts/**'],
      undefined
    ],
    [
      'a path inside custom protected paths',
      [file('scripts/release.sh')],
      ['scripts/**', 'Makefile'],
      'touches scripts/release.sh (pull request #7)'
    ],
    [
      'a dot-file under a protected glob',
      [file('.github/.hidden/x')],
      ['.github/**'],
      'touches .github/.hidden/x (pull request #7)'
    ],
    ['a look-alike folder', [file('.github/workflowsx/y.yml')], DEFAULT_PROTECTED, undefined],
    ...(['.github', '.github/', '/.github', '/.github/', '.github/**'] as const).map(
      pattern =>
        [
          `a folder given as ${pattern}`,
          [file('src/app.ts'), file('.github/workflows/x.yml')],
          [pattern],
          'touches .github/workflows/x.yml (pull request #7)'
        ] as [string, ChangedFile[], string[], string]
    ),
    [
      'a rooted folder path',
      [file('.github/workflows/x.yml')],
      ['/.github/workflows'],
      'touches .github/workflows/x.yml (pull request #7)'
    ],
    [
      'the folder itself given as a file',
      [file('.github', 'added')],
      ['.github/'],
      'touches .github (pull request #7)'
    ],
    ['a look-alike of a bare folder', [file('.githubx/y.yml')], ['.github'], undefined],
    [
      'another case than the pattern (checked out alike on a case-insensitive runner)',
      [file('.GitHub/Actions/setup/action.yml')],
      DEFAULT_PROTECTED,
      'touches .GitHub/Actions/setup/action.yml (pull request #7)'
    ],
    [
      'another case, renamed away',
      [file('tools/x.yml', 'renamed', '.GITHUB/workflows/ci.yml')],
      DEFAULT_PROTECTED,
      'touches .GITHUB/workflows/ci.yml (renamed to tools/x.yml; pull request #7)'
    ],
    [
      'a manifest in a sub-folder',
      [file('packages/app/package.json')],
      ['**/package.json'],
      'touches packages/app/package.json (pull request #7)'
    ]
  ])('judges %s', (_, files, protectedPaths, reason) => {
    const refusal = checkChangedFiles(7, files, protectedPaths)
    expect(refusal?.reason).toBe(reason)
    if (refusal) expect(refusal.outcome).toBe('skipped')
  })

  it('finds a protected file on the last page of a long listing', () => {
    const files = Array.from({ length: 250 }, (_, i) => file(`src/f${i}.ts`))
    files.push(file('.github/workflows/late.yml'))
    expect(checkChangedFiles(7, files, DEFAULT_PROTECTED)?.reason).toBe(
      'touches .github/workflows/late.yml (pull request #7)'
    )
  })

  it('refuses a listing cut at 3,000 files, since the rest cannot be seen', () => {
    const files = Array.from({ length: MAX_LISTED_FILES }, (_, i) => file(`src/f${i}.ts`))
    expect(checkChangedFiles(7, files, DEFAULT_PROTECTED)?.reason).toMatch(
      /^pull request #7 changes 3000 files or more; GitHub lists only 3000/
    )
    expect(checkChangedFiles(7, files.slice(1), DEFAULT_PROTECTED)).toBeUndefined()
  })
})

describe('checkListingComplete', () => {
  const files = [file('src/a.ts'), file('src/b.ts')]
  it.each<[string, number | undefined, string | undefined]>([
    ['as many files as the pull request changes', 2, undefined],
    [
      'fewer files than the pull request changes',
      5,
      'pull request #7 changes 5 files but GitHub listed 2, so the rest cannot be checked: review it by hand'
    ],
    [
      'more files than the pull request changes',
      1,
      'pull request #7 changes 1 file but GitHub listed 2, so the rest cannot be checked: review it by hand'
    ],
    [
      'no count to compare with',
      undefined,
      'pull request #7 gave no count of its changed files, so the listing of 2 cannot be confirmed complete: review it by hand'
    ]
  ])('judges a listing of %s', (_, changedFiles, reason) => {
    const refusal = checkListingComplete(7, files, changedFiles)
    expect(refusal?.reason).toBe(reason)
    if (refusal) expect(refusal.outcome).toBe('skipped')
  })
})

describe('shortSha', () => {
  it('keeps the first 7 hex digits', () => {
    expect(shortSha('0123456789abcdef0123456789abcdef01234567')).toBe('0123456')
  })
})
