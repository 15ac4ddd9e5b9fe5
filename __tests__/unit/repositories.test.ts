import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import {
  InputError,
  parseRepositoryEntries,
  parseRepositoryEntry,
  parseRepositoryGlobs
} from '../../src/inputs/parse.js'
import { readsPerRepository } from '../../src/operations/sweep-cost.js'
import {
  assembleRepositories,
  matchesPattern,
  tokenKindOf,
  type ListedRepository
} from '../../src/readers/repositories.js'
import { excludedBy } from '../../src/rules/matching.js'
import type { RepositoryEntry } from '../../src/settings.js'
import type { SettingsFor } from '../../src/operations/settings.js'

// @actions/core announces the token's mask on stdout: keep it out of the test log.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

const pattern = (text: string): Extract<RepositoryEntry, { kind: 'pattern' }> => {
  const entry = parseRepositoryEntry('repository', text)
  if (entry.kind !== 'pattern') throw new Error(`${text} is not a pattern`)
  return entry
}
const listed = (fullName: string, archived = false): ListedRepository => {
  const [owner = '', repo = ''] = fullName.split('/')
  return { owner, repo, archived }
}
const names = (repositories: Array<{ owner: string; repo: string }>): string[] =>
  repositories.map(({ owner, repo }) => `${owner}/${repo}`)

describe('parseRepositoryEntry', () => {
  it.each([
    ['acme/web', { kind: 'named', owner: 'acme', repo: 'web' }],
    ['octo-org/web.site', { kind: 'named', owner: 'octo-org', repo: 'web.site' }],
    [' acme/web ', { kind: 'named', owner: 'acme', repo: 'web' }],
    ['acme/*', { kind: 'pattern', text: 'acme/*', owner: 'acme', glob: '*' }],
    ['acme/web-*', { kind: 'pattern', text: 'acme/web-*', owner: 'acme', glob: 'web-*' }],
    ['acme/svc-?', { kind: 'pattern', text: 'acme/svc-?', owner: 'acme', glob: 'svc-?' }],
    ['acme/[ab]pi', { kind: 'pattern', text: 'acme/[ab]pi', owner: 'acme', glob: '[ab]pi' }],
    ['*', { kind: 'pattern', text: '*', glob: '*' }]
  ])('reads %j', (raw, entry) => {
    expect(parseRepositoryEntry('repository', raw)).toEqual(entry)
  })

  it.each([
    ['*/web', 'only the name part may be a glob'],
    ['*/*', 'only the name part may be a glob'],
    ['ac*me/web', 'only the name part may be a glob'],
    ['{acme,octo}/web', 'only the name part may be a glob'],
    ['acme/', 'the name is empty'],
    ['/web', 'the owner is empty'],
    ['/', 'the owner is empty'],
    ['/*', 'the owner is empty'],
    ['acme', 'it has no owner/ part'],
    ['**', 'it has no owner/ part'],
    ['acme/web/x', 'more than one /'],
    ['acme/*/x', 'more than one /'],
    ['https://github.com/acme/web', 'more than one /'],
    ['-acme/web', 'is not an owner login'],
    ['acme/we b', 'is not a repository name'],
    ['acme/..', 'is not a repository name'],
    ['acme/!web', 'is not a repository name'],
    ['acme/!web*', 'is not a usable glob'],
    ['acme/web]*', 'is not a usable glob'],
    ['acme/[]*', 'is not a usable glob'],
    ['acme/web*~', 'is not a usable glob'],
    ['acme/[', 'is not a usable glob']
  ])('refuses %j (%s), naming repository and accepted examples', (raw, why) => {
    const refuse = (): unknown => parseRepositoryEntry('repository', raw)
    expect(refuse).toThrow(InputError)
    expect(refuse).toThrow(why)
    expect(refuse).toThrow(
      /^Input 'repository': .*e\.g\. 'acme\/web', 'acme\/\*' or 'acme\/web-\*'\.$/
    )
  })
})

