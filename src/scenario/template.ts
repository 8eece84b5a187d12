import { randomBytes, randomUUID, createHash } from 'node:crypto'
import { segment } from '../http/segment.js'

/**
 * `{{ expr }}` templating for scenario values. `expr` is a path into the variables: `user.id`,
 * `user.emails[0].value`, `user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].employeeNumber`.
 * No operators and no functions: a scenario says which value, never how to compute one.
 */

export class TemplateError extends Error {
  override name = 'TemplateError'
  constructor(
    message: string,
    /** The whole `{{ ... }}` that failed. */
    readonly expression: string,
    /** The variable roots that were available. */
    readonly roots: string[] = [],
  ) {
    super(message)
  }
}

export type PathPart = string | number

export interface TemplateExpression {
  /** As written, braces included: `{{ user.id }}`. */
  raw: string
  /** The path inside the braces: `user.id`. */
  expr: string
  root: string
  path: PathPart[]
  /** Offset of `raw` in the string. */
  start: number
}

const WHOLE = /^\{\{([^{}]*)\}\}$/
const ROOT = /^[A-Za-z_][A-Za-z0-9_]*/
const KEY = /^\.([A-Za-z_$][\w$-]*)/
const INDEX = /^\[\s*(\d+)\s*\]/
const QUOTED_KEY = /^\[\s*(?:"([^"]*)"|'([^']*)')\s*\]/

/** Every `{{ expr }}` in a string, parsed; throws TemplateError on an unclosed `{{` or a malformed path. */
export function templateExpressions(text: string): TemplateExpression[] {
  const found: TemplateExpression[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf('{{', from)
    if (start < 0) return found
    const end = text.indexOf('}}', start + 2)
    if (end < 0) throw new TemplateError(`template ${JSON.stringify(text)} has a "{{" without a closing "}}"`, text.slice(start))
    const raw = text.slice(start, end + 2)
    const expr = raw.slice(2, -2).trim()
    const path = parsePath(expr, raw)
    found.push({ raw, expr, root: path[0] as string, path, start })
    from = end + 2
  }
}

function parsePath(expr: string, raw: string): PathPart[] {
  const bad = (why: string) =>
    new TemplateError(`template "${raw}" is not a valid path (${why}); write a dotted path such as "{{ user.emails[0].value }}"`, raw)
  const root = ROOT.exec(expr)
  if (!root) throw bad(expr ? `"${expr}" does not start with a variable name` : 'it is empty')
  const path: PathPart[] = [root[0]]
  let rest = expr.slice(root[0].length)
  while (rest) {
    let match: RegExpExecArray | null
    if ((match = KEY.exec(rest))) path.push(match[1])
    else if ((match = INDEX.exec(rest))) path.push(Number(match[1]))
    else if ((match = QUOTED_KEY.exec(rest))) path.push(match[1] ?? match[2])
    else throw bad(`unexpected "${rest}"`)
    rest = rest.slice(match[0].length)
  }
  return path
}

/**
 * Deep-renders strings in `value`. A string that is exactly one `{{ expr }}` becomes the value itself
 * (number, boolean, object); otherwise each `{{ expr }}` is replaced by its text. Objects and arrays are copied,
 * never changed in place.
 */
export function render(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, vars)
  if (Array.isArray(value)) return value.map((item) => render(item, vars))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = render(item, vars)
    return out
  }
  return value
}

/**
 * A raw request: like render, except that a value templated into `path` is percent-encoded as one path segment (or
 * query component after '?'), so a saved id with '/', '?', '#', spaces or non-ASCII characters addresses exactly
 * that resource; a value that cannot be one segment throws UnsafeSegment. A path that is one whole template (a
 * saved meta.location) is a URL already and is used as given.
 */
