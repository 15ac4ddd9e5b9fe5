/**
 * The client's request hook and its plugins, without the simulator: errors are told apart by their
 * shape, whichever copy of Octokit made them; requests that cannot be built are never retried;
 * network failures and timeouts are.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  describeApiError,
  redactSecrets,
  registerSecret,
  statusOf
} from '../../src/boundary/api-errors.js'
import {
  attemptHook,
  createClient,
  type ApiClient,
  isNetworkFailure,
  RequestCounter,
  RequestNotSentError
} from '../../src/boundary/client.js'
import type { PacingSettings } from '../../src/settings.js'
import { clientWithForeignErrors, ForeignRequestError } from '../../__fixtures__/foreign-octokit.js'

const pacing: PacingSettings = {
  timeScale: 0.001,
  writeIntervalMs: 1,
  retryBaseMs: 1,
  retryAfterScale: 0.001,
  // Ample for a local server on a busy machine: an answer never times out by chance.
  requestTimeoutMs: 5000,
  pollIntervalMs: 10
}
/** For the cases that wait for the timeout: a server that never answers, or stops mid-body. */
const shortTimeout: PacingSettings = { ...pacing, requestTimeoutMs: 50 }

// @actions/core writes debug lines and warnings to stdout; keep them out of the test log.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

const answer = (status: number, message: string): { status: number; response: object } => ({
  status,
  response: {
    status,
    url: 'https://api.github.com/repos/acme/web/actions/runs/1/cancel',
    headers: { 'content-type': 'application/json' },
    data: { message }
  }
})

describe('attemptHook', () => {
  const options = (): { method: string; url: string; headers: object; request: object } => ({
    method: 'POST',
    url: '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
    headers: {},
    request: {}
  })

  it.each([
    ['a plain object', { message: 'Conflict', ...answer(409, 'Conflict') }],
    [
      'an error of another class',
      new ForeignRequestError('Conflict', 409, {}, answer(409, 'Conflict').response)
    ],
    [
      'a 404 of another class',
      new ForeignRequestError('Not Found', 404, {}, answer(404, 'Not Found').response)
    ],
    [
      'a 502 of another class',
      new ForeignRequestError('Bad Gateway', 502, {}, answer(502, 'Bad Gateway').response)
    ]
  ])('passes on an HTTP answer carried by %s untouched', async (_case, thrown) => {
    const counter = new RequestCounter()
    const hook = attemptHook(counter, 1000)
    await expect(
      hook(async () => {
        throw thrown
      }, options())
    ).rejects.toBe(thrown)
    expect(counter.total).toBe(1)
  })

  it('reports a network failure as a retriable 500 without a response', async () => {
    const hook = attemptHook(new RequestCounter(), 1000)
    const failure = hook(async () => {
      throw Object.assign(new Error('other side closed'), {
        status: 500,
        cause: Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
        })
      })
    }, options())
    await expect(failure).rejects.toMatchObject({
      status: 500,
      message: 'other side closed',
      response: undefined
    })
    await expect(failure).rejects.toHaveProperty('request')
  })

  it('reports a request that cannot be built as not sent, with no status and no token', async () => {
    registerSecret('ghs_hookH00kHookH00k')
    const hook = attemptHook(new RequestCounter(), 1000)
    const failure = hook(async () => {
      // What Octokit makes of undici's refusal of a header value with a line break in it.
      throw Object.assign(
        new Error('Headers.append: "token ghs_hookH00kHookH00k" is an invalid header value.'),
        { status: 500, cause: new TypeError('Headers.append: … is an invalid header value.') }
      )
    }, options())
    await expect(failure).rejects.toThrow(RequestNotSentError)
    await expect(failure).rejects.toThrow(
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel could not be sent (Headers.append: "token ***" is an invalid header value.); nothing was retried'
    )
    await expect(failure).rejects.not.toHaveProperty('status')
  })
})

describe('isNetworkFailure', () => {
  it.each([
    ["undici's fetch failed", true, new TypeError('fetch failed')],
    ['a cause with a system code', true, { cause: { code: 'ECONNREFUSED' } }],
    ['a DNS failure', true, { code: 'EAI_AGAIN' }],
    ['an abort', true, { name: 'AbortError' }],
    ['a header value fetch refuses', false, new TypeError('Headers.append: "x" is invalid')],
    ['a ByteString conversion', false, new TypeError('Cannot convert argument to a ByteString')],
    ["Node's argument check", false, { code: 'ERR_INVALID_CHAR' }],
    ['nothing', false, undefined]
  ])('%s: %p', (_case, expected, error) => {
    expect(isNetworkFailure(error)).toBe(expected)
  })
})

