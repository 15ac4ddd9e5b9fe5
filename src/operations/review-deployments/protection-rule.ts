/**
 * review-deployments on a `deployment_protection_rule` event: answer the custom deployment
 * protection rule GitHub asks about, for the run and environment of the payload. Only the GitHub
 * App that owns the rule may answer it, so every message about a refused token says so, and none
 * suggests another kind of token.
 *
 * REST endpoints:
 * - `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`, sent once;
 * - after a lost answer or a refusal (422), `GET .../runs/{run_id}/pending_deployments` and
 *   `GET .../runs/{run_id}` tell whether it took effect.
 */
import {
  describeApiError,
  firstLine,
  isApiError,
  PROTECTION_RULE_TOKEN_HINT,
  rateLimitResetOf,
  redactSecrets,
  statusOf
} from '../../boundary/api-errors.js'
import { SEND_ONCE } from '../../boundary/client.js'
import { readPendingDeployments } from '../../readers/deployments.js'
import { MAX_PROTECTION_RULE_COMMENT } from '../../github-limits.js'
import type { ErrorVerdict } from '../../boundary/mutations.js'
import type { Target } from '../../boundary/outcomes.js'
import { parseDeploymentCallbackUrl } from './rules.js'
import { matchesAny } from '../../rules/matching.js'
import type { RepositoryRef } from '../../settings.js'
import { fullName, type HandlerContext } from '../context.js'

type Context = HandlerContext<'review-deployments'>

/** Where the answer goes: the run and environment GitHub asks about. */
interface Rule {
  repository: RepositoryRef
  runId: number
  environment: string
}

/**
 * Answers the custom deployment protection rule of a `deployment_protection_rule` payload (given
 * directly, or relayed as a `repository_dispatch` `client_payload`), with `state` and `comment`;
 * the repository and run come from its `deployment_callback_url`, the environment from its
 * `environment`. The answer is sent once: after a 5xx, a dropped connection or a timeout the run
 * is read back before it is sent again.
 * @throws Error when the payload has no usable `deployment_callback_url` or `environment`, when
 *   its `repository` is not the callback's, or when `comment` is longer than GitHub takes.
 */
export async function answerProtectionRule(
  context: Context,
  payload: Record<string, unknown>
): Promise<void> {
  const { settings, octokit } = context
  const rule = ruleOf(payload)
  // Counted in characters (code points), not UTF-16 units, like GitHub.
  const commentLength = [...settings.comment].length
  if (commentLength > MAX_PROTECTION_RULE_COMMENT) {
    throw new Error(
      `Invalid comment: ${commentLength} characters; GitHub takes at most ${MAX_PROTECTION_RULE_COMMENT} in an answer to a deployment protection rule. Shorten \`comment\` (e.g. link to the change ticket instead of quoting it).`
    )
  }
  const { repository, runId, environment } = rule
  const name = fullName(repository)
  const target: Target = {
    repository: name,
    kind: 'run',
    id: runId,
    action: 'review-protection-rule',
    url: `${settings.runner.serverUrl}/${name}/actions/runs/${runId}`
  }
  if (settings.environments.length > 0 && !matchesAny(environment, settings.environments)) {
    context.results.skip(
      target,
      `environment ${environment} does not match \`environments\` (${settings.environments.join(', ')})`
    )
    return
  }
  const reason = `${settings.state} ${environment} (custom deployment protection rule)`
  // Set once an attempt's reply was lost: a refusal of the next one then tells of that attempt.
  let lost = false
  await context.mutations.apply(
    [
      {
        target,
        reason,
        send: async () => {
          const answer = {
            environment_name: environment,
            state: settings.state,
            comment: settings.comment
          }
          try {
            await octokit.rest.actions.reviewCustomGatesForRun({
              ...repository,
              run_id: runId,
              ...answer,
              ...SEND_ONCE
            })
            return ''
          } catch (error) {
            if (statusOf(error) !== 422) throw error
            const { outcome, reason: why } = await explainRefusal(context, rule, error, lost)
            if (outcome === 'done') return `${reason}; ${why}`
            throw new RefusedAnswer(
              outcome === 'skipped'
                ? { outcome, reason: `${reason}; ${why}` }
                : { outcome, reason: why }
            )
          }
        },
        landed: async () => {
          lost = true
          return answerLanded(context, rule, reason)
        },
        onError: error => (error instanceof RefusedAnswer ? error.verdict : notTheRuleOwner(error))
      }
    ],
    settings.state
  )
}

