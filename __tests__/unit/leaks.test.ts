import { describe, expect, it } from '@jest/globals'
import { findLeaks, secretsToScan } from '../lib/run-action.js'

const clean = { stdout: '', stderr: '', summary: '', outputs: {} as Record<string, string> }
const SECRET = 'hunter2-hunter2-hunter2'

describe('findLeaks', () => {
  it('accepts a secret that only appears in its add-mask command', () => {
    expect(findLeaks({ ...clean, stdout: `::add-mask::${SECRET}\ndone` }, [SECRET])).toEqual([])
  })
  it.each([
    ['stdout', { stdout: `token is ${SECRET}` }],
    ['stderr', { stderr: `Error: ${SECRET}` }],
    ['the job summary', { summary: `<td>${SECRET}</td>` }]
  ])('finds a secret in %s, without quoting it', (place, where) => {
    const leaks = findLeaks({ ...clean, ...where }, [SECRET])
    expect(leaks).toEqual([`secret #1 (${SECRET.length} characters) appears in ${place}`])
    expect(leaks.join()).not.toContain(SECRET)
  })
  it('finds an unmasked value in an output, and accepts a masked one', () => {
    expect(findLeaks({ ...clean, outputs: { 'generated-values': SECRET } }, [SECRET])).toHaveLength(
      1
    )
    expect(
      findLeaks(
        { ...clean, stdout: `::add-mask::${SECRET}`, outputs: { 'generated-values': SECRET } },
        [SECRET]
      )
    ).toEqual([])
  })
  it('checks generated values even when the test did not name them', () => {
    const outputs = { 'generated-values': JSON.stringify({ A: SECRET }) }
    const masked = `::add-mask::${SECRET}`
    expect(findLeaks({ ...clean, stdout: `${masked}\nwrote ${SECRET}`, outputs }, [])).toHaveLength(
      1
    )
    expect(findLeaks({ ...clean, stdout: masked, outputs }, [])).toEqual([])
  })
})

describe('secretsToScan', () => {
  it('scans the token and the step value, whole and line by line, without being told', () => {
    const value = '-----BEGIN TEST KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0B\n\n  \n'
    expect(
      secretsToScan({ apiUrl: 'http://x', token: 'ghs_abc', with: { value }, secrets: ['other'] })
    ).toEqual(['ghs_abc', 'other', value, '-----BEGIN TEST KEY-----', 'MIIEvQIBADANBgkqhkiG9w0B'])
  })
  it('adds nothing for an empty or blank value', () => {
    expect(secretsToScan({ apiUrl: 'http://x', with: { value: ' \n ' } })).toEqual(['ghs_write'])
    expect(secretsToScan({ apiUrl: 'http://x', with: {} })).toEqual(['ghs_write'])
  })
})
