/**
 * `operation`: the one input the bundle's entry reads before the worker starts, so this module
 * loads nothing but the definition and a small edit-distance library.
 */
import { closest } from 'fastest-levenshtein'
import { OPERATIONS, type OperationName } from './definition.js'
import { InputError } from './input-error.js'

/**
 * Parses `operation`.
 * @returns the operation named (surrounding whitespace ignored).
 * @throws InputError listing the valid names and, for a typo, the nearest one.
 */
export function parseOperation(raw: string): OperationName {
  const value = raw.trim()
  if ((OPERATIONS as readonly string[]).includes(value)) return value as OperationName
  const valid = OPERATIONS.join(', ')
  if (value === '') {
    throw new InputError(
      'operation',
      `is required. Use one of ${valid}, e.g. 'operation: cancel-stale'.`
    )
  }
  const nearest = closest(value.toLowerCase(), [...OPERATIONS])
  throw new InputError(
    'operation',
    `${JSON.stringify(value)} is not an operation. Did you mean '${nearest}'? Valid operations: ${valid}.`
  )
}
