import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import {
  findOrganization,
  rotatePublicKey,
  rotatePublicKeyOnRead,
  startSimulator,
  type Scenario,
  type Simulator
} from '../../simulator/index.js'
import { call, links, scenario } from './helpers.js'

const ORG_REPOS = 150

/** acme/web with a repository secret and a `production` environment; org `acme` with 150 more repositories. */
function world(): Scenario {
  const base = scenario()
  base.tokens['ghs_secrets'] = {
    login: 'rotator[bot]',
    kind: 'app',
    permissions: {
      secrets: 'write',
      environments: 'write',
      actions: 'read',
      organization_secrets: 'write',
      metadata: 'read'
    }
  }
  base.tokens['ghs_repo_secrets_only'] = {
    login: 'rotator[bot]',
    kind: 'app',
    permissions: { secrets: 'write', actions: 'read', metadata: 'read' }
  }
  const [web] = base.repositories
  if (!web) throw new Error('helpers.scenario() changed')
  web.secrets = [{ name: 'NPM_TOKEN', value: 'old', updated_at: '2026-01-01T00:00:00Z' }]
  web.environments = [{ name: 'production' }, { name: 'team/staging' }]
  for (let i = 0; i < ORG_REPOS; i++) {
    base.repositories.push({
      owner: 'acme',
      name: `svc-${i}`,
      id: 1000 + i,
      private: false,
      workflows: [],
      runs: []
    })
  }
  base.organizations = [
    {
      login: 'acme',
      secrets: [
        {
          name: 'SHARED_KEY',
          value: 'old',
          visibility: 'selected',
          selected_repository_ids: Array.from({ length: ORG_REPOS }, (_, i) => 1000 + i)
        },
        { name: 'ALL_KEY', visibility: 'all' }
      ]
    }
  ]
  return base
}

interface PublicKey {
  key_id: string
  key: string
}

async function seal(value: string, key: PublicKey): Promise<string> {
  await sodium.ready
  const sealed = sodium.crypto_box_seal(
    value,
    sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL)
  )
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}

