/** The API objects the action reads, as Octokit's types describe them (types only, no code). */
import type { Octokit } from '../boundary/client.js'

/** A workflow run as `GET /repos/{owner}/{repo}/actions/runs/{run_id}` and the listings answer it. */
export type WorkflowRun = Awaited<ReturnType<Octokit['rest']['actions']['getWorkflowRun']>>['data']
