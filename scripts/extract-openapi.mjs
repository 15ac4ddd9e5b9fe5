#!/usr/bin/env node
/**
 * Extracts the subset of GitHub's OpenAPI description that the simulator validates requests
 * against, and writes it to simulator/openapi/operations.json.
 *
 * Usage:
 *   node scripts/extract-openapi.mjs [path/to/api.github.com.json]
 *
 * Without an argument the pinned @octokit/openapi package is fetched with `npm pack` into a
 * temporary directory and only generated/api.github.com.json is unpacked from it; the package is
 * far too large to be a dependency of the project.
 *
 * Output shape (keys sorted by operationId):
 *   { source: { package, version, file, openapi, apiVersion },
 *     operations: { [operationId]: { method, path, parameters: [{ name, in, required, schema,
 *       multiSegment? }], requestBody: { required, schema } | null, responses: number[] } } }
 * Every schema is self-contained ($refs inlined) JSON Schema that ajv 8 accepts: OpenAPI 3.0
 * `nullable` becomes a type union and documentation-only keywords are dropped.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileValidators, VALIDATORS } from './compile-openapi.mjs'

const PACKAGE = '@octokit/openapi'
const VERSION = '23.0.2'
const FILE = 'generated/api.github.com.json'

const OPERATION_IDS = [
  'actions/list-workflow-runs-for-repo',
  'actions/list-workflow-runs',
  'actions/get-workflow-run',
  'actions/get-workflow-run-attempt',
  'actions/cancel-workflow-run',
  'actions/force-cancel-workflow-run',
  'actions/re-run-workflow',
  'actions/re-run-workflow-failed-jobs',
  'actions/re-run-job-for-workflow-run',
  'actions/list-jobs-for-workflow-run',
  'actions/list-jobs-for-workflow-run-attempt',
  'actions/get-job-for-workflow-run',
  'actions/download-job-logs-for-workflow-run',
  'actions/approve-workflow-run',
  'actions/get-pending-deployments-for-run',
  'actions/review-pending-deployments-for-run',
  'actions/review-custom-gates-for-run',
  'actions/get-reviews-for-run',
  'actions/list-repo-workflows',
  'actions/get-workflow',
  'actions/delete-workflow-run',
  'actions/list-artifacts-for-repo',
  'actions/list-workflow-run-artifacts',
  'actions/get-artifact',
  'actions/delete-artifact',
  'actions/get-actions-cache-list',
  'actions/delete-actions-cache-by-id',
  'pulls/list',
  'pulls/get',
  'pulls/list-files',
  'repos/list-pull-requests-associated-with-commit',
  'repos/get',
  'repos/list-for-org',
  'repos/list-for-user',
  'repos/list-for-authenticated-user',
  'apps/list-repos-accessible-to-installation',
  'users/get-by-username',
  'repos/get-environment',
  'repos/get-all-environments',
  'actions/get-repo-public-key',
  'actions/get-repo-secret',
  'actions/list-repo-secrets',
  'actions/create-or-update-repo-secret',
  'actions/get-environment-public-key',
  'actions/get-environment-secret',
  'actions/list-environment-secrets',
  'actions/create-or-update-environment-secret',
  'actions/get-org-public-key',
  'actions/get-org-secret',
  'actions/list-org-secrets',
  'actions/create-or-update-org-secret',
  'actions/list-selected-repos-for-org-secret',
  'actions/set-selected-repos-for-org-secret',
  'dependabot/get-repo-public-key',
  'dependabot/get-repo-secret',
  'dependabot/list-repo-secrets',
  'dependabot/create-or-update-repo-secret',
  'dependabot/get-org-public-key',
  'dependabot/get-org-secret',
  'dependabot/list-org-secrets',
  'dependabot/create-or-update-org-secret',
  'dependabot/list-selected-repos-for-org-secret',
  'dependabot/set-selected-repos-for-org-secret',
  'codespaces/get-repo-public-key',
  'codespaces/get-repo-secret',
  'codespaces/list-repo-secrets',
  'codespaces/create-or-update-repo-secret',
  'codespaces/get-org-public-key',
  'codespaces/get-org-secret',
  'codespaces/list-org-secrets',
  'codespaces/create-or-update-org-secret',
  'codespaces/list-selected-repos-for-org-secret',
  'codespaces/set-selected-repos-for-org-secret',
  'rate-limit/get',
  'users/get-authenticated'
]

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

// Keywords ajv validates with; everything else in an OpenAPI schema (description, example,
// readOnly, x-github, ...) only documents and would bloat the output.
const KEPT_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'default'
])

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outFile = join(repoRoot, 'simulator', 'openapi', 'operations.json')

function fetchDescription(workDir) {
  console.error(`Fetching ${PACKAGE}@${VERSION} with npm pack ...`)
  const packed = execFileSync(
    'npm',
    ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', workDir, '--silent'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const tarball = packed.trim().split('\n').pop()
  if (!tarball) throw new Error('npm pack did not report a tarball name')
  execFileSync('tar', ['-xzf', join(workDir, tarball), '-C', workDir, `package/${FILE}`], {
    stdio: 'inherit'
  })
  return join(workDir, 'package', FILE)
}

function checkAdjacentVersion(descriptionPath) {
  // When handed an unpacked package, make sure it is the pinned one so the output stays reproducible.
  const pkgJson = resolve(dirname(descriptionPath), '..', 'package.json')
  if (!existsSync(pkgJson)) return
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'))
  if (pkg.name === PACKAGE && pkg.version !== VERSION) {
    console.error(
      `warning: ${descriptionPath} comes from ${PACKAGE}@${pkg.version}, but ${VERSION} is pinned`
    )
  }
}

function resolvePointer(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`)
  let node = doc
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new Error(`Unresolvable $ref ${ref}`)
    }
    node = node[key]
  }
  return node
}

function deref(doc, node, seen = []) {
  if (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) {
      throw new Error(`Cyclic $ref ${[...seen, node.$ref].join(' -> ')} cannot be inlined`)
    }
    return { node: resolvePointer(doc, node.$ref), seen: [...seen, node.$ref] }
  }
  return { node, seen }
}

/** Turns an OpenAPI 3.0 schema object into a self-contained JSON Schema for ajv 8. */
function toJsonSchema(doc, input, seenRefs = []) {
  if (typeof input === 'boolean') return input
  const { node, seen } = deref(doc, input, seenRefs)
  if (typeof node === 'boolean') return node
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT_KEYWORDS.has(key)) continue
    switch (key) {
      case 'properties':
      case 'patternProperties':
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, toJsonSchema(doc, sub, seen)])
        )
        break
      case 'additionalProperties':
      case 'not':
        out[key] = toJsonSchema(doc, value, seen)
        break
      case 'items':
        out[key] = Array.isArray(value)
          ? value.map(sub => toJsonSchema(doc, sub, seen))
          : toJsonSchema(doc, value, seen)
        break
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[key] = value.map(sub => toJsonSchema(doc, sub, seen))
        break
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // OpenAPI 3.0 uses draft-04 booleans; draft-07 wants the bound itself.
        if (value === true) {
          const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum'
          if (typeof node[bound] === 'number') out[key] = node[bound]
        } else if (typeof value === 'number') {
          out[key] = value
        }
        break
      default:
        out[key] = value
    }
  }
  if (node.exclusiveMinimum === true) delete out.minimum
  if (node.exclusiveMaximum === true) delete out.maximum
  if (node.nullable === true) return makeNullable(out)
  return out
}

