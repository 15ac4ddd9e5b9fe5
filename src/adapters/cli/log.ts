/**
 * The command line's log sink: plain lines on stderr, never a workflow command. Warnings and errors
 * always (`warning: …`, `error: …`), what the operation does only with `--verbose`, progress to
 * the bar. Every value the operations mask (the token, secret values) is replaced by `***` in
 * every line, as GitHub's runner does in a step's log.
 */
import type { LogSink } from '../../log.js'
import type { LineWriter } from './progress.js'

/** The values never to print, and their replacement in text. */
export class Masks {
  private readonly values = new Set<string>()

  add(value: string): void {
    if (value !== '') this.values.add(value)
  }

  /** `text` with every masked value replaced by `***`, the longest first. */
  redact(text: string): string {
    let redacted = text
    const longestFirst = [...this.values].sort((a, b) => b.length - a.length)
    for (const value of longestFirst) redacted = redacted.split(value).join('***')
    return redacted
  }
}

/**
 * A sink writing to `writer`. Within a group (a repository) an info line is indented under the
 * group's name, and a warning or error names the group unless it already starts with it.
 */
export function cliLog(options: { writer: LineWriter; verbose: boolean; masks: Masks }): LogSink {
  const { writer, verbose, masks } = options
  const groups: string[] = []
  const write = (line: string): void => writer.line(masks.redact(line))
  const inGroup = (message: string): string => {
    const group = groups.at(-1)
    return group === undefined || message.startsWith(group) ? message : `${group}: ${message}`
  }
  return {
    info: message => {
      if (verbose) write(`${'  '.repeat(groups.length)}${message}`)
    },
    warning: message => write(`warning: ${inGroup(message)}`),
    error: message => write(`error: ${inGroup(message)}`),
    // Every request, retries included: too much for a terminal, even with --verbose.
    debug: () => undefined,
    group: async (name, work) => {
      if (verbose) write(`${'  '.repeat(groups.length)}${name}`)
      groups.push(name)
      try {
        return await work()
      } finally {
        groups.pop()
      }
    },
    mask: value => masks.add(value),
    progress: progress => writer.progress(progress)
  }
}