/**
 * The run and environment a payload asks about.
 * @throws Error naming the field that is missing or does not fit.
 */
function ruleOf(payload: Record<string, unknown>): Rule {
  const callback = parseDeploymentCallbackUrl(payload.deployment_callback_url)
  if (!callback) {
    throw new Error(
      `The deployment_protection_rule event payload has no deployment_callback_url of the form …/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule (got ${JSON.stringify(payload.deployment_callback_url ?? null)}); pass the deployment_callback_url GitHub sent to the app that owns the rule, as it came.`
    )
  }
  const environment = payload.environment
  if (typeof environment !== 'string' || environment === '') {
    throw new Error(
      `The deployment_protection_rule event payload names no environment (got ${JSON.stringify(environment ?? null)}).`
    )
  }
  // The callback URL is the run GitHub asks about; a relayed payload's `repository` is only a
  // claim, and letting it win would answer another repository's run of the same number.
  const repository: RepositoryRef = { owner: callback.owner, repo: callback.repo }
  const name = fullName(repository)
  const claimed = repositoryNameOfPayload(payload)
  if (claimed !== undefined && claimed.toLowerCase() !== name.toLowerCase()) {
    throw new Error(
      `The deployment_protection_rule event payload names repository ${claimed}, but its deployment_callback_url is for ${name} (run ${callback.runId}); nothing was answered. Relay the payload's fields as GitHub sent them.`
    )
  }
  return { repository, runId: callback.runId, environment }
}

/** The outcome a refused answer was found to have, carried from `send` or `landed` to `onError`. */
class RefusedAnswer extends Error {
  constructor(readonly verdict: NonNullable<ErrorVerdict>) {
    super(verdict.reason)
  }
}

/**
 * Whether an answer whose reply was lost took effect: the environment no longer waits and the run
 * is where this answer leaves it (an approval lets it go on, a rejection fails it). An environment
 * that still waits gets the answer again: not answered yet, or (when it also has required
 * reviewers, who keep it waiting) GitHub's refusal of the repeat tells (`explainRefusal`).
 * @returns true when it took effect, false to send it again.
 * @throws RefusedAnswer (skipped) when the run moved on otherwise; the API error of a read.
 */
async function answerLanded(context: Context, rule: Rule, reason: string): Promise<boolean> {
  const { octokit, settings } = context
  const pending = await readPendingDeployments(octokit, rule.repository, rule.runId)
  if (pending.some(entry => sameName(entry.environment.name, rule.environment))) return false
  const { data: run } = await octokit.rest.actions.getWorkflowRun({
    ...rule.repository,
    run_id: rule.runId
  })
  if (leftAsAnswered(run, settings.state)) return true
  throw new RefusedAnswer({
    outcome: 'skipped',
    reason: `${reason}; ${rule.environment} no longer waits: the run moved on (${run.status ?? 'unknown'}, ${run.conclusion ?? 'no conclusion'})`
  })
}

/**
 * Why GitHub refused (422) an answer to the rule: an answer the app may not give, one that came
 * after the rule was answered or the run moved on, or (after an attempt whose reply was lost) the
 * repeat of an answer GitHub applied. Reads the run's pending deployments and, when the environment
 * no longer waits, the run.
 * @param lost whether an earlier attempt of this answer lost its reply.
 * @returns `done` when that earlier attempt is what GitHub applied; `skipped` when the rule was
 *   answered otherwise or the run moved on (or cannot be read: nothing is left to answer);
 *   `failed` when the environment still waits for the app, or cannot be read again.
 */
