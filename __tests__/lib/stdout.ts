/** Keeps what a unit test writes to stdout (`@actions/core` announces masks there) out of the test log. */
import { afterEach, beforeEach, jest } from '@jest/globals'

/**
 * Registers, in the calling file, a stdout that records instead of printing during each test, and
 * the restoring of every mock after each test.
 * @returns the chunks written to stdout during the current test (emptied before each test).
 */
export function captureStdout(): string[] {
  const stdout: string[] = []
  beforeEach(() => {
    stdout.length = 0
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      stdout.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
  return stdout
}
