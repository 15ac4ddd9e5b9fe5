/**
 * The action's client as another copy of Octokit would make it fail: GitHub's local action runner
 * (and an install with two copies of `@octokit/request-error`) throws errors of a class that is not
 * the bundle's `RequestError`, with the same fields.
 */
import { getOctokit } from '@actions/github'
import {
  clientOptions,
  clientPlugins,
  RequestCounter,
  type ApiClient
} from '../src/boundary/client.js'
import type { PacingSettings } from '../src/settings.js'

/** An error with the fields of Octokit's `RequestError`, of another class. */
export class ForeignRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly request: unknown,
    readonly response: unknown
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** A plugin that rethrows every error of the requests inside it as a {@link ForeignRequestError}. */
function foreignErrors(octokit: { hook: ApiClient['octokit']['hook'] }): Record<string, never> {
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await request(options)
    } catch (error) {
      const { message, status, request: sent, response } = error as ForeignRequestError
      throw new ForeignRequestError(message, status, sent, response)
    }
  })
  return {}
}

/**
 * The client as `createClient` builds it, with {@link foreignErrors} innermost: every error the
 * client's own hook sees is of the foreign class.
 */
export function clientWithForeignErrors(config: {
  token: string
  apiUrl: string
  pacing: PacingSettings
}): ApiClient {
  const counter = new RequestCounter()
  const octokit = getOctokit(
    config.token,
    clientOptions(config),
    foreignErrors,
    ...clientPlugins(counter, config.pacing.requestTimeoutMs)
  )
  return { octokit, counter }
}