describe('the client', () => {
  let server: Server | undefined
  afterEach(async () => {
    const closing = new Promise<void>(resolve =>
      server ? server.close(() => resolve()) : resolve()
    )
    server?.closeAllConnections()
    await closing
    server = undefined
  })
  /**
   * A local server answering every request with `status`; never when `status` is 0; with the
   * headers of a 200 and half a body, then nothing, when `status` is -1.
   */
  async function serve(status: number, message: string): Promise<string> {
    server = createServer((_req, res) => {
      if (status === 0) return
      res.writeHead(Math.max(status, 200), { 'content-type': 'application/json' })
      if (status === -1) res.write('{"total_count": 1, "workflow_runs": [')
      else res.end(JSON.stringify({ message }))
    })
    await new Promise<void>(resolve => server?.listen(0, '127.0.0.1', () => resolve()))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  const clientWith = (apiUrl: string): ReturnType<typeof clientWithForeignErrors> =>
    clientWithForeignErrors({ token: 'ghs_foreignF0reign', apiUrl, pacing })
  const cancel = async (octokit: ApiClient['octokit']): Promise<unknown> =>
    octokit.rest.actions.cancelWorkflowRun({ owner: 'acme', repo: 'web', run_id: 1 }).then(
      () => undefined,
      (error: unknown) => error
    )

  it.each([
    [409, 'Cannot cancel a workflow run that is completed.'],
    [401, 'Bad credentials'],
    [403, 'Resource not accessible by integration'],
    [404, 'Not Found'],
    [422, 'Unprocessable Entity']
  ])(
    'sends a request answered %d once when the answer is of another class, and keeps its status',
    async (status, message) => {
      const { octokit, counter } = clientWith(await serve(status, message))
      const error = await cancel(octokit)
      expect(error).toBeInstanceOf(ForeignRequestError)
      expect(statusOf(error)).toBe(status)
      expect(counter.total).toBe(1)
    }
  )

  it('retries a 5xx of another class, as it retries its own', async () => {
    const { octokit, counter } = clientWith(await serve(502, 'Bad Gateway'))
    expect(statusOf(await cancel(octokit))).toBe(502)
    expect(counter.total).toBe(4)
  })

  it('retries a request that got no answer within the timeout', async () => {
    const { octokit, counter } = await createClient({
      token: 'ghs_timeoutT1me0ut',
      apiUrl: await serve(0, ''),
      pacing: shortTimeout
    })
    const error = await cancel(octokit)
    expect(error).toMatchObject({ status: 500, message: 'no answer within 50 ms' })
    expect(counter.total).toBe(4)
  })

  it('retries an answer whose body stopped coming, rather than take it for an empty one', async () => {
    const { octokit, counter } = await createClient({
      token: 'ghs_halfBodyH4lfBody',
      apiUrl: await serve(-1, ''),
      pacing: shortTimeout
    })
    const listing = octokit.rest.actions
      .listWorkflowRunsForRepo({ owner: 'acme', repo: 'web' })
      .then(
        ({ data }) => data,
        (error: unknown) => error
      )
    expect(await listing).toMatchObject({ status: 500, message: 'no answer within 50 ms' })
    expect(counter.total).toBe(4)
  })

  it('retries a refused connection', async () => {
    const apiUrl = await serve(200, '')
    await new Promise<void>(resolve => server?.close(() => resolve()))
    server = undefined
    const { octokit, counter } = await createClient({ token: 'ghs_refusedRefused', apiUrl, pacing })
    expect(statusOf(await cancel(octokit))).toBe(500)
    expect(counter.total).toBe(4)
  })

  it.each([
    ['a line break inside', 'ghs_lineBreakL1ne\nBreakLineBreak'],
    ['a trailing zero-width space', 'ghs_zeroWidthZer0Width\u200b']
  ])(
    'sends nothing more after a token with %s cannot be put in a header, and never prints it',
    async (_case, token) => {
      const apiUrl = await serve(200, '')
      const { octokit, counter } = await createClient({ token, apiUrl, pacing })
      const error = await cancel(octokit)
      expect(error).toBeInstanceOf(RequestNotSentError)
      expect(counter.total).toBe(1)
      const described = describeApiError(error, 'cancel-stale')
      expect(described).toMatch(/could not be sent .*; nothing was retried$/)
      for (const piece of token.split(/\s+/)) {
        expect(described).not.toContain(piece.replace('\u200b', ''))
      }
    }
  )
})

describe('redactSecrets', () => {
  it('replaces a registered secret, whole and each of its lines, wherever it shows', () => {
    registerSecret('ghs_firstLineF1rst\nghs_secondLineS3cond')
    registerSecret('short')
    const error = Object.assign(
      new Error('Headers.append: "token ghs_firstLineF1rst\nghs_secondLineS3cond" is invalid'),
      { status: 500 }
    )
    // describeApiError keeps the first line only: the secret must go before that cut.
    expect(describeApiError(error, 'cancel-stale')).toBe(
      '500 Headers.append: "token ***" is invalid (GitHub did not answer in time; retries exhausted)'
    )
    expect(redactSecrets('a ghs_secondLineS3cond b ghs_firstLineF1rst c short')).toBe(
      'a *** b *** c short'
    )
  })
})
