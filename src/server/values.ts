// Turning client JSON into stored attribute values: canonical attribute names,
// JSON-type validation, and the tolerated IdP quirks (string booleans from
// Entra and OneLogin templates, a single object where an array is expected
// from OneLogin, a bare manager id from Entra). Unknown attributes and unknown
// schema URNs in resource bodies are ignored rather than rejected, because
// Entra and OneLogin send URIs and keys the server never declared.

import { findAttribute, resolvePath, type ResolvedAttribute, type ResourceTypeModel } from './attributes.js'
import { ScimError } from './errors.js'
import type { Flags } from './flags.js'
import { URN, type AttributeDefinition } from './schemas.js'

export type Attrs = Record<string, unknown>

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const XSD_DATETIME =
  /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/

export function isDateTime(v: string): boolean {
  return XSD_DATETIME.test(v) && !Number.isNaN(Date.parse(v))
}

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  return `${typeof v} ${JSON.stringify(v)}`
}

function invalid(path: string, expected: string, got: unknown): ScimError {
  return new ScimError(400, `Attribute "${path}" must be ${expected}, got ${describe(got)}`, 'invalidValue')
}

/** Coerces one simple (non-complex) value; returns undefined for null (unassigned). */
export function coerceSimple(def: AttributeDefinition, v: unknown, path: string, flags: Flags): unknown {
  if (v === null || v === undefined) return undefined
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof v === 'string') return v
      throw invalid(path, 'a string', v)
    case 'boolean':
      if (typeof v === 'boolean') return v
      // Entra's default mode sends "True"/"False"; admin-edited expressions send "true"/"false".
      if (typeof v === 'string' && !flags.rejectStringBooleans && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
      throw invalid(path, 'a boolean', v)
    case 'integer':
      if (typeof v === 'number' && Number.isInteger(v)) return v
      if (typeof v === 'string' && INTEGER.test(v.trim())) return Number(v.trim())
      throw invalid(path, 'an integer', v)
    case 'decimal':
      if (typeof v === 'number' && Number.isFinite(v)) return v
      if (typeof v === 'string' && DECIMAL.test(v.trim())) return Number(v.trim())
      throw invalid(path, 'a number', v)
    case 'dateTime':
      if (typeof v === 'string' && isDateTime(v)) return v
      throw invalid(path, 'an xsd:dateTime string', v)
    case 'complex':
      throw invalid(path, 'a complex value', v)
  }
}

/**
 * Sub-attributes the server derives itself. Client values for them are
 * dropped: they are readOnly, or (members.type/$ref, manager.$ref) must agree
 * with the referenced resource, which only the server knows.
 */
const DERIVED_SUBS: Record<string, ReadonlySet<string>> = {
  members: new Set(['$ref', 'type', 'display']),
  manager: new Set(['$ref', 'displayName']),
}

/** Coerces one complex value (a singular complex attribute or one element of a multi-valued one). */
export function coerceComplex(def: AttributeDefinition, v: unknown, path: string, flags: Flags): Attrs | undefined {
  if (v === null || v === undefined) return undefined
  const hasValueSub = findAttribute(def.subAttributes, 'value') !== undefined
  // Entra sets the enterprise manager as a bare id string; lists of strings are read the same way.
  if (typeof v !== 'object' && hasValueSub) v = { value: v }
  // Entra's legacy manager form: [{"$ref": …, "value": …}].
  if (Array.isArray(v) && !def.multiValued && v.length === 1 && isPlainObject(v[0])) v = v[0]
  if (!isPlainObject(v)) throw invalid(path, 'an object', v)
  const derived = DERIVED_SUBS[def.name]
  const out: Attrs = {}
  for (const [key, raw] of Object.entries(v)) {
    const sub = findAttribute(def.subAttributes, key)
    if (!sub || sub.mutability === 'readOnly' || derived?.has(sub.name)) continue
    const value = coerceSimple(sub, raw, `${path}.${sub.name}`, flags)
    if (value !== undefined) out[sub.name] = value
  }
  return Object.keys(out).length ? out : undefined
}

/** Coerces a whole attribute value; undefined means "unassigned". */
export function coerceValue(def: AttributeDefinition, v: unknown, path: string, flags: Flags): unknown {
  if (v === null || v === undefined) return undefined
  if (def.multiValued) {
    // OneLogin templates have been seen sending a single object for `emails`.
    const list = Array.isArray(v) ? v : [v]
    const out: unknown[] = []
    for (const item of list) {
      const value = def.type === 'complex' ? coerceComplex(def, item, path, flags) : coerceSimple(def, item, path, flags)
      if (value !== undefined) out.push(value)
    }
    return out.length ? out : undefined
  }
  if (def.type === 'complex') return coerceComplex(def, v, path, flags)
  return coerceSimple(def, v, path, flags)
}

function containerFor(out: Attrs, container: string | null): Attrs {
  if (container === null) return out
  let c = out[container]
  if (!isPlainObject(c)) {
    c = {}
    out[container] = c
  }
  return c as Attrs
}

