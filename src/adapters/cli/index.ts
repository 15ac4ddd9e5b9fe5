#!/usr/bin/env node
/** The command line's entry (`dist/cli/index.js`, package.json's `bin.actions-ops`). */
import { main } from './main.js'

process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr
})