async function explainRefusal(
  context: Context,
  rule: Rule,
  error: unknown,
  lost: boolean
): Promise<{ outcome: 'done' | 'skipped' | 'failed'; reason: string }> {
  const { settings, octokit, mutations } = context
  const { repository, runId, environment } = rule
  const refused = describeRuleError(error)
  const notOwner = notTheRuleOwner(error)?.reason ?? refused
  let waiting
  try {
    waiting = (await readPendingDeployments(octokit, repository, runId)).find(entry =>
      sameName(entry.environment.name, environment)
    )
  } catch (readError) {
    if (mutations.stoppedBy(readError) !== undefined) throw readError
    return {
      outcome: 'failed',
      reason: `${notOwner}; the run could not be read again to tell whether an earlier answer landed (${describeRuleError(readError)})`
    }
  }
  if (waiting) {
    // An environment that also has required reviewers keeps waiting for them after the rule is
    // answered: only an attempt whose reply was lost tells that the refusal is of its repeat.
    const { reviewers } = waiting
    if (reviewers.length > 0 && lost) {
      return {
        outcome: 'done',
        reason: `an earlier attempt's reply was lost and GitHub refused the repeat (${refused}): the rule no longer waits for this app, and ${environment} now waits for its required reviewers (${reviewers.join(', ')})`
      }
    }
    return {
      outcome: 'failed',
      reason:
        reviewers.length > 0
          ? `${notOwner} (${environment} also waits for its required reviewers, ${reviewers.join(', ')}: if an earlier answer landed, only they are left)`
          : notOwner
    }
  }
  let run: { status: string | null; conclusion: string | null } | undefined
  try {
    run = (await octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId })).data
  } catch (readError) {
    if (mutations.stoppedBy(readError) !== undefined) throw readError
  }
  if (!run) {
    return {
      outcome: 'skipped',
      reason: `${environment} no longer waits: the rule was answered already or the run moved on, and GitHub refused the answer (${refused})`
    }
  }
  if (!leftAsAnswered(run, settings.state)) {
    return {
      outcome: 'skipped',
      reason: `${environment} no longer waits: the run moved on (${run.status ?? 'unknown'}, ${run.conclusion ?? 'no conclusion'}), and GitHub refused the answer (${refused})`
    }
  }
  return lost
    ? {
        outcome: 'done',
        reason: `${environment} no longer waits: an earlier attempt's reply was lost, and GitHub refused the repeat (${refused})`
      }
    : {
        outcome: 'skipped',
        reason: `${environment} no longer waits: the rule was answered already, and GitHub refused this answer (${refused})`
      }
}

/** Whether the run is where an answer of `state` leaves it: going on when approved, failed when rejected. */
function leftAsAnswered(
  run: { status: string | null; conclusion: string | null },
  state: 'approved' | 'rejected'
): boolean {
  return state === 'approved'
    ? run.status !== 'completed'
    : run.status === 'completed' && run.conclusion === 'failure'
}

/**
 * GitHub refuses an answer from anyone but the app that owns the rule: 401 (no valid token), 403,
 * 404, or a 422 while the environment still waits. No other token can help, so the reason names
 * the app's installation token only.
 */
function notTheRuleOwner(error: unknown): ErrorVerdict {
  const status = statusOf(error)
  if (status !== 401 && status !== 403 && status !== 404 && status !== 422) return undefined
  const invalid = status === 401 ? ': the token is invalid or expired' : ''
  return {
    outcome: 'failed',
    reason: `${describeRuleError(error)}${invalid}: ${PROTECTION_RULE_TOKEN_HINT}`
  }
}

/**
 * A failed request as a line, like `describeApiError`, but without the permission hint of a
 * 401/403: that hint names the reviewer's token a pending deployment needs, which cannot answer a
 * protection rule.
 */
function describeRuleError(error: unknown): string {
  const status = statusOf(error)
  if (
    isApiError(error) &&
    (status === 401 || status === 403) &&
    rateLimitResetOf(error) === undefined
  ) {
    return `${error.status} ${firstLine(redactSecrets(error.message))}`
  }
  return describeApiError(error, 'review-deployments')
}

/** Environment names compare without case, like GitHub's. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** The payload's `repository.full_name`, when it has one. */
function repositoryNameOfPayload(payload: Record<string, unknown>): string | undefined {
  const repository = payload.repository as { full_name?: unknown } | undefined
  return typeof repository?.full_name === 'string' ? repository.full_name : undefined
}
