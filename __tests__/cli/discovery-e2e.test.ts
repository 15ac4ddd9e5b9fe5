/**
 * The built command line finds what the runner would hand the action: the token in order
 * (`--github-token`, `GH_TOKEN`, `GITHUB_TOKEN`, `gh auth token` for `GH_HOST`), the repository
 * from the `origin` remote in each URL form, and the API from `GH_HOST`, reached through
 * `HTTPS_PROXY` as the action reaches its API.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { dirname, join } from 'node:path'
import { completedRun } from '../../__fixtures__/clean-up.js'
import { repository, scenario, TOKENS } from '../../__fixtures__/scenario.js'
import type { Scenario, Simulator } from '../../simulator/index.js'
import { fakeGh, freshFolder, runCli } from '../lib/run-cli.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/** A token per place the command line looks, each one the simulator knows. */
const TOKEN = {
  flag: 'ghp_from_the_flag_0001',
  ghToken: 'ghp_from_gh_token_0002',
  githubToken: 'ghp_from_github_token_0003',
  gh: 'gho_from_gh_auth_token_0004'
}

/** acme/web and acme/api, one old completed run each; every token of {@link TOKEN} can write. */
function world(): Scenario {
  const world = scenario(
    repository('acme/web', [completedRun(20, { id: 1 })]),
    repository('acme/api', [completedRun(20, { id: 2 })], 102)
  )
  for (const token of Object.values(TOKEN)) world.tokens[token] = structuredClone(TOKENS.ghs_write!)
  return world
}

/** The tokens that sent requests, by the rate-limit windows they spent. */
const tokensUsed = (s: Simulator): string[] =>
  Object.entries(s.state.rateLimits)
    .filter(([, bucket]) => bucket.remaining < bucket.limit)
    .map(([token]) => token)

const DRY_RUN = ['delete-runs', '--older-than', '0s', '--keep-latest', '0', '--dry-run', '--json']

const GIT_FOLDER = dirname(
  execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
)

describe('the token', () => {
  it('should be --github-token, else GH_TOKEN, else GITHUB_TOKEN, else gh auth token', async () => {
    const s = await simulate(world())
    const gh = fakeGh(TOKEN.gh)
    const base = { GITHUB_API_URL: s.url, GITHUB_REPOSITORY: 'acme/web' }
    const cases: Array<[string[], Record<string, string>, string]> = [
      [
        ['--github-token', TOKEN.flag],
        { GH_TOKEN: TOKEN.ghToken, GITHUB_TOKEN: TOKEN.githubToken },
        TOKEN.flag
      ],
      [[], { GH_TOKEN: TOKEN.ghToken, GITHUB_TOKEN: TOKEN.githubToken }, TOKEN.ghToken],
      [[], { GITHUB_TOKEN: TOKEN.githubToken }, TOKEN.githubToken],
      [[], {}, TOKEN.gh]
    ]
    for (const [flags, env, expected] of cases) {
      for (const bucket of Object.values(s.state.rateLimits)) bucket.remaining = bucket.limit
      const cli = await runCli([...DRY_RUN, ...flags], {
        env: { ...base, ...env },
        path: [gh.folder],
        bundle: true,
        secrets: Object.values(TOKEN)
      })
      expect(cli.exitCode).toBe(0)
      expect(tokensUsed(s)).toEqual([expected])
    }
    expect(readFileSync(gh.argsFile, 'utf8').trim()).toBe('auth token')
  })

  it("should ask gh for GH_HOST's token", async () => {
    const s = await simulate(world())
    const gh = fakeGh(TOKEN.gh)
    const cli = await runCli(DRY_RUN, {
      env: { GITHUB_API_URL: s.url, GITHUB_REPOSITORY: 'acme/web', GH_HOST: 'ghe.example.test' },
      path: [gh.folder],
      secrets: [TOKEN.gh]
    })
    expect(cli.exitCode).toBe(0)
    expect(readFileSync(gh.argsFile, 'utf8').trim()).toBe('auth token --hostname ghe.example.test')
    expect(tokensUsed(s)).toEqual([TOKEN.gh])
  })

  it('should be a usage error when there is none, with no request', async () => {
    const s = await simulate(world())
    const cli = await runCli(DRY_RUN, {
      env: { GITHUB_API_URL: s.url, GITHUB_REPOSITORY: 'acme/web' }
    })
    expect(cli.exitCode).toBe(2)
    expect(cli.stderr).toBe(
      `error: no token found. Pass --github-token TOKEN, set GH_TOKEN or GITHUB_TOKEN, or log in with 'gh auth login'.\n`
    )
    expect(cli.stdout).toBe('')
    expect(s.requests).toEqual([])
  })
})

