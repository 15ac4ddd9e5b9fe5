/**
 * Where the command line finds what the runner hands the action: the token (flag, GH_TOKEN,
 * GITHUB_TOKEN, `gh auth token`), the API (GITHUB_API_URL, GH_HOST), the web URL of the links, and
 * the repository (GITHUB_REPOSITORY, the origin remote).
 */
import { describe, expect, it } from '@jest/globals'
import {
  apiUrlFor,
  findRepository,
  findToken,
  parseRemoteUrl,
  readerEnvironment,
  serverUrlFor,
  type CommandRunner
} from '../../src/adapters/cli/environment.js'

/** A stand-in for `gh` and `git` that records its calls and prints `answers[file]`. */
function runner(answers: Record<string, string | undefined>): CommandRunner & { calls: string[] } {
  const calls: string[] = []
  const run = (file: string, args: readonly string[]): string | undefined => {
    calls.push([file, ...args].join(' '))
    return answers[file]
  }
  return Object.assign(run, { calls })
}

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/acme/web.git', 'github.com', 'acme/web'],
    ['https://github.com/acme/web', 'github.com', 'acme/web'],
    ['https://github.com/acme/web/', 'github.com', 'acme/web'],
    ['https://user@ghe.example.com:8443/acme/web.git', 'ghe.example.com', 'acme/web'],
    ['http://ghe.local/acme/my.repo.git', 'ghe.local', 'acme/my.repo'],
    ['git@github.com:acme/web.git', 'github.com', 'acme/web'],
    ['git@github.com:acme/web', 'github.com', 'acme/web'],
    ['github-work:acme/web.git', 'github-work', 'acme/web'],
    ['ssh://git@github.com/acme/web.git', 'github.com', 'acme/web'],
    ['ssh://git@ghe.example.com:2222/acme/web', 'ghe.example.com', 'acme/web'],
    ['git://github.com/acme/web.git', 'github.com', 'acme/web']
  ])('%s → %s %s', (url, host, repository) => {
    const parsed = parseRemoteUrl(url)
    expect(parsed && { host: parsed.host, repository: `${parsed.owner}/${parsed.repo}` }).toEqual({
      host,
      repository
    })
  })

  it.each([
    '/home/me/web',
    '../web.git',
    'file:///srv/git/acme/web.git',
    'https://gitlab.example.com/group/sub/web.git',
    'https://github.com/acme',
    'git@github.com:acme/web/extra.git',
    'C:\\repos\\web',
    ''
  ])('%j names no repository', url => {
    expect(parseRemoteUrl(url)).toBeUndefined()
  })
})

describe('apiUrlFor and serverUrlFor', () => {
  it.each([
    [{}, 'https://api.github.com', 'https://github.com'],
    [{ GH_HOST: 'github.com' }, 'https://api.github.com', 'https://github.com'],
    [{ GH_HOST: 'ghe.example.com' }, 'https://ghe.example.com/api/v3', 'https://ghe.example.com'],
    [
      { GH_HOST: 'https://GHE.example.com/' },
      'https://ghe.example.com/api/v3',
      'https://ghe.example.com'
    ],
    [{ GH_HOST: 'acme.ghe.com' }, 'https://api.acme.ghe.com', 'https://acme.ghe.com'],
    [
      { GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GH_HOST: 'other.example.com' },
      'https://ghe.example.com/api/v3',
      'https://ghe.example.com'
    ],
    [
      {
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        GITHUB_SERVER_URL: 'https://web.example.com/'
      },
      'https://ghe.example.com/api/v3',
      'https://web.example.com'
    ],
    [{ GITHUB_API_URL: 'http://127.0.0.1:3000' }, 'http://127.0.0.1:3000', undefined]
  ])('%j → %s, links on %s', (env, api, server) => {
    expect(apiUrlFor(env)).toBe(api)
    expect(serverUrlFor(env, apiUrlFor(env))).toBe(server)
  })
})

describe('findToken', () => {
  const everywhere = { GH_TOKEN: 'from-gh-token', GITHUB_TOKEN: 'from-github-token' }

  it('should take --github-token, else GH_TOKEN, else GITHUB_TOKEN, else gh auth token', () => {
    const gh = runner({ gh: 'from-gh' })
    expect(findToken('from-flag', everywhere, gh)).toEqual({
      token: 'from-flag',
      source: '--github-token'
    })
    expect(findToken(undefined, everywhere, gh)).toEqual({
      token: 'from-gh-token',
      source: 'GH_TOKEN'
    })
    expect(findToken(undefined, { GITHUB_TOKEN: 'from-github-token' }, gh)).toEqual({
      token: 'from-github-token',
      source: 'GITHUB_TOKEN'
    })
    expect(gh.calls).toEqual([])
    expect(findToken(' ', { GH_TOKEN: '' }, gh)).toEqual({
      token: 'from-gh',
      source: 'gh auth token'
    })
    expect(gh.calls).toEqual(['gh auth token'])
  })

  it('should ask gh for the token of GH_HOST', () => {
    const gh = runner({ gh: 'from-gh' })
    findToken(undefined, { GH_HOST: 'ghe.example.com' }, gh)
    expect(gh.calls).toEqual(['gh auth token --hostname ghe.example.com'])
  })

  it('should find none when gh gives none', () => {
    expect(findToken(undefined, {}, runner({}))).toBeUndefined()
  })
})

describe('findRepository', () => {
  it('should take GITHUB_REPOSITORY without asking git', () => {
    const git = runner({ git: 'git@github.com:acme/other.git' })
    expect(findRepository({ GITHUB_REPOSITORY: 'acme/web' }, git)).toEqual({
      repository: 'acme/web',
      source: 'GITHUB_REPOSITORY'
    })
    expect(git.calls).toEqual([])
  })

  it("should read the origin remote's URL otherwise", () => {
    const git = runner({ git: 'ssh://git@github.com/acme/api.git' })
    expect(findRepository({}, git)).toEqual({ repository: 'acme/api', source: 'the origin remote' })
    expect(git.calls).toEqual(['git remote get-url origin'])
    expect(findRepository({}, runner({}))).toBeUndefined()
  })
})

describe('readerEnvironment', () => {
  it('should give the readers no event, and the run id only inside a workflow run', () => {
    const env = {
      GITHUB_EVENT_PATH: '/tmp/event.json',
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_RUN_ID: '42',
      ACTIONS_OPS_TIME_SCALE: '0.5'
    }
    const found = { apiUrl: 'https://api.github.com', repository: 'acme/web' }
    expect(readerEnvironment(env, found)).toEqual({
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_REPOSITORY: 'acme/web',
      ACTIONS_OPS_TIME_SCALE: '0.5'
    })
    expect(readerEnvironment({ ...env, GITHUB_ACTIONS: 'true' }, found)).toMatchObject({
      GITHUB_RUN_ID: '42'
    })
  })
})
