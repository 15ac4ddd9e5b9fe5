/**
 * Where the operations write what they are doing. Below the adapters nothing knows which front door
 * it runs behind: it writes here. The action's adapter keeps the default sink (`@actions/core`:
 * plain lines, `::warning::`/`::error::` annotations, `::group::` folds and masks); the command
 * line installs its own with {@link useLog} (plain `warning: …` lines on stderr, never a workflow
 * command).
 */
import * as core from '@actions/core'

/** A sink for the lines the operations write. */
export interface LogSink {
  info(message: string): void
  /** Something the user should look at; the step goes on. */
  warning(message: string): void
  /** A target or repository failed; the step goes on and reports it. */
  error(message: string): void
  /** Detail for debugging (shown by the action only with step debug logging on). */
  debug(message: string): void
  /** Runs `work` with its lines folded under `name`. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
  /** Keeps `value` (a secret) out of every later line the sink writes. */
  mask(value: string): void
}

/** GitHub's runner: `@actions/core`'s commands. */
export const actionsLog: LogSink = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  error: message => core.error(message),
  debug: message => core.debug(message),
  group: async (name, work) => core.group(name, work),
  mask: value => core.setSecret(value)
}

let sink: LogSink = actionsLog

/** Makes `next` the sink of every later line; an adapter calls it once, before anything runs. */
export function useLog(next: LogSink): void {
  sink = next
}

/** The current sink's methods, for the code below the adapters. */
export const log: LogSink = {
  info: message => sink.info(message),
  warning: message => sink.warning(message),
  error: message => sink.error(message),
  debug: message => sink.debug(message),
  group: async (name, work) => sink.group(name, work),
  mask: value => sink.mask(value)
}
