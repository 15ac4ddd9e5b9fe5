/**
 * Workflow endpoints: the repository's workflows (100 per page at most, each with its `state`:
 * `active`, `deleted`, `disabled_fork`, `disabled_inactivity` or `disabled_manually`) and a single
 * workflow. A workflow GitHub no longer lists (`listed: false`) is in neither.
 */
import { paginate } from '../pagination.js'
import { presentWorkflow } from '../present.js'
import { json, type Router } from '../router.js'
import { findWorkflow } from './runs.js'

/** Registers the workflow endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/list-repo-workflows', ctx => {
    const repo = ctx.repository()
    const listed = repo.workflows.filter(workflow => workflow.listed !== false)
    const page = paginate(listed, ctx.url)
    const body = {
      total_count: listed.length,
      workflows: page.items.map(wf => presentWorkflow(repo, wf, ctx.apiBase))
    }
    return json(body, 200, page.link ? { link: page.link } : undefined)
  })

  router.register('actions/get-workflow', ctx => {
    const repo = ctx.repository()
    const workflow = findWorkflow(repo, ctx.params['workflow_id'] ?? '')
    return json(presentWorkflow(repo, workflow, ctx.apiBase))
  })
}