describe('the repository', () => {
  it.each([
    ['https://github.com/acme/api.git'],
    ['git@github.com:acme/api.git'],
    ['ssh://git@github.com/acme/api']
  ])('should come from the origin remote %s', async url => {
    const s = await simulate(world())
    const checkout = freshFolder('actions-ops-checkout-')
    execFileSync('git', ['init', '-q', checkout])
    execFileSync('git', ['-C', checkout, 'remote', 'add', 'origin', url])
    const cli = await runCli([...DRY_RUN, '--verbose'], {
      env: { GITHUB_API_URL: s.url, GH_TOKEN: TOKEN.ghToken },
      path: [GIT_FOLDER],
      cwd: join(checkout)
    })
    expect(cli.exitCode).toBe(0)
    expect(JSON.parse(cli.stdout)).toMatchObject([{ repository: 'acme/api', id: 2 }])
    expect(cli.stderr).toContain('repository: acme/api (from the origin remote)')
  })

  it('should be GITHUB_REPOSITORY before the origin remote, and --repository before both', async () => {
    const s = await simulate(world())
    const checkout = freshFolder('actions-ops-checkout-')
    execFileSync('git', ['init', '-q', checkout])
    execFileSync('git', ['-C', checkout, 'remote', 'add', 'origin', 'git@github.com:acme/api.git'])
    const options = {
      env: { GITHUB_API_URL: s.url, GH_TOKEN: TOKEN.ghToken, GITHUB_REPOSITORY: 'acme/web' },
      path: [GIT_FOLDER],
      cwd: checkout
    }
    const fromEnv = await runCli(DRY_RUN, options)
    expect(JSON.parse(fromEnv.stdout)).toMatchObject([{ repository: 'acme/web' }])
    const fromFlag = await runCli([...DRY_RUN, '--repository', 'acme/api'], options)
    expect(JSON.parse(fromFlag.stdout)).toMatchObject([{ repository: 'acme/api' }])
  })
})

describe('GH_HOST', () => {
  it("should address the host's API (https://HOST/api/v3), through HTTPS_PROXY", async () => {
    // A proxy that notes what it is asked to connect to and refuses it.
    const asked: string[] = []
    const proxy: Server = createServer(socket => {
      socket.once('data', data => {
        asked.push(data.toString('latin1').split('\r\n')[0] ?? '')
        socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
      })
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = proxy.address() as { port: number }
      // A child process: @actions/github picks its proxy once, when it is first loaded.
      const cli = await runCli([...DRY_RUN, '--verbose', '--repository', 'acme/web'], {
        env: {
          GH_HOST: 'ghe.example.test',
          GH_TOKEN: TOKEN.ghToken,
          HTTPS_PROXY: `http://127.0.0.1:${port}`
        },
        bundle: true
      })
      expect(cli.stderr).toContain('API: https://ghe.example.test/api/v3')
      expect(asked.length).toBeGreaterThan(0)
      expect(new Set(asked)).toEqual(new Set(['CONNECT ghe.example.test:443 HTTP/1.1']))
      // The repository could not be read: a failed target, and the step's failure.
      expect(cli.exitCode).toBe(1)
      expect(JSON.parse(cli.stdout)).toMatchObject([{ kind: 'repository', outcome: 'failed' }])
    } finally {
      await new Promise(resolve => proxy.close(resolve))
    }
  })
})