export function renderRequest(request: Record<string, unknown>, vars: Record<string, unknown>): Record<string, unknown> {
  const { path, ...rest } = request
  const out = render(rest, vars) as Record<string, unknown>
  // A BulkRequest's operations carry paths too (RFC 7644 §3.7): each is built the same way.
  const ops = isPlainObject(request.body) && Array.isArray(request.body.Operations) ? request.body.Operations : undefined
  if (typeof path === 'string' && /\/Bulk\/?$/i.test(path) && ops && isPlainObject(out.body) && Array.isArray(out.body.Operations)) {
    out.body = { ...out.body, Operations: out.body.Operations.map((op, i) => (isPlainObject(op) && isPlainObject(ops[i]) && typeof ops[i].path === 'string' ? { ...op, path: renderPath(ops[i].path as string, vars) } : op)) }
  }
  return typeof path === 'string' ? { ...out, path: renderPath(path, vars) } : { ...out, path }
}

/**
 * A scenario's strings are few and rendered over and over (every repetition, every profile): each is parsed once.
 * Callers only read the expressions.
 */
const parsed = new Map<string, readonly TemplateExpression[]>()
function expressionsOf(text: string): readonly TemplateExpression[] {
  let found = parsed.get(text)
  if (!found) {
    found = templateExpressions(text)
    // Bounded: a run that renders generated text (a thousand distinct strings) does not keep them all.
    if (parsed.size >= 4096) parsed.clear()
    parsed.set(text, found)
  }
  return found
}

