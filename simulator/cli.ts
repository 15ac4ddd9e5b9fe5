/**
 * Starts the simulator from the command line:
 *   tsx simulator/cli.ts [scenario.json] [--port N] [--latency ms]
 * Without a file it serves the demo scenario. Prints the base URLs and the tokens, then serves
 * until interrupted.
 */
import { demoScenario, loadScenarioFile } from './scenario.js'
import { startSimulator } from './server.js'

interface CliOptions {
  file?: string
  port?: number
  latencyMs?: number
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const number = (name: string): number => {
      const value = Number(argv[++i])
      if (!Number.isInteger(value) || value < 0) {
        throw new Error(`${name} needs a non-negative integer, e.g. ${name} 8080`)
      }
      return value
    }
    if (arg === '--port') options.port = number('--port')
    else if (arg === '--latency') options.latencyMs = number('--latency')
    else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}`)
    else options.file = arg
  }
  return options
}

const options = parseArgs(process.argv.slice(2))
const scenario = options.file ? loadScenarioFile(options.file) : demoScenario()
const sim = await startSimulator({ scenario, latencyMs: options.latencyMs, port: options.port })
const url = sim.url

console.log(`GitHub API simulator listening on ${url} (GHES style: ${url}/api/v3)`)
for (const repo of sim.state.repositories) {
  console.log(`  ${repo.owner}/${repo.name}: ${repo.runs.length} runs`)
}
console.log('Tokens:')
for (const [token, info] of Object.entries(sim.state.tokens)) {
  const permissions = info.permissions
    ? Object.entries(info.permissions)
        .map(([scope, level]) => `${scope}:${level}`)
        .join(' ')
    : 'all'
  console.log(`  ${token}  (${info.kind}, ${info.login}; ${permissions})`)
}
process.on('SIGINT', () => {
  void sim.close().then(() => process.exit(0))
})