describe('secrets', () => {
  let sim: Simulator
  const token = 'ghs_secrets'
  const get = async (path: string): Promise<PublicKey> =>
    (await call(sim, path, { token })).body as PublicKey
  const web = (): NonNullable<Simulator['state']['repositories'][number]> => {
    const repo = sim.state.repositories[0]
    if (!repo) throw new Error('no acme/web')
    return repo
  }

  beforeAll(async () => {
    sim = await startSimulator({ scenario: world() })
  })
  afterAll(async () => {
    expect(sim.violations).toEqual([])
    await sim.close()
  })

  it('gives each scope its own real public key, stable across reads', async () => {
    const repo = await get('/repos/acme/web/actions/secrets/public-key')
    const env = await get('/repos/acme/web/environments/production/secrets/public-key')
    const org = await get('/orgs/acme/actions/secrets/public-key')
    expect(Buffer.from(repo.key, 'base64')).toHaveLength(32)
    expect(new Set([repo.key_id, env.key_id, org.key_id]).size).toBe(3)
    expect(new Set([repo.key, env.key, org.key]).size).toBe(3)
    expect(await get('/repos/acme/web/actions/secrets/public-key')).toEqual(repo)
  })

  it('opens a sealed value, answers 201 for a new secret and 204 for an existing one', async () => {
    const key = await get('/repos/acme/web/actions/secrets/public-key')
    const created = await call(sim, '/repos/acme/web/actions/secrets/new_secret', {
      method: 'PUT',
      token,
      body: { encrypted_value: await seal('first', key), key_id: key.key_id }
    })
    expect(created.status).toBe(201)
    const updated = await call(sim, '/repos/acme/web/actions/secrets/NPM_TOKEN', {
      method: 'PUT',
      token,
      body: { encrypted_value: await seal('rotated ✓', key), key_id: key.key_id }
    })
    expect(updated.status).toBe(204)
    expect(web().secrets?.map(s => [s.name, s.value])).toEqual([
      ['NPM_TOKEN', 'rotated ✓'],
      ['NEW_SECRET', 'first']
    ])
    const read = await call(sim, '/repos/acme/web/actions/secrets/npm_token', { token })
    expect(read.body).toMatchObject({ name: 'NPM_TOKEN', updated_at: '2026-11-22T12:00:00Z' })
  })

  it('refuses with 422 a value sealed for another key, a wrong key_id, and a stale key after rotation', async () => {
    const repoKey = await get('/repos/acme/web/actions/secrets/public-key')
    const orgKey = await get('/orgs/acme/actions/secrets/public-key')
    const put = async (encrypted: string, keyId: string): Promise<number> =>
      (
        await call(sim, '/repos/acme/web/actions/secrets/NPM_TOKEN', {
          method: 'PUT',
          token,
          body: { encrypted_value: encrypted, key_id: keyId }
        })
      ).status
    expect(await put(await seal('x', orgKey), repoKey.key_id)).toBe(422)
    expect(await put(await seal('x', repoKey), orgKey.key_id)).toBe(422)
    await rotatePublicKey(web())
    expect(await put(await seal('x', repoKey), repoKey.key_id)).toBe(422)
    const fresh = await get('/repos/acme/web/actions/secrets/public-key')
    expect(fresh.key_id).not.toBe(repoKey.key_id)
    expect(await put(await seal('after rotation', fresh), fresh.key_id)).toBe(204)
    expect(web().secrets?.find(s => s.name === 'NPM_TOKEN')?.value).toBe('after rotation')
  })

  it('answers 404 for an environment that does not exist, and decodes encoded names', async () => {
    expect((await call(sim, '/repos/acme/web/environments/qa', { token })).status).toBe(404)
    expect(
      (await call(sim, '/repos/acme/web/environments/qa/secrets/public-key', { token })).status
    ).toBe(404)
    const env = await call(sim, '/repos/acme/web/environments/team%2Fstaging', { token })
    expect(env.body).toMatchObject({ name: 'team/staging' })
    const key = await get('/repos/acme/web/environments/team%2Fstaging/secrets/public-key')
    const put = await call(sim, '/repos/acme/web/environments/team%2Fstaging/secrets/DEPLOY_KEY', {
      method: 'PUT',
      token,
      body: { encrypted_value: await seal('env value', key), key_id: key.key_id }
    })
    expect(put.status).toBe(201)
    expect(web().environments?.[1]?.secrets).toMatchObject([
      { name: 'DEPLOY_KEY', value: 'env value' }
    ])
  })

  it('needs environments: write as well as secrets: write for an environment secret', async () => {
    const key = await get('/repos/acme/web/environments/production/secrets/public-key')
    const put = await call(sim, '/repos/acme/web/environments/production/secrets/DEPLOY_KEY', {
      method: 'PUT',
      token: 'ghs_repo_secrets_only',
      body: { encrypted_value: await seal('v', key), key_id: key.key_id }
    })
    expect(put.status).toBe(403)
    const workflowToken = await call(sim, '/repos/acme/web/actions/secrets/public-key')
    expect(workflowToken.status).toBe(403)
  })

  it('lists every selected repository of an org secret across pages', async () => {
    const first = await call(
      sim,
      '/orgs/acme/actions/secrets/SHARED_KEY/repositories?per_page=100',
      {
        token
      }
    )
    const body = first.body as { total_count: number; repositories: { id: number }[] }
    expect(body.total_count).toBe(ORG_REPOS)
    expect(body.repositories).toHaveLength(100)
    const next = links(first)['next'] ?? ''
    const second = await call(sim, next.replace(sim.url, ''), { token })
    expect((second.body as typeof body).repositories).toHaveLength(ORG_REPOS - 100)
    const secret = await call(sim, '/orgs/acme/actions/secrets/SHARED_KEY', { token })
    expect(secret.body).toMatchObject({ visibility: 'selected' })
  })

  it('keeps what an org PUT sends: visibility, ids; selected without ids clears the list', async () => {
    const key = await get('/orgs/acme/actions/secrets/public-key')
    const put = async (body: Record<string, unknown>): Promise<number> =>
      (
        await call(sim, '/orgs/acme/actions/secrets/ALL_KEY', {
          method: 'PUT',
          token,
          body: { encrypted_value: await seal('org value', key), key_id: key.key_id, ...body }
        })
      ).status
    const allKey = (): unknown =>
      findOrganization(sim.state, 'acme')?.secrets?.find(s => s.name === 'ALL_KEY')
    expect(await put({ visibility: 'selected', selected_repository_ids: [1000, 1001] })).toBe(204)
    expect(allKey()).toMatchObject({
      visibility: 'selected',
      selected_repository_ids: [1000, 1001]
    })
    expect(await put({ visibility: 'selected' })).toBe(204)
    expect(allKey()).toMatchObject({ selected_repository_ids: [] })
    expect(await put({ visibility: 'selected', selected_repository_ids: [999_999] })).toBe(422)
    expect(await put({ visibility: 'private' })).toBe(204)
    expect(allKey()).toEqual(expect.not.objectContaining({ selected_repository_ids: [] }))
    expect(allKey()).toMatchObject({ visibility: 'private', value: 'org value' })
  })

  it('answers 404 for an unknown organization and 403 without organization secrets permission', async () => {
    expect((await call(sim, '/orgs/nope/actions/secrets/public-key', { token })).status).toBe(404)
    const denied = await call(sim, '/orgs/acme/actions/secrets/public-key', {
      token: 'ghs_repo_secrets_only'
    })
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({ message: 'Resource not accessible by integration' })
  })
})

