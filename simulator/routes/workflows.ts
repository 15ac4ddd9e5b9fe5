/** Workflow endpoints: the repository's workflows and a single workflow. */
import { paginate } from '../pagination.js'
import { presentWorkflow } from '../present.js'
import { json, type Router } from '../router.js'
import { findWorkflow } from './runs.js'

/** Registers the workflow endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/list-repo-workflows', ctx => {
    const repo = ctx.repository()
    const page = paginate(repo.workflows, ctx.url)
    const body = {
      total_count: repo.workflows.length,
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
