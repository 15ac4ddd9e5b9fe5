/** A bad input value. `input` is the input's name as written in `with:` (the command line: `--input`). */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
  }
}
