// Turns a parsed filter into a predicate for one resource type, and computes
// sort keys. Type rules follow RFC 7644 §3.4.2.2: strings compare
// case-insensitively unless the attribute is caseExact, dateTimes compare
// chronologically, ordering operators on booleans (and binary) are an
// `invalidFilter`, and a multi-valued attribute matches when any value does.

import { findAttribute, leafDefinition, resolvePath, type ResolvedAttribute, type ResourceTypeModel } from './attributes.js'
import { ScimError } from './errors.js'
import type { CompareOp, FilterNode, Literal } from './filter.js'
import type { AttributeDefinition } from './schemas.js'
import { isPlainObject } from './values.js'

/** Reads the whole value of a top-level attribute from a subject (a stored resource or one complex element). */
export type AttributeReader<S> = (subject: S, r: ResolvedAttribute) => unknown

export interface CompileOptions {
  /** Root-level queries treat an attribute unknown to this resource type as unassigned (RFC 7644 §3.4.2.1). */
  unknownAsAbsent?: boolean
  /** Overrides the declared caseExact characteristic (used by a fault). */
  caseExact?: (def: AttributeDefinition, r: ResolvedAttribute) => boolean
}

interface Scope<S> {
  resolve(path: string): ResolvedAttribute | string
  read: AttributeReader<S>
}

const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter')

export function resourceScope<S>(rt: ResourceTypeModel, read: AttributeReader<S>): Scope<S> {
  return {
    resolve(path) {
      const res = resolvePath(rt, path)
      if (res.kind === 'attribute') return res.value
      if (res.kind === 'extension') return `"${path}" names a schema extension, not an attribute`
      return res.reason
    },
    read,
  }
}

function elementScope(parent: AttributeDefinition, container: string | null): Scope<Record<string, unknown>> {
  return {
    resolve(path) {
      const def = findAttribute(parent.subAttributes, path)
      if (!def) return `unknown sub-attribute "${path}" of "${parent.name}"`
      return { container, attr: def, common: false }
    },
    read: (el, r) => el[r.attr.name],
  }
}

function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.some(isPresent)
  if (isPlainObject(v)) return Object.values(v).some(isPresent)
  return true
}

/** Candidate values of an attribute path for comparison; complex values without a sub-attribute use `value`. */
export function extractValues(raw: unknown, r: ResolvedAttribute): unknown[] {
  if (raw === undefined || raw === null) return []
  const items = r.attr.multiValued ? (Array.isArray(raw) ? raw : [raw]) : [raw]
  const out: unknown[] = []
  for (const item of items) {
    let v: unknown = item
    if (r.sub) v = isPlainObject(item) ? item[r.sub.name] : undefined
    else if (r.attr.type === 'complex') v = isPlainObject(item) ? item['value'] : undefined
    if (v !== undefined && v !== null) out.push(v)
  }
  return out
}

function comparisonDefinition(r: ResolvedAttribute): AttributeDefinition {
  if (r.sub || r.attr.type !== 'complex') return leafDefinition(r)
  const valueSub = findAttribute(r.attr.subAttributes, 'value')
  if (!valueSub) throw invalidFilter(`"${r.attr.name}" is a complex attribute; name a sub-attribute to compare`)
  return valueSub
}

function toMillis(v: unknown): number {
  return typeof v === 'string' ? Date.parse(v) : NaN
}

function makeMatcher(def: AttributeDefinition, op: CompareOp, literal: Literal, caseExact: boolean, path: string): (v: unknown) => boolean {
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le'
  const substring = op === 'co' || op === 'sw' || op === 'ew'
  const order = (c: number) => (op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : op === 'le' ? c <= 0 : c === 0)

  switch (def.type) {
    case 'boolean': {
      if (ordering || substring) throw invalidFilter(`Operator "${op}" is not allowed on boolean attribute "${path}"`)
      let b: boolean
      if (typeof literal === 'boolean') b = literal
      else if (typeof literal === 'string' && /^(true|false)$/i.test(literal)) b = literal.toLowerCase() === 'true'
      else throw invalidFilter(`Boolean attribute "${path}" compared with ${JSON.stringify(literal)}`)
      return (v) => v === b
    }
    case 'integer':
    case 'decimal': {
      if (substring) throw invalidFilter(`Operator "${op}" is not allowed on numeric attribute "${path}"`)
      const n = typeof literal === 'number' ? literal : typeof literal === 'string' && literal.trim() !== '' ? Number(literal) : NaN
      if (Number.isNaN(n)) throw invalidFilter(`Numeric attribute "${path}" compared with ${JSON.stringify(literal)}`)
      return (v) => typeof v === 'number' && order(v - n)
    }
    case 'dateTime': {
      if (substring) {
        const s = String(literal).toLowerCase()
        return (v) => typeof v === 'string' && substringMatch(op, v.toLowerCase(), s)
      }
      const t = toMillis(literal)
      if (Number.isNaN(t)) throw invalidFilter(`dateTime attribute "${path}" compared with ${JSON.stringify(literal)}, which is not a dateTime`)
      return (v) => {
        const m = toMillis(v)
        return !Number.isNaN(m) && order(m - t)
      }
    }
    case 'binary': {
      if (ordering) throw invalidFilter(`Operator "${op}" is not allowed on binary attribute "${path}"`)
      const s = String(literal)
      return (v) => typeof v === 'string' && (op === 'eq' ? v === s : substringMatch(op, v, s))
    }
    default: {
      const fold = (x: string) => (caseExact ? x : x.toLowerCase())
      const s = fold(String(literal))
      if (substring) return (v) => typeof v === 'string' && substringMatch(op, fold(v), s)
      return (v) => {
        if (typeof v !== 'string') return false
        const a = fold(v)
        return order(a < s ? -1 : a > s ? 1 : 0)
      }
    }
  }
}

