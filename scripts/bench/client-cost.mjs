// What one GET costs a client on this machine, apart from the action: run by `npm run bench` under
// the bundle's Node with the simulator's URL, it lists a page of runs `count` times with fetch,
// with Octokit, and with Octokit plus the retry and throttling plugins the action uses, and prints
// the milliseconds per request of each as JSON.
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

const [apiUrl, token, count = '20'] = process.argv.slice(2)
const route = { owner: 'acme', repo: 'web', per_page: 100 }
const noLimits = { onRateLimit: () => false, onSecondaryRateLimit: () => false }

async function perRequest(get) {
  const started = performance.now()
  for (let i = 0; i < Number(count); i++) await get(i)
  return Math.round(((performance.now() - started) / Number(count)) * 10) / 10
}

const plain = getOctokit(token, { baseUrl: apiUrl })
const withPlugins = getOctokit(token, { baseUrl: apiUrl, throttle: noLimits }, retry, throttling)
const page = i => 1 + (i % 5)
console.log(
  JSON.stringify({
    fetch: await perRequest(async i => {
      const response = await fetch(
        `${apiUrl}/repos/acme/web/actions/runs?per_page=100&page=${page(i)}`,
        { headers: { authorization: `token ${token}` } }
      )
      JSON.parse(await response.text())
    }),
    octokit: await perRequest(i =>
      plain.rest.actions.listWorkflowRunsForRepo({ ...route, page: page(i) })
    ),
    plugins: await perRequest(i =>
      withPlugins.rest.actions.listWorkflowRunsForRepo({ ...route, page: page(i) })
    )
  })
)