function renderPath(text: string, vars: Record<string, unknown>): unknown {
  if (!text.includes('{{')) return text
  const expressions = expressionsOf(text)
  if (expressions.length === 1 && WHOLE.test(text)) return lookup(expressions[0], vars)
  let out = ''
  let from = 0
  let inQuery = false
  for (const expression of expressions) {
    const literal = text.slice(from, expression.start)
    inQuery ||= /[?#]/.test(literal)
    const value = toText(lookup(expression, vars), expression)
    out += literal + (inQuery ? encodeURIComponent(value) : segment(value, `the value of ${expression.raw}`))
    from = expression.start + expression.raw.length
  }
  return out + text.slice(from)
}

function renderString(text: string, vars: Record<string, unknown>): unknown {
  if (!text.includes('{{')) return text
  const expressions = expressionsOf(text)
  if (expressions.length === 1 && WHOLE.test(text)) return lookup(expressions[0], vars)
  let out = ''
  let from = 0
  for (const expression of expressions) {
    out += text.slice(from, expression.start) + toText(lookup(expression, vars), expression)
    from = expression.start + expression.raw.length
  }
  return out + text.slice(from)
}

function toText(value: unknown, expression: TemplateExpression): string {
  if (value === null || value === undefined) {
    throw new TemplateError(`template "${expression.raw}" is ${value} and cannot be put into text`, expression.raw)
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Resolves one expression against the variables; throws TemplateError naming what is there instead. */
export function lookup(expression: TemplateExpression, vars: Record<string, unknown>): unknown {
  const path = expression.path
  const root = path[0]
  if (!hasKey(vars, root)) {
    const roots = rootsOf(vars)
    throw new TemplateError(
      `template "${expression.raw}": unknown variable \`${root}\` (available: ${roots.join(', ') || 'none'})`,
      expression.raw,
      roots,
    )
  }
  let current = vars[root as string]
  let walked = String(root)
  for (let i = 1; i < path.length; i++) {
    const part = path[i]
    if (typeof part === 'number') {
      if (!Array.isArray(current)) throw missing(expression, vars, `\`${walked}\` is ${kindOf(current)}, not a list, so it has no [${part}]`)
      if (part >= current.length) throw missing(expression, vars, `\`${walked}\` has ${current.length} item${current.length === 1 ? '' : 's'}, so no [${part}]`)
      current = current[part]
      walked += `[${part}]`
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) {
        throw missing(expression, vars, `\`${walked}\` is ${kindOf(current)}, not an object, so it has no \`${part}\``)
      }
      if (!hasKey(current, part)) {
        const keys = Object.keys(current)
        throw missing(expression, vars, `\`${walked}\` has no \`${part}\` (it has: ${keys.length ? keys.slice(0, 12).join(', ') : 'nothing'})`)
      }
      current = (current as Record<string, unknown>)[part]
      walked += `.${part}`
    }
  }
  if (current === undefined) throw missing(expression, vars, `\`${walked}\` is undefined`)
  return current
}

/** The variables' names, for messages only (sorted, so a message reads the same every run). */
function rootsOf(vars: Record<string, unknown>): string[] {
  return Object.keys(vars).sort()
}

function missing(expression: TemplateExpression, vars: Record<string, unknown>, why: string): TemplateError {
  const roots = rootsOf(vars)
  return new TemplateError(`template "${expression.raw}": ${why}; variables: ${roots.join(', ')}`, expression.raw, roots)
}

function hasKey(object: object, key: PathPart): boolean {
  return Object.prototype.hasOwnProperty.call(object, key)
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Every resource the run creates is named with this prefix; the runner refuses to touch anything without it. */
export function runPrefix(runId: string): string {
  return `scimcheck-${runId}-`
}

const SYLLABLES = ['ba', 'ko', 'ri', 'ten', 'lu', 'mo', 'sa', 'vi', 'del', 'ra', 'no', 'pe', 'zu', 'fa', 'ki', 'lo']

/**
 * Values that are fresh for this run and stable within one scope (say, a scenario under one profile): the first
 * read of `unique.userName` generates it, later reads return the same value. Keys ending in digits are distinct
 * values of the same kind (`userName2`). Every string that names a resource starts with `scimcheck-<runId>-`.
 */
export function uniqueValues(runId: string, scope: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(runId)) throw new Error(`run id "${runId}" must be letters, digits and hyphens`)
  const scopePart = scope.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'scope'
  const prefix = runPrefix(runId)
  let counter = 0
  const generate = (key: string): unknown => {
    const kind = key.replace(/\d+$/, '')
    const n = ++counter
    switch (kind) {
      case 'userName':
      case 'email':
        return `${prefix}${scopePart}-${n}@example.com`.toLowerCase()
      case 'externalId':
        // Mixed case on purpose: externalId is case-exact (RFC 7643 §3.1), and servers that fold it are caught.
        return `ScimCheck-${runId}-${scopePart}-${n}`
      case 'displayName':
      case 'groupName':
        return `${prefix}${scopePart}-group-${n}`.toLowerCase()
      case 'id':
      case 'uuid':
        return randomUUID()
      case 'givenName':
      case 'familyName':
        return readableName(`${runId}/${scopePart}/${key}`)
      case 'password':
        // Meets the usual complexity rules (upper, lower, digit, symbol) without being guessable.
        return `Sc1m-${randomBytes(9).toString('base64url')}!`
      default:
        return `${prefix}${scopePart}-${key}`
    }
  }
  const values: Record<string, unknown> = {}
  const ensure = (key: string | symbol) => {
    if (typeof key === 'string' && !(key in values) && isValueName(key)) values[key] = generate(key)
  }
  return new Proxy(values, {
    get(target, key) {
      ensure(key)
      return Reflect.get(target, key)
    },
    has(target, key) {
      ensure(key)
      return Reflect.has(target, key)
    },
    getOwnPropertyDescriptor(target, key) {
      ensure(key)
      return Reflect.getOwnPropertyDescriptor(target, key)
    },
  })
}

/** Names a template may ask for; not `then`, `toJSON` or other names that inspection and promises probe for. */
function isValueName(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(key) && !(key in Object.prototype) && !PROBED.has(key)
}
const PROBED = new Set(['then', 'toJSON', 'inspect', 'asymmetricMatch', 'nodeType', 'tagName', 'length', 'prototype'])

/** A pronounceable made-up word, e.g. "Tenvisa", derived from the seed so a run reads the same in every report. */
function readableName(seed: string): string {
  const digest = createHash('sha256').update(seed).digest()
  const word = [0, 1, 2].map((i) => SYLLABLES[digest[i] % SYLLABLES.length]).join('')
  return word[0].toUpperCase() + word.slice(1)
}