function substringMatch(op: CompareOp, v: string, s: string): boolean {
  if (op === 'co') return v.includes(s)
  if (op === 'sw') return v.startsWith(s)
  return v.endsWith(s)
}

export function compileFilter<S>(node: FilterNode, scope: Scope<S>, opts: CompileOptions = {}): (subject: S) => boolean {
  const caseExactOf = (def: AttributeDefinition, r: ResolvedAttribute) => (opts.caseExact ? opts.caseExact(def, r) : def.caseExact)

  const resolve = (path: string): ResolvedAttribute | undefined => {
    const r = scope.resolve(path)
    if (typeof r !== 'string') return r
    if (opts.unknownAsAbsent) return undefined
    throw invalidFilter(`Filter uses an unknown attribute: ${r}`)
  }

  switch (node.type) {
    case 'and': {
      const l = compileFilter(node.left, scope, opts)
      const r = compileFilter(node.right, scope, opts)
      return (s) => l(s) && r(s)
    }
    case 'or': {
      const l = compileFilter(node.left, scope, opts)
      const r = compileFilter(node.right, scope, opts)
      return (s) => l(s) || r(s)
    }
    case 'not': {
      const e = compileFilter(node.expr, scope, opts)
      return (s) => !e(s)
    }
    case 'present': {
      const r = resolve(node.path)
      if (!r) return () => false
      return (s) => {
        const raw = scope.read(s, r)
        if (!r.sub) return isPresent(raw)
        return extractValues(raw, r).some(isPresent)
      }
    }
    case 'compare': {
      const r = resolve(node.path)
      if (!r) return () => node.op === 'ne'
      const def = comparisonDefinition(r)
      if (node.value === null) {
        if (node.op !== 'eq' && node.op !== 'ne') throw invalidFilter(`Operator "${node.op}" cannot compare with null`)
        const wantPresent = node.op === 'ne'
        return (s) => extractValues(scope.read(s, r), r).some(isPresent) === wantPresent
      }
      const op = node.op === 'ne' ? 'eq' : node.op
      const match = makeMatcher(def, op, node.value, caseExactOf(def, r), node.path)
      if (node.op === 'ne') return (s) => !extractValues(scope.read(s, r), r).some(match)
      return (s) => extractValues(scope.read(s, r), r).some(match)
    }
    case 'valuePath': {
      const r = resolve(node.path)
      if (!r) return () => false
      if (r.sub || r.attr.type !== 'complex') throw invalidFilter(`"${node.path}[…]" needs a complex attribute`)
      const inner = compileFilter(node.filter, elementScope(r.attr, r.container), {
        ...(opts.caseExact ? { caseExact: opts.caseExact } : {}),
      })
      return (s) => {
        const raw = scope.read(s, r)
        if (raw === undefined || raw === null) return false
        const items = Array.isArray(raw) ? raw : [raw]
        return items.some((el) => isPlainObject(el) && inner(el))
      }
    }
  }
}

/** Compiles a filter that applies to the elements of one complex attribute (PATCH value filters). */
export function compileElementFilter(
  node: FilterNode,
  parent: AttributeDefinition,
  container: string | null,
): (el: Record<string, unknown>) => boolean {
  return compileFilter(node, elementScope(parent, container))
}

export type SortKey = string | number | boolean | undefined

/**
 * Sort key per RFC 7644 §3.4.2.3: multi-valued attributes sort by the primary
 * value, else the first; strings fold case unless caseExact; dateTimes sort
 * chronologically.
 */
export function sortKeyOf(raw: unknown, r: ResolvedAttribute, caseExact: boolean): SortKey {
  if (raw === undefined || raw === null) return undefined
  let item: unknown = raw
  if (r.attr.multiValued) {
    if (!Array.isArray(raw) || raw.length === 0) return undefined
    item = raw.find((e) => isPlainObject(e) && e['primary'] === true) ?? raw[0]
  }
  let v: unknown = item
  if (r.sub) v = isPlainObject(item) ? item[r.sub.name] : undefined
  else if (r.attr.type === 'complex') v = isPlainObject(item) ? item['value'] : undefined
  if (v === undefined || v === null) return undefined
  const def = comparisonDefinitionLenient(r)
  if (def.type === 'dateTime') {
    const m = toMillis(v)
    return Number.isNaN(m) ? undefined : m
  }
  if (typeof v === 'string') return caseExact ? v : v.toLowerCase()
  if (typeof v === 'number' || typeof v === 'boolean') return v
  return undefined
}

function comparisonDefinitionLenient(r: ResolvedAttribute): AttributeDefinition {
  if (r.sub || r.attr.type !== 'complex') return leafDefinition(r)
  return findAttribute(r.attr.subAttributes, 'value') ?? r.attr
}

export function compareSortKeys(a: SortKey, b: SortKey): number {
  // Resources without a value sort last in ascending order (RFC 7644 §3.4.2.3).
  if (a === undefined) return b === undefined ? 0 : 1
  if (b === undefined) return -1
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b)
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const sa = String(a)
  const sb = String(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}