describe('parseRepositoryEntries', () => {
  it('keeps the order given, each entry once whatever its case', () => {
    expect(
      parseRepositoryEntries('repository', 'acme/web\nACME/*, acme/Web\n*, Acme/*\n*').map(entry =>
        entry.kind === 'named' ? `${entry.owner}/${entry.repo}` : entry.text
      )
    ).toEqual(['acme/web', 'ACME/*', '*'])
  })
})

describe('parseRepositoryGlobs', () => {
  it.each([['acme/legacy-*'], ['*/sandbox'], ['*/*'], ['acme/web'], ['ac*/[ab]*']])(
    'accepts %j',
    raw => {
      expect(parseRepositoryGlobs('exclude-repository', raw)).toEqual([raw])
    }
  )
  it.each([['legacy-*'], ['acme/'], ['/web'], ['acme/web/x'], ['**'], ['!acme/web']])(
    'refuses %j naming exclude-repository and an example',
    raw => {
      expect(() => parseRepositoryGlobs('exclude-repository', raw)).toThrow(
        /^Input 'exclude-repository': .* e\.g\. 'exclude-repository: acme\/legacy-\*'/
      )
    }
  )
})

describe('matchesPattern', () => {
  it.each([
    ['acme/*', 'acme/web', true],
    ['acme/*', 'ACME/Web', true],
    ['acme/*', 'acme/.github', true],
    ['acme/*', 'octo/web', false],
    ['acme/web-*', 'acme/web-app', true],
    ['acme/web-*', 'acme/WEB-app', true],
    ['acme/web-*', 'acme/api', false],
    ['acme/svc-?', 'acme/svc-1', true],
    ['acme/svc-?', 'acme/svc-10', false],
    ['*', 'octo/anything', true]
  ])('%s on %s is %s', (text, fullName, expected) => {
    const [owner = '', repo = ''] = fullName.split('/')
    expect(matchesPattern(pattern(text), { owner, repo })).toBe(expected)
  })
})

describe('excludedBy', () => {
  it('names the first glob that matches, case-insensitively', () => {
    expect(excludedBy('acme/Legacy-api', ['octo/*', 'acme/legacy-*'])).toBe('acme/legacy-*')
    expect(excludedBy('acme/.github', ['acme/*'])).toBe('acme/*')
    expect(excludedBy('acme/web', ['*/sandbox'])).toBeUndefined()
  })
})

describe('assembleRepositories', () => {
  it('keeps the order given, a pattern by name, each repository once, excluded ones out', () => {
    const entries = parseRepositoryEntries('repository', 'acme/zeta, acme/*, octo/tool, *')
    const [, acme, , every] = entries
    const matches = new Map<RepositoryEntry, ListedRepository[]>([
      [acme!, [listed('acme/web'), listed('acme/Api'), listed('acme/ZETA'), listed('acme/legacy')]],
      [every!, [listed('octo/tool'), listed('beta/x'), listed('acme/web')]]
    ])
    const { repositories, notes } = assembleRepositories(entries, matches, ['*/legacy'])
    expect(names(repositories)).toEqual([
      'acme/zeta',
      'acme/Api',
      'acme/web',
      'octo/tool',
      'beta/x'
    ])
    expect(notes.map(note => [note.matched, note.excluded.map(e => e.repository)])).toEqual([
      [1, []],
      [4, ['acme/legacy']],
      [1, []],
      [3, []]
    ])
  })

  it('leaves out archived repositories a pattern finds, and keeps archived ones named', () => {
    const entries = parseRepositoryEntries('repository', 'acme/*, acme/old')
    const matches = new Map([[entries[0]!, [listed('acme/web'), listed('acme/old', true)]]])
    const { repositories, notes } = assembleRepositories(entries, matches, [])
    expect(names(repositories)).toEqual(['acme/web', 'acme/old'])
    expect(notes[0]?.archived).toBe(1)
  })

  it('removes named repositories that an exclude glob matches', () => {
    const entries = parseRepositoryEntries('repository', 'acme/web, acme/sandbox')
    const { repositories } = assembleRepositories(entries, new Map(), ['ACME/SAND*'])
    expect(names(repositories)).toEqual(['acme/web'])
  })

  it('gives an empty list for a pattern that matched nothing', () => {
    const entries = parseRepositoryEntries('repository', 'acme/nothing-*')
    expect(assembleRepositories(entries, new Map(), []).repositories).toEqual([])
  })
})

