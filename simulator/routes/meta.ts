/** Endpoints outside Actions that clients need: the rate limit and the repository itself. */
import { forbiddenMessage } from '../auth.js'
import { presentFullRepository, presentUser } from '../present.js'
import { bucketFor, rateLimitBody } from '../rate-limit.js'
import { errorResponse } from '../responses.js'
import { json, type Router } from '../router.js'

/** Registers `GET /rate_limit`, `GET /user` and `GET /repos/{owner}/{repo}` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('rate-limit/get', ctx => {
    const nowMs = ctx.now().getTime()
    return json(rateLimitBody(bucketFor(ctx.state, ctx.caller, nowMs), nowMs))
  })
  // Only a person's token has a user behind it; installation tokens are refused like on GitHub.
  router.register('users/get-authenticated', ctx =>
    ctx.caller.info.kind === 'user'
      ? json(presentUser(ctx.caller.info.login, ctx.apiBase))
      : errorResponse(403, forbiddenMessage(ctx.caller))
  )
  router.register('repos/get', ctx => json(presentFullRepository(ctx.repository(), ctx.apiBase)))
}
