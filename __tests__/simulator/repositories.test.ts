import { afterEach, describe, expect, it } from '@jest/globals'
import {
  startSimulator,
  type Scenario,
  type ScenarioRepository,
  type Simulator
} from '../../simulator/index.js'
import { call, links, NOW } from './helpers.js'

const repo = (
  fullName: string,
  id: number,
  extra: Partial<ScenarioRepository> = {}
): ScenarioRepository => {
  const [owner = '', name = ''] = fullName.split('/')
  return { owner, name, id, private: false, workflows: [], runs: [], ...extra }
}

/**
 * An organization acme (public web, private api, archived old, a fork), a user alice (public
 * blog, private notes), a user bob (public tool, private vault alice collaborates on), and tokens:
 * an app installed on two acme repositories, an app with every repository, alice's token (her
 * own, acme/api as a member, bob/vault as a collaborator), and a token of carol (given nothing).
 */
function world(): Scenario {
  return {
    now: NOW,
    users: ['bob', 'carol'],
    tokens: {
      ghs_app: {
        login: 'sweeper[bot]',
        kind: 'app',
        permissions: { metadata: 'read' },
        repositories: ['acme/web', 'acme/api']
      },
      ghs_all: { login: 'everything[bot]', kind: 'app', permissions: { metadata: 'read' } },
      ghp_alice: {
        login: 'alice',
        kind: 'user',
        repositories: ['alice/blog', 'alice/notes', 'acme/api', 'bob/vault', 'acme/web']
      },
      ghp_carol: { login: 'carol', kind: 'user', repositories: [] }
    },
    repositories: [
      repo('acme/web', 101),
      repo('acme/api', 102, { private: true }),
      repo('acme/old', 103, { archived: true }),
      repo('acme/web-fork', 104, { fork: true }),
      repo('alice/blog', 201),
      repo('alice/notes', 202, { private: true }),
      repo('bob/tool', 301),
      repo('bob/vault', 302, { private: true })
    ]
  }
}

let sim: Simulator
afterEach(async () => {
  expect(sim.violations).toEqual([])
  await sim.close()
})

const fullNames = (body: unknown): string[] =>
  (body as Array<{ full_name: string }>).map(r => r.full_name)

describe('GET /installation/repositories', () => {
  it('lists what the installation was granted, private ones included, page by page', async () => {
    sim = await startSimulator({ scenario: world() })
    const first = await call(sim, '/installation/repositories?per_page=1', { token: 'ghs_app' })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      total_count: 2,
      repository_selection: 'selected',
      repositories: [{ full_name: 'acme/web', private: false, owner: { type: 'Organization' } }]
    })
    const next = links(first).next ?? ''
    const second = await call(sim, new URL(next).pathname + new URL(next).search, {
      token: 'ghs_app'
    })
    expect(second.body).toMatchObject({ repositories: [{ full_name: 'acme/api', private: true }] })
    const all = await call(sim, '/installation/repositories?per_page=100', { token: 'ghs_all' })
    expect(all.body).toMatchObject({ total_count: 8, repository_selection: 'all' })
  })

  it("refuses a person's token with GitHub's 403", async () => {
    sim = await startSimulator({ scenario: world() })
    const refused = await call(sim, '/installation/repositories', { token: 'ghp_alice' })
    expect(refused.status).toBe(403)
    expect((refused.body as { message: string }).message).toBe(
      'You must authenticate with an installation access token in order to list repositories for an installation.'
    )
  })
})

describe('GET /orgs/{org}/repos', () => {
  it('lists the repositories the token can see, archived and forks marked', async () => {
    sim = await startSimulator({ scenario: world() })
    const asAlice = await call(sim, '/orgs/acme/repos?per_page=100&sort=full_name', {
      token: 'ghp_alice'
    })
    expect(asAlice.status).toBe(200)
    expect(fullNames(asAlice.body)).toEqual(['acme/api', 'acme/old', 'acme/web', 'acme/web-fork'])
    expect(asAlice.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ full_name: 'acme/old', archived: true }),
        expect.objectContaining({ full_name: 'acme/web-fork', fork: true })
      ])
    )
    // carol was given nothing: the private repository does not show.
    const asCarol = await call(sim, '/orgs/acme/repos', { token: 'ghp_carol' })
    expect(fullNames(asCarol.body).sort()).toEqual(['acme/old', 'acme/web', 'acme/web-fork'])
    const sources = await call(sim, '/orgs/acme/repos?type=sources', { token: 'ghp_alice' })
    expect(fullNames(sources.body)).not.toContain('acme/web-fork')
  })

  it('answers 404 for a user or an unknown login', async () => {
    sim = await startSimulator({ scenario: world() })
    expect((await call(sim, '/orgs/alice/repos', { token: 'ghp_alice' })).status).toBe(404)
    expect((await call(sim, '/orgs/nobody/repos', { token: 'ghp_alice' })).status).toBe(404)
  })
})

describe('GET /users/{username}/repos', () => {
  it("lists a user's public repositories only, whoever asks", async () => {
    sim = await startSimulator({ scenario: world() })
    const bob = await call(sim, '/users/bob/repos', { token: 'ghp_alice' })
    expect(fullNames(bob.body)).toEqual(['bob/tool'])
    const own = await call(sim, '/users/alice/repos', { token: 'ghp_alice' })
    expect(fullNames(own.body)).toEqual(['alice/blog'])
    expect((await call(sim, '/users/acme/repos', { token: 'ghp_alice' })).status).toBe(404)
  })
})

describe('GET /user/repos', () => {
  it('lists own, organization-member and collaborator repositories by affiliation', async () => {
    sim = await startSimulator({ scenario: world() })
    const every = await call(sim, '/user/repos?per_page=100', { token: 'ghp_alice' })
    expect(fullNames(every.body)).toEqual([
      'acme/api',
      'acme/web',
      'alice/blog',
      'alice/notes',
      'bob/vault'
    ])
    const own = await call(sim, '/user/repos?affiliation=owner', { token: 'ghp_alice' })
    expect(fullNames(own.body)).toEqual(['alice/blog', 'alice/notes'])
    const shared = await call(sim, '/user/repos?affiliation=collaborator', { token: 'ghp_alice' })
    expect(fullNames(shared.body)).toEqual(['bob/vault'])
    const mine = await call(sim, '/user/repos?visibility=private&affiliation=owner', {
      token: 'ghp_alice'
    })
    expect(fullNames(mine.body)).toEqual(['alice/notes'])
  })

  it('refuses an installation token', async () => {
    sim = await startSimulator({ scenario: world() })
    const refused = await call(sim, '/user/repos', { token: 'ghs_app' })
    expect(refused.status).toBe(403)
    expect((refused.body as { message: string }).message).toBe(
      'Resource not accessible by integration'
    )
  })
})

describe('GET /users/{username}', () => {
  it('tells an organization from a user', async () => {
    sim = await startSimulator({ scenario: world() })
    const acme = await call(sim, '/users/acme', { token: 'ghp_alice' })
    expect(acme.body).toMatchObject({ login: 'acme', type: 'Organization' })
    const bob = await call(sim, '/users/bob', { token: 'ghp_alice' })
    expect(bob.body).toMatchObject({ login: 'bob', type: 'User' })
    expect((await call(sim, '/users/nobody', { token: 'ghp_alice' })).status).toBe(404)
  })
})