function place(out: Attrs, r: ResolvedAttribute, value: unknown, flags: Flags): void {
  if (r.attr.mutability === 'readOnly') return // id, meta, groups: ignored on input (RFC 7644 §3.3, §3.5.1)
  if (r.common && r.attr.name === 'schemas') return
  const target = containerFor(out, r.container)
  const path = r.container ? `${r.container}:${r.attr.name}` : r.attr.name
  if (r.sub) {
    if (r.attr.multiValued || r.sub.mutability === 'readOnly') return
    const v = coerceSimple(r.sub, value, `${path}.${r.sub.name}`, flags)
    if (v === undefined) return
    const obj = isPlainObject(target[r.attr.name]) ? (target[r.attr.name] as Attrs) : {}
    obj[r.sub.name] = v
    target[r.attr.name] = obj
    return
  }
  const v = coerceValue(r.attr, value, path, flags)
  if (v === undefined) delete target[r.attr.name]
  else target[r.attr.name] = v
}

/**
 * Pre-RFC extension keys that IdP templates still send, read as their RFC 7643 names: OneLogin's default
 * "SCIM v2 Enterprise" template puts enterprise attributes under urn:scim:schemas:extension:enterprise:2.0.
 */
const LEGACY_EXTENSION_KEYS: Record<string, string> = {
  'urn:scim:schemas:extension:enterprise:2.0': URN.enterprise,
}

/**
 * Normalises a User/Group body from POST or PUT into stored attributes:
 * canonical names, extension containers keyed by their declared URN, readOnly
 * and unknown attributes dropped, types validated.
 */
export function normalizeResource(rt: ResourceTypeModel, body: unknown, flags: Flags): Attrs {
  if (!isPlainObject(body)) throw new ScimError(400, 'Request body must be a JSON object', 'invalidSyntax')
  const out: Attrs = {}
  const keys = new Set(Object.keys(body).map((k) => k.toLowerCase()))
  for (const [sent, value] of Object.entries(body)) {
    // An RFC key wins over its legacy alias when a body carries both.
    const alias = LEGACY_EXTENSION_KEYS[sent.toLowerCase()]
    const key = alias && !keys.has(alias.toLowerCase()) ? alias : sent
    const lower = key.toLowerCase()
    if (lower === 'schemas' || lower === 'id' || lower === 'meta') continue
    const res = resolvePath(rt, key)
    if (res.kind === 'unknown') continue
    if (res.kind === 'extension') {
      if (value === null || value === undefined) continue
      if (!isPlainObject(value)) throw invalid(res.value.container, 'an object', value)
      const ext = containerFor(out, res.value.container)
      for (const [subKey, subValue] of Object.entries(value)) {
        const attr = findAttribute(res.value.schema.attributes, subKey)
        if (attr) place(out, { container: res.value.container, attr, common: false }, subValue, flags)
      }
      if (Object.keys(ext).length === 0) delete out[res.value.container]
      continue
    }
    place(out, res.value, value, flags)
  }
  for (const ext of rt.extensions) {
    const c = out[ext.schema.id]
    if (isPlainObject(c) && Object.keys(c).length === 0) delete out[ext.schema.id]
  }
  if (rt.name === 'Group' && Array.isArray(out['members'])) out['members'] = dedupeMembers(out['members'] as Attrs[])
  return out
}

export function dedupeMembers(members: Attrs[]): Attrs[] {
  const seen = new Set<string>()
  const out: Attrs[] = []
  for (const m of members) {
    const value = m['value']
    if (typeof value !== 'string' || value === '') throw new ScimError(400, 'Every member needs a non-empty "value" (the member id)', 'invalidValue')
    if (seen.has(value)) continue
    seen.add(value)
    out.push({ value })
  }
  return out
}

/** RFC 7643 §2.4: "primary" true MUST appear no more than once per attribute. */
export function assertSinglePrimary(rt: ResourceTypeModel, attrs: Attrs): void {
  const check = (defs: readonly AttributeDefinition[], obj: Attrs, prefix: string) => {
    for (const def of defs) {
      if (!def.multiValued || def.type !== 'complex') continue
      const list = obj[def.name]
      if (!Array.isArray(list)) continue
      const primaries = list.filter((e) => isPlainObject(e) && e['primary'] === true).length
      if (primaries > 1) throw new ScimError(400, `"${prefix}${def.name}" has ${primaries} values with primary=true; at most one is allowed`, 'invalidValue')
    }
  }
  check(rt.core.attributes, attrs, '')
  for (const ext of rt.extensions) {
    const c = attrs[ext.schema.id]
    if (isPlainObject(c)) check(ext.schema.attributes, c, `${ext.schema.id}:`)
  }
}

/** Required attributes with a usable value (RFC 7643 §4.1.1 userName, §4.2 displayName). */
export function assertRequired(rt: ResourceTypeModel, attrs: Attrs): void {
  for (const def of rt.core.attributes) {
    if (!def.required) continue
    const v = attrs[def.name]
    if (v === undefined || (typeof v === 'string' && v.trim() === '')) {
      throw new ScimError(400, `Attribute "${def.name}" is required and must not be empty`, 'invalidValue')
    }
  }
}

/** Deep copy of JSON-shaped data; faster than structuredClone for small plain objects. */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T
  if (isPlainObject(v)) {
    const out: Attrs = {}
    for (const k of Object.keys(v)) out[k] = cloneJson(v[k])
    return out as T
  }
  return v
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}
