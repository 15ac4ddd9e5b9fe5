/**
 * The progress bar on stderr (a terminal only): repositories and targets done of those known, as
 * the operations report them through `log.progress`. Lines written while it shows go above it.
 */
import cliProgress from 'cli-progress'
import type { Count, Progress } from '../../log.js'

/** Where lines go while an invocation runs: above the bar when there is one. */
export interface LineWriter {
  /** Writes `line` and a newline. */
  line(line: string): void
  /** Shows `progress` (a bar ignores what a plain writer cannot show). */
  progress(progress: Progress): void
  /** Takes the bar off the screen; later lines are written plainly. */
  stop(): void
}

/** Writes lines to `stream` and shows no progress: stderr that is not a terminal. */
export function plainWriter(stream: NodeJS.WritableStream): LineWriter {
  return {
    line: line => void stream.write(`${line}\n`),
    progress: () => undefined,
    stop: () => undefined
  }
}

const describe = (count: Count | undefined): string =>
  count === undefined ? '-' : `${count.done}/${count.known}`

/**
 * A bar on `stream` (a terminal), shown from the first report on: it fills with the repositories
 * when there are several, else with the targets, and names both counts.
 */
export function progressBar(stream: NodeJS.WriteStream): LineWriter {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{bar} repositories {repositories} | targets {targets}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      // Redrawn at most this often; the last state is drawn on stop (then cleared).
      fps: 10
    },
    cliProgress.Presets.shades_classic
  )
  let bar: cliProgress.SingleBar | undefined
  let stopped = false
  const state: Progress = {}
  // Ctrl-C: the cursor comes back before the process ends as the signal asks (cli-progress's own
  // handler would keep it running).
  const interrupted = (signal: NodeJS.Signals): void => {
    stop()
    process.kill(process.pid, signal)
  }
  const stop = (): void => {
    if (stopped) return
    stopped = true
    process.removeListener('SIGINT', interrupted)
    process.removeListener('SIGTERM', interrupted)
    if (bar === undefined) return
    // Lines logged since the last redraw wait in the bar's buffer: write them first.
    bars.update()
    bars.stop()
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  return {
    line: line => {
      if (bar === undefined || stopped) stream.write(`${line}\n`)
      else bars.log(`${line}\n`)
    },
    progress: progress => {
      if (stopped) return
      Object.assign(state, progress)
      const filling =
        state.repositories !== undefined && state.repositories.known > 1
          ? state.repositories
          : (state.targets ?? state.repositories)
      const payload = {
        repositories: describe(state.repositories),
        targets: describe(state.targets)
      }
      const total = Math.max(filling?.known ?? 0, 1)
      const value = filling?.done ?? 0
      if (bar === undefined) {
        bar = bars.create(total, value, payload)
        // Drawn at once, not at the first tick: a short run shows it too.
        bars.update()
      } else {
        bar.setTotal(total)
        bar.update(value, payload)
      }
    },
    stop
  }
}
