/** `state-file` values the file system cannot use are refused naming the input, before any request. */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'

const read = (stateFile: string): unknown =>
  getSettings(inputs({ operation: 'cancel-stale', 'state-file': stateFile }), runnerEnv)

describe('state-file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'state-file-input-'))
  const file = join(folder, 'a-file')
  writeFileSync(file, '')

  it.each([
    ['a name longer than the file system allows', 'x'.repeat(300), /is too long a path/],
    [
      'a path through a file',
      join(file, 'state.json'),
      /passes through a file as if it were a folder/
    ],
    ['a folder', folder, /is a folder; name a file in it/],
    ['a missing folder', join(folder, 'missing', 'state.json'), /which does not exist/]
  ])('should refuse %s, naming the input', (_, value, why) => {
    expect(() => read(value)).toThrow(why)
    expect(() => read(value)).toThrow(/^Input 'state-file': /)
  })

  it('should take a file in a folder that exists', () => {
    expect(read(join(folder, 'state.json'))).toMatchObject({
      stateFile: join(folder, 'state.json')
    })
  })
})
