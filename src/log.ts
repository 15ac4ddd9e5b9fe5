/**
 * Where the operations write what they are doing. Below the adapters nothing knows which front door
 * it runs behind: it writes here. The action's adapter keeps the default sink (`@actions/core`:
 * plain lines, `::warning::`/`::error::` annotations, `::group::` folds and masks); the command
 * line installs its own with {@link useLog} (plain `warning: …` lines on stderr, never a workflow
 * command, and a progress bar fed by {@link LogSink.progress}).
 */
import * as core from '@actions/core'

/** Done of known so far: both grow as an invocation finds more (patterns resolved, targets planned). */
export interface Count {
  done: number
  known: number
}

/**
 * How far an invocation is: the repositories it visits, and the targets it changes (or plans, in a
 * dry run) of those it has decided to change. A report carries the counts that moved.
 */
export interface Progress {
  repositories?: Count
  targets?: Count
}

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
  /** Where the invocation is, for a front door that shows it while it runs. */
  progress(progress: Progress): void
}

/** GitHub's runner: `@actions/core`'s commands. */
export const actionsLog: LogSink = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  error: message => core.error(message),
  debug: message => core.debug(message),
  group: async (name, work) => core.group(name, work),
  mask: value => core.setSecret(value),
  // A step's log is read afterwards, not watched: the lines `Mutations.apply` writes are enough.
  progress: () => undefined
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
  mask: value => sink.mask(value),
  progress: progress => sink.progress(progress)
}
