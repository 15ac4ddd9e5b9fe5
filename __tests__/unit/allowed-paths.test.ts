/** approve-fork-runs `allowed-paths`: which changed files pass, and how the input is read. */
import { describe, expect, it } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import {
  checkChangedFiles,
  firstOutside,
  type ChangedFile
} from '../../src/operations/approve-fork-runs/rules.js'

const file = (filename: string, status = 'modified', previous?: string): ChangedFile => ({
  filename,
  status,
  ...(previous !== undefined && { previous_filename: previous })
})
const DOCS = ['docs/**', '**/*.md']
const PROTECTED = ['.github/workflows/**', '.github/actions/**']

describe('allowed-paths (approve-fork-runs)', () => {
  it.each<[string, ChangedFile[], string[], string | undefined]>([
    ['no glob: any path', [file('src/app.ts')], [], undefined],
    ['every file under docs/', [file('docs/a.md'), file('docs/img/b.png')], DOCS, undefined],
    [
      'a Markdown file anywhere',
      [file('README.md'), file('packages/x/CHANGELOG.md')],
      DOCS,
      undefined
    ],
    ['a source file', [file('docs/a.md'), file('src/app.ts')], DOCS, 'src/app.ts'],
    ['the first of several outside, in listing order', [file('b.ts'), file('a.ts')], DOCS, 'b.ts'],
    [
      'a rename out of docs/: its new name',
      [file('src/a.ts', 'renamed', 'docs/a.md')],
      DOCS,
      'src/a.ts'
    ],
    [
      'a rename into docs/: its old name',
      [file('docs/a.md', 'renamed', 'src/a.ts')],
      DOCS,
      'src/a.ts'
    ],
    ['a rename within docs/', [file('docs/b.md', 'renamed', 'docs/a.md')], DOCS, undefined],
    ['a folder covers everything below it', [file('docs/deep/x.txt')], ['docs'], undefined],
    ['a leading slash is dropped', [file('docs/x.txt')], ['/docs/**'], undefined],
    ['case is ignored, as in protected-paths', [file('Docs/Guide.MD')], ['docs/**'], undefined],
    ['dot files match like any other', [file('docs/.nojekyll')], ['docs/**'], undefined],
    ['* does not cross /', [file('docs/a/b.md')], ['docs/*'], undefined],
    [
      '* does not cross / (no folder rule for a file glob)',
      [file('src/a/b.ts')],
      ['src/*.ts'],
      'src/a/b.ts'
    ],
    ['no file: nothing outside', [], DOCS, undefined]
  ])('%s', (_, files, allowed, outside) => {
    expect(firstOutside(files, allowed)).toBe(outside)
  })

  it.each<[string, ChangedFile[], string | undefined]>([
    ['docs only: approvable', [file('docs/a.md')], undefined],
    [
      'a source file',
      [file('docs/a.md'), file('src/app.ts')],
      'changes src/app.ts, not in allowed-paths'
    ],
    [
      'a protected path even when allowed, named before a file outside',
      [file('src/app.ts'), file('.github/workflows/ci.md')],
      'touches .github/workflows/ci.md (pull request #7)'
    ],
    [
      'a protected old name of a rename into docs/',
      [file('docs/ci.md', 'renamed', '.github/workflows/ci.yml')],
      'touches .github/workflows/ci.yml (renamed to docs/ci.md; pull request #7)'
    ]
  ])('checkChangedFiles with allowed-paths: %s', (_, files, reason) => {
    expect(checkChangedFiles(7, files, PROTECTED, DOCS)?.reason).toBe(reason)
  })

  it('should still refuse a listing at the 3,000-file limit whose listed files are all allowed', () => {
    const files = Array.from({ length: 3000 }, (_, i) => file(`docs/page${i}.md`))
    expect(checkChangedFiles(7, files, PROTECTED, DOCS)?.reason).toMatch(
      /^pull request #7 changes 3000 files or more/
    )
  })
})

describe('reading allowed-paths', () => {
  const read = (withInputs: Record<string, string>): unknown =>
    getSettings(inputs(withInputs), runnerEnv)

  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['default: any path', { operation: 'approve-fork-runs' }, { allowedPaths: [] }],
    [
      'globs',
      { operation: 'approve-fork-runs', 'allowed-paths': 'docs/**\n**/*.md' },
      { allowedPaths: ['docs/**', '**/*.md'] }
    ]
  ])('%s', (_, withInputs, expected) => {
    expect(read(withInputs)).toMatchObject(expected)
  })

  it('should refuse a negation, naming the input', () => {
    expect(() => read({ operation: 'approve-fork-runs', 'allowed-paths': '!docs/**' })).toThrow(
      `Input 'allowed-paths': "!docs/**" is not a usable glob`
    )
  })
})
