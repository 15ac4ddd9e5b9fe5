/** Job endpoints: the jobs of a run (latest attempt, all, or one attempt) and a single job. */
import { paginate } from '../pagination.js'
import { presentJob } from '../present.js'
import { ApiError } from '../responses.js'
import { json, numericParam, type Router } from '../router.js'
import { findRun } from './runs.js'

/** Registers the job endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/list-jobs-for-workflow-run', ctx => {
    const repo = ctx.repository()
    const run = findRun(repo, numericParam(ctx, 'run_id'))
    const all = ctx.query.get('filter') === 'all'
    const jobs = run.jobs
      .filter(job => all || job.run_attempt === run.run_attempt)
      .sort((a, b) => b.run_attempt - a.run_attempt || a.id - b.id)
    const page = paginate(jobs, ctx.url)
    const body = {
      total_count: jobs.length,
      jobs: page.items.map(job => presentJob(repo, run, job, ctx.apiBase))
    }
    return json(body, 200, page.link ? { link: page.link } : undefined)
  })

  router.register('actions/list-jobs-for-workflow-run-attempt', ctx => {
    const repo = ctx.repository()
    const run = findRun(repo, numericParam(ctx, 'run_id'))
    const attempt = numericParam(ctx, 'attempt_number')
    if (attempt < 1 || attempt > run.run_attempt) throw new ApiError(404, 'Not Found')
    const jobs = run.jobs.filter(job => job.run_attempt === attempt).sort((a, b) => a.id - b.id)
    const page = paginate(jobs, ctx.url)
    const body = {
      total_count: jobs.length,
      jobs: page.items.map(job => presentJob(repo, run, job, ctx.apiBase))
    }
    return json(body, 200, page.link ? { link: page.link } : undefined)
  })

  router.register('actions/get-job-for-workflow-run', ctx => {
    const repo = ctx.repository()
    const jobId = numericParam(ctx, 'job_id')
    for (const run of repo.runs) {
      const job = run.jobs.find(j => j.id === jobId)
      if (job) return json(presentJob(repo, run, job, ctx.apiBase))
    }
    throw new ApiError(404, 'Not Found')
  })
}