describe('tokenKindOf', () => {
  it.each([
    ['ghs_abc', 'installation'],
    ['ghp_abc', 'user'],
    ['github_pat_11ABC', 'user'],
    ['gho_abc', 'user'],
    ['ghu_abc', 'user'],
    ['0123456789abcdef0123456789abcdef01234567', 'unknown'],
    ['v1.0123456789abcdef', 'unknown']
  ])('%s is %s', (token, kind) => {
    expect(tokenKindOf(token)).toBe(kind)
  })
})

describe('readsPerRepository', () => {
  const settingsOf = (withInputs: Record<string, string>): ReturnType<typeof getSettings> =>
    getSettings(inputs(withInputs), runnerEnv)
  it.each([
    [{ operation: 'cancel-stale' }, 1],
    [{ operation: 'rerun-failed', workflow: 'ci.yml, deploy.yml' }, 2],
    [{ operation: 'approve-fork-runs' }, 1],
    [{ operation: 'review-deployments' }, 1],
    [{ operation: 'rotate-secrets', secrets: 'A', generate: 'true' }, 3],
    [
      {
        operation: 'rotate-secrets',
        secrets: 'A',
        generate: 'true',
        scope: 'environment',
        environment: 'prod'
      },
      4
    ],
    [{ operation: 'rotate-secrets', secrets: 'A', generate: 'true', scope: 'organization' }, 0]
  ])('%j costs %d per repository', (withInputs, reads) => {
    expect(readsPerRepository(settingsOf(withInputs))).toBe(reads)
  })
})

describe('repository inputs', () => {
  it('keeps the entries as given and the named repositories, excluded ones out', () => {
    const settings = getSettings(
      inputs({
        operation: 'cancel-stale',
        repository: 'acme/web, acme/*, acme/sandbox',
        'exclude-repository': '*/sandbox'
      }),
      runnerEnv
    )
    expect(settings.repositoryEntries).toEqual([
      { kind: 'named', owner: 'acme', repo: 'web' },
      { kind: 'pattern', text: 'acme/*', owner: 'acme', glob: '*' },
      { kind: 'named', owner: 'acme', repo: 'sandbox' }
    ])
    expect(settings.excludeRepositories).toEqual(['*/sandbox'])
    expect(settings.repositories).toEqual([{ owner: 'acme', repo: 'web' }])
  })

  it('refuses run-id with a pattern, naming run-id and the pattern', () => {
    expect(() =>
      getSettings(
        inputs({ operation: 'rerun-failed', 'run-id': '555', repository: 'acme/web-*' }),
        runnerEnv
      )
    ).toThrow(
      /^Input 'run-id': "555" names one run, but 'repository' has the pattern "acme\/web-\*"/
    )
  })

  it("gives a workflow_run event's run to its repository when a pattern may match it", () => {
    const settings = getSettings(inputs({ operation: 'rerun-failed', repository: 'acme/*' }), {
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: eventFile({
        workflow_run: { id: 555 },
        repository: { full_name: 'acme/api' }
      })
    }) as SettingsFor<'rerun-failed'>
    expect(settings.filters).toMatchObject({ runId: 555, runIdRepository: 'acme/api' })
  })

  it("defaults rotate-secrets' organization to the owner of the first entry, pattern or not", () => {
    const settings = getSettings(
      inputs({
        operation: 'rotate-secrets',
        repository: '*, octo/*, acme/web',
        secrets: 'A',
        generate: 'true',
        scope: 'organization'
      }),
      runnerEnv
    ) as SettingsFor<'rotate-secrets'>
    expect(settings.organization).toBe('octo')
  })

  it("refuses organization scope without 'organization' when repository is only '*'", () => {
    expect(() =>
      getSettings(
        inputs({
          operation: 'rotate-secrets',
          repository: '*',
          secrets: 'A',
          generate: 'true',
          scope: 'organization'
        }),
        runnerEnv
      )
    ).toThrow(/^Input 'organization': is required .* e\.g\. 'organization: acme'/)
  })
})

function eventFile(payload: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'actions-ops-event-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return path
}