describe('public key rotation on read', () => {
  it('answers the current key, then rotates it, so a value sealed with it is refused', async () => {
    const sim = await startSimulator({ scenario: world() })
    try {
      const repo = sim.state.repositories[0] ?? {}
      rotatePublicKeyOnRead(repo)
      const path = '/repos/acme/web/actions/secrets/public-key'
      const stale = (await call(sim, path, { token: 'ghs_secrets' })).body as PublicKey
      const put = async (key: PublicKey): Promise<number> =>
        (
          await call(sim, '/repos/acme/web/actions/secrets/NPM_TOKEN', {
            method: 'PUT',
            token: 'ghs_secrets',
            body: { encrypted_value: await seal('v', key), key_id: key.key_id }
          })
        ).status
      expect(await put(stale)).toBe(422)
      const fresh = (await call(sim, path, { token: 'ghs_secrets' })).body as PublicKey
      expect(fresh.key_id).not.toBe(stale.key_id)
      expect(await put(fresh)).toBe(204)
      expect(sim.violations).toEqual([])
    } finally {
      await sim.close()
    }
  })
})

describe('Dependabot and Codespaces secrets', () => {
  const stores = ['dependabot', 'codespaces'] as const
  const TOKEN = 'ghs_all_stores'
  let sim: Simulator
  const get = async (path: string, token = TOKEN): Promise<PublicKey> =>
    (await call(sim, path, { token })).body as PublicKey
  const put = async (
    path: string,
    value: string,
    key: PublicKey,
    more: Record<string, unknown> = {},
    token = TOKEN
  ): Promise<number> =>
    (
      await call(sim, path, {
        method: 'PUT',
        token,
        body: { encrypted_value: await seal(value, key), key_id: key.key_id, ...more }
      })
    ).status
  const web = (): NonNullable<Simulator['state']['repositories'][number]> => {
    const repo = sim.state.repositories[0]
    if (!repo) throw new Error('no acme/web')
    return repo
  }
  const org = (): NonNullable<ReturnType<typeof findOrganization>> => {
    const found = findOrganization(sim.state, 'acme')
    if (!found) throw new Error('no organization acme')
    return found
  }

  beforeAll(async () => {
    const base = world()
    base.tokens[TOKEN] = {
      login: 'rotator[bot]',
      kind: 'app',
      permissions: {
        secrets: 'write',
        organization_secrets: 'write',
        dependabot_secrets: 'write',
        organization_dependabot_secrets: 'write',
        codespaces_secrets: 'write',
        organization_codespaces_secrets: 'write',
        metadata: 'read'
      }
    }
    const organization = base.organizations?.[0]
    if (!organization) throw new Error('world() changed')
    organization.dependabot_secrets = [
      {
        name: 'REGISTRY_TOKEN',
        value: 'old',
        visibility: 'selected',
        selected_repository_ids: Array.from({ length: ORG_REPOS }, (_, i) => 1000 + i)
      }
    ]
    organization.codespaces_secrets = [{ name: 'REGISTRY_TOKEN', value: 'old', visibility: 'all' }]
    sim = await startSimulator({ scenario: base })
  })
  afterAll(async () => {
    expect(sim.violations).toEqual([])
    await sim.close()
  })

  it('gives every store of a repository and of an organization its own key', async () => {
    const keys = await Promise.all(
      ['actions', ...stores].flatMap(app => [
        get(`/repos/acme/web/${app}/secrets/public-key`),
        get(`/orgs/acme/${app}/secrets/public-key`)
      ])
    )
    expect(new Set(keys.map(key => key.key_id)).size).toBe(6)
    expect(new Set(keys.map(key => key.key)).size).toBe(6)
  })

  it.each(stores)(
    'opens a %s repository write with its own key only, and keeps it apart from the Actions secrets',
    async app => {
      const own = await get(`/repos/acme/web/${app}/secrets/public-key`)
      const actions = await get('/repos/acme/web/actions/secrets/public-key')
      const path = `/repos/acme/web/${app}/secrets/NPM_TOKEN`
      expect(await put(path, 'sealed for actions', actions, { key_id: own.key_id })).toBe(422)
      expect(await put(path, `${app} value`, own)).toBe(201)
      expect(await put(path, `${app} value 2`, own)).toBe(204)
      const field = app === 'dependabot' ? 'dependabot_secrets' : 'codespaces_secrets'
      expect(web()[field]?.map(s => [s.name, s.value])).toEqual([['NPM_TOKEN', `${app} value 2`]])
      expect(web().secrets?.find(s => s.name === 'NPM_TOKEN')?.value).not.toContain(app)
      const listed = await call(sim, `/repos/acme/web/${app}/secrets`, { token: TOKEN })
      expect(listed.body).toMatchObject({ total_count: 1, secrets: [{ name: 'NPM_TOKEN' }] })
      const one = await call(sim, `/repos/acme/web/${app}/secrets/npm_token`, { token: TOKEN })
      expect(one.body).toMatchObject({ name: 'NPM_TOKEN', updated_at: '2026-11-22T12:00:00Z' })
    }
  )

  it.each([
    ['/repos/acme/web/dependabot/secrets/public-key', 'dependabot_secrets'],
    ['/repos/acme/web/codespaces/secrets/public-key', 'codespaces_secrets'],
    ['/orgs/acme/dependabot/secrets/public-key', 'organization_dependabot_secrets'],
    ['/orgs/acme/codespaces/secrets/public-key', 'organization_codespaces_secrets']
  ])('answers %s with 403 to a token without %s', async (path, permission) => {
    const without = `ghs_without_${permission}`
    sim.state.tokens[without] = {
      login: 'rotator[bot]',
      kind: 'app',
      permissions: Object.fromEntries(
        Object.entries(sim.state.tokens[TOKEN]?.permissions ?? {}).filter(
          ([scope]) => scope !== permission
        )
      )
    }
    sim.state.rateLimits[without] = { limit: 5000, remaining: 5000, reset: 2_000_000_000 }
    expect((await call(sim, path, { token: without })).status).toBe(403)
    expect((await call(sim, path, { token: TOKEN })).status).toBe(200)
  })

  it('takes Dependabot organization repository ids as strings, and lists and sets them page by page', async () => {
    const key = await get('/orgs/acme/dependabot/secrets/public-key')
    const path = '/orgs/acme/dependabot/secrets/NEW_KEY'
    expect(
      await put(path, 'dependabot org', key, {
        visibility: 'selected',
        selected_repository_ids: ['1000', 1001]
      })
    ).toBe(201)
    const created = org().dependabot_secrets?.find(s => s.name === 'NEW_KEY')
    expect(created).toMatchObject({ visibility: 'selected', selected_repository_ids: [1000, 1001] })
    const listed = await call(sim, '/orgs/acme/dependabot/secrets/REGISTRY_TOKEN/repositories', {
      token: TOKEN
    })
    expect((listed.body as { total_count: number }).total_count).toBe(ORG_REPOS)
    expect(links(listed)['next']).toContain('/orgs/acme/dependabot/secrets/REGISTRY_TOKEN/')
    const secret = await call(sim, '/orgs/acme/dependabot/secrets/REGISTRY_TOKEN', { token: TOKEN })
    expect(secret.body).toMatchObject({
      visibility: 'selected',
      selected_repositories_url: expect.stringMatching(
        /\/orgs\/acme\/dependabot\/secrets\/REGISTRY_TOKEN\/repositories$/
      ) as unknown
    })
    const set = await call(sim, '/orgs/acme/dependabot/secrets/NEW_KEY/repositories', {
      method: 'PUT',
      token: TOKEN,
      body: { selected_repository_ids: [1002] }
    })
    expect(set.status).toBe(204)
    expect(created?.selected_repository_ids).toEqual([1002])
  })

  it('keeps the Codespaces organization visibility a write sends, and refuses to set repositories of a secret not selected', async () => {
    const key = await get('/orgs/acme/codespaces/secrets/public-key')
    expect(
      await put('/orgs/acme/codespaces/secrets/REGISTRY_TOKEN', 'codespaces org', key, {
        visibility: 'all'
      })
    ).toBe(204)
    expect(org().codespaces_secrets).toEqual([
      expect.objectContaining({ value: 'codespaces org', visibility: 'all' })
    ])
    const set = await call(sim, '/orgs/acme/codespaces/secrets/REGISTRY_TOKEN/repositories', {
      method: 'PUT',
      token: TOKEN,
      body: { selected_repository_ids: [1000] }
    })
    expect(set.status).toBe(409)
    expect(
      await put('/orgs/acme/codespaces/secrets/REGISTRY_TOKEN', 'x', key, {
        visibility: 'selected',
        selected_repository_ids: [999_999]
      })
    ).toBe(422)
  })

  it("rotates one store's key of a scope and leaves the others", async () => {
    const before = await Promise.all(
      ['actions', ...stores].map(async app => get(`/repos/acme/web/${app}/secrets/public-key`))
    )
    await rotatePublicKey(web(), 'codespaces')
    const after = await Promise.all(
      ['actions', ...stores].map(async app => get(`/repos/acme/web/${app}/secrets/public-key`))
    )
    expect(after.map((key, i) => key.key_id === before[i]?.key_id)).toEqual([true, true, false])
  })
})
