import type { ErrorObject } from 'ajv'

/** One thing wrong with a message or resource, in words a report can show as is. */
export interface Problem {
  /** Attribute path in SCIM notation: `emails[0].primary`, `urn:…:User:manager.value`; '' for the whole body. */
  path: string
  /** What is wrong, without the path: `must be a boolean`. */
  message: string
  /**
   * type: wrong JSON type or format; required: a required attribute is missing; undeclared: not in the schema;
   * never: a `returned: never` attribute is present; value: a value outside the allowed ones; other: anything else.
   */
  kind: 'type' | 'required' | 'undeclared' | 'never' | 'value' | 'other'
}

/** `emails[0].primary must be a boolean`: one line per problem. */
export function formatProblem(p: Problem): string {
  return p.path ? `${p.path} ${p.message}` : p.message.charAt(0).toUpperCase() + p.message.slice(1)
}

export function formatProblems(ps: readonly Problem[], max = 3): string {
  const shown = ps.slice(0, max).map(formatProblem).join('; ')
  return ps.length > max ? `${shown}; and ${ps.length - max} more` : shown
}

const TYPE_WORDS: Record<string, string> = {
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  object: 'an object (complex value)',
  array: 'an array (multi-valued)',
  null: 'null',
}

/** Translate ajv's errors into Problems; `never` says which characteristic a `not` schema stands for (returned: never). */
export function problemsOf(errors: readonly ErrorObject[] | null | undefined, never: (e: ErrorObject) => string | undefined = () => 'returned: never'): Problem[] {
  const out: Problem[] = []
  const seen = new Set<string>()
  for (const e of errors ?? []) {
    // Each item failing a `contains` subschema is noise: the contains error itself says what is missing.
    if (e.schemaPath.includes('/contains/')) continue
    const p = problemOf(e, never)
    if (!p) continue
    const key = `${p.path}\u0000${p.message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(p)
  }
  return out
}

function problemOf(e: ErrorObject, never: (e: ErrorObject) => string | undefined): Problem | undefined {
  const path = scimPath(e.instancePath)
  const child = (name: string) => (path ? `${path}.${name}` : name)
  switch (e.keyword) {
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type).split(',')[0]
      return { path, message: `must be ${TYPE_WORDS[want] ?? want}, not ${jsonTypeOf(e.data)}`, kind: 'type' }
    }
    case 'format':
      return { path, message: `must be an xsd:dateTime such as 2015-09-01T12:30:00Z, not ${JSON.stringify(e.data)}`, kind: 'type' }
    case 'required':
      return { path: child((e.params as { missingProperty: string }).missingProperty), message: 'is required but missing', kind: 'required' }
    case 'additionalProperties':
      return { path: child((e.params as { additionalProperty: string }).additionalProperty), message: 'is not declared in the schema', kind: 'undeclared' }
    case 'not': {
      const why = never(e)
      return why ? { path, message: `must never be returned (${why})`, kind: 'never' } : { path, message: 'has a value that is not allowed', kind: 'value' }
    }
    case 'enum':
      return { path, message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`, kind: 'value' }
    case 'const':
      return { path, message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`, kind: 'value' }
    case 'contains':
      return { path, message: `must contain ${describeContains(e)}`, kind: 'value' }
    case 'minItems':
      return { path, message: `must have at least ${(e.params as { limit: number }).limit} item(s)`, kind: 'value' }
    case 'minimum':
      return { path, message: `must be ${(e.params as { comparison: string }).comparison} ${(e.params as { limit: number }).limit}`, kind: 'value' }
    case 'pattern':
      return { path, message: `has an unexpected form ${JSON.stringify(e.data)}`, kind: 'value' }
    case 'anyOf':
    case 'oneOf':
    case 'if':
      // The branch errors say what is wrong; the combinator adds nothing a reader can act on.
      return undefined
    default:
      return { path, message: e.message ?? `fails ${e.keyword}`, kind: 'other' }
  }
}

function describeContains(e: ErrorObject): string {
  const c = (e.parentSchema as { contains?: { const?: unknown; enum?: unknown[] } } | undefined)?.contains
  if (c?.const !== undefined) return JSON.stringify(c.const)
  if (c?.enum) return `one of ${c.enum.map((v) => JSON.stringify(v)).join(', ')}`
  return 'a matching item'
}

/** `/emails/0/primary` → `emails[0].primary`; URN keys are kept whole. */
export function scimPath(pointer: string): string {
  if (!pointer) return ''
  let out = ''
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(seg)) out += `[${seg}]`
    else out += out ? `.${seg}` : seg
  }
  return out
}

export function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'number') return `the number ${v}`
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`
  if (typeof v === 'boolean') return `the boolean ${v}`
  if (typeof v === 'object') return 'an object'
  return typeof v
}