function makeNullable(schema) {
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null']
  } else if (Array.isArray(schema.type)) {
    if (!schema.type.includes('null')) schema.type = [...schema.type, 'null']
  } else {
    return { anyOf: [schema, { type: 'null' }] }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...schema.enum, null]
  }
  return schema
}

function extractParameter(doc, raw) {
  const { node: param } = deref(doc, raw)
  const schema = toJsonSchema(doc, param.schema ?? {})
  // GitHub documents the page-size cap only in prose ("(max 100)"); the schema leaves it out.
  const cap = /\(max (\d+)\)/.exec(param.description ?? '')
  if (cap && schema.type === 'integer' && schema.maximum === undefined) {
    schema.maximum = Number(cap[1])
  }
  // Filters such as `created` take search-syntax ranges (">=2024-01-01", "a..b") although the
  // schema claims a plain date-time, so the format would reject requests GitHub accepts.
  if (param.in === 'query' && /search syntax/i.test(param.description ?? '')) {
    delete schema.format
  }
  const out = {
    name: param.name,
    in: param.in,
    required: param.in === 'path' ? true : param.required === true,
    schema
  }
  if (param['x-multi-segment'] === true) out.multiSegment = true
  return out
}

function extractOperations(doc) {
  const byId = new Map()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (op?.operationId) byId.set(op.operationId, { path, method, op, item })
    }
  }
  const missing = OPERATION_IDS.filter(id => !byId.has(id))
  if (missing.length > 0) {
    throw new Error(`Operations not in the OpenAPI description: ${missing.join(', ')}`)
  }

  const operations = {}
  for (const id of [...OPERATION_IDS].sort()) {
    const { path, method, op, item } = byId.get(id)
    // Operation-level parameters override path-item ones with the same name and location.
    const merged = new Map()
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const param = extractParameter(doc, raw)
      if (param.in === 'path' || param.in === 'query')
        merged.set(`${param.in}:${param.name}`, param)
    }
    let requestBody = null
    if (op.requestBody) {
      const { node: body } = deref(doc, op.requestBody)
      const media = body.content?.['application/json']
      if (media) {
        requestBody = {
          required: body.required === true,
          schema: toJsonSchema(doc, media.schema ?? {})
        }
      }
    }
    const responses = Object.keys(op.responses ?? {})
      .filter(code => /^\d{3}$/.test(code))
      .map(Number)
      .sort((a, b) => a - b)
    operations[id] = {
      method: method.toUpperCase(),
      path,
      parameters: [...merged.values()],
      requestBody,
      responses
    }
  }
  return operations
}

function main() {
  const given = process.argv[2]
  let workDir
  try {
    let descriptionPath
    if (given) {
      descriptionPath = resolve(given)
      checkAdjacentVersion(descriptionPath)
    } else {
      workDir = mkdtempSync(join(tmpdir(), 'octokit-openapi-'))
      descriptionPath = fetchDescription(workDir)
    }
    const doc = JSON.parse(readFileSync(descriptionPath, 'utf8'))
    const output = {
      source: {
        package: PACKAGE,
        version: VERSION,
        file: FILE,
        openapi: doc.openapi,
        apiVersion: doc.info?.version
      },
      operations: extractOperations(doc)
    }
    mkdirSync(dirname(outFile), { recursive: true })
    writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`)
    console.error(`Wrote ${Object.keys(output.operations).length} operations to ${outFile}`)
    writeFileSync(VALIDATORS, compileValidators(output))
    console.error(`Compiled their request schemas into ${VALIDATORS.pathname}`)
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true })
  }
}

main()
