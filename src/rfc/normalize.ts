import { isObject } from '../json.js'
import type { AttributeDef, ResourceTypeModel, SchemaDef } from './model.js'
import { COMMON_ATTRIBUTES } from './model.js'

/**
 * RFC 7643 §2.1: attribute names are case-insensitive, JSON Schema property names are not. Before validating,
 * keys are rewritten to their declared spelling and nulls (unassigned values, §2.5) are dropped; each spelling
 * difference is returned so a check can report it on its own instead of as an undeclared attribute.
 */
export interface CaseDifference {
  path: string
  found: string
  declared: string
}

/** §2.4: the default sub-attributes of multi-valued attributes, accepted even where a schema omits them. */
export const DEFAULT_MULTI_VALUED_SUBS: readonly AttributeDef[] = [
  sub('value', 'string'),
  sub('display', 'string'),
  sub('type', 'string'),
  sub('primary', 'boolean'),
  sub('$ref', 'reference'),
]

function sub(name: string, type: string): AttributeDef {
  return { name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default' }
}

const SCHEMAS_ATTR: AttributeDef = { name: 'schemas', type: 'reference', multiValued: true, required: false, caseExact: false, mutability: 'readOnly', returned: 'always' }

export function topLevelAttributes(type: ResourceTypeModel): AttributeDef[] {
  return [SCHEMAS_ATTR, ...COMMON_ATTRIBUTES, ...type.schema.attributes]
}

/** Sub-attributes a complex attribute may carry: its declared ones, plus §2.4's defaults when multi-valued. */
export function subAttributesOf(def: AttributeDef): AttributeDef[] {
  const declared = def.subAttributes ?? []
  if (!def.multiValued) return declared
  return [...declared, ...DEFAULT_MULTI_VALUED_SUBS.filter((d) => !declared.some((x) => eqi(x.name, d.name)))]
}

/**
 * Declarations by lower-cased name, first declaration winning (what a linear case-insensitive search finds).
 * Models are built once and never changed, so the tables are built once per model too: an import checks
 * 100,000 resources against the same few.
 */
type ByName<T> = Map<string, T>
interface TopTable {
  attrs: ByName<AttributeDef>
  exts: ByName<SchemaDef>
  /** Winning attributes by their declared spelling, leaving out any whose name is also an extension's (the URN wins). */
  exactAttrs: Map<string, AttributeDef>
  exactExts: Map<string, SchemaDef>
}
const topTables = new WeakMap<ResourceTypeModel, TopTable>()
const exactTables = new WeakMap<ByName<AttributeDef>, Map<string, AttributeDef>>()
const subTables = new WeakMap<AttributeDef, ByName<AttributeDef>>()
const extTables = new WeakMap<SchemaDef, ByName<AttributeDef>>()

function byName<T extends { name?: string; id?: string }>(items: readonly T[], nameOf: (t: T) => string): ByName<T> {
  const m: ByName<T> = new Map()
  for (const item of items) {
    const k = nameOf(item).toLowerCase()
    if (!m.has(k)) m.set(k, item)
  }
  return m
}

function topTable(type: ResourceTypeModel) {
  let t = topTables.get(type)
  if (!t) {
    const attrs = byName(topLevelAttributes(type), (a) => a.name)
    const exts = byName(type.extensions, (e) => e.id)
    const exactAttrs = new Map([...attrs].filter(([lower]) => !exts.has(lower)).map(([, a]) => [a.name, a]))
    const exactExts = new Map([...exts.values()].map((e) => [e.id, e]))
    topTables.set(type, (t = { attrs, exts, exactAttrs, exactExts }))
  }
  return t
}

/**
 * The winning declarations by their own spelling. A key found here is spelled as declared, so the canonical check
 * needs no lower-cased copy of it; only other keys are lower-cased (and, when they name a declaration, respelled).
 */
function exactTable(defs: ByName<AttributeDef>): Map<string, AttributeDef> {
  let t = exactTables.get(defs)
  if (!t) exactTables.set(defs, (t = new Map([...defs.values()].map((d) => [d.name, d]))))
  return t
}

function subTable(def: AttributeDef): ByName<AttributeDef> {
  let t = subTables.get(def)
  if (!t) subTables.set(def, (t = byName(subAttributesOf(def), (a) => a.name)))
  return t
}

function extTable(ext: SchemaDef): ByName<AttributeDef> {
  let t = extTables.get(ext)
  if (!t) extTables.set(ext, (t = byName(ext.attributes, (a) => a.name)))
  return t
}

export function normalizeResource(resource: Record<string, unknown>, type: ResourceTypeModel): { value: Record<string, unknown>; caseDifferences: CaseDifference[] } {
  // The common case, every key spelled as declared and no nulls: the result would be an equal copy, so skip it.
  if (isCanonical(resource, type)) return { value: resource, caseDifferences: [] }
  const diffs: CaseDifference[] = []
  const value: Record<string, unknown> = {}
  const { attrs, exts } = topTable(type)
  for (const [key, v] of Object.entries(resource)) {
    if (v === null) continue
    const lower = key.toLowerCase()
    const ext = exts.get(lower)
    if (ext) {
      if (ext.id !== key) diffs.push({ path: key, found: key, declared: ext.id })
      value[ext.id] = isObject(v) ? normalizeObject(v, extTable(ext), ext.id, diffs, false) : v
      continue
    }
    const def = attrs.get(lower)
    const name = def && !(def.name in value) ? def.name : key
    if (def && name !== key) diffs.push({ path: key, found: key, declared: def.name })
    value[name] = def ? normalizeValue(v, def, name, diffs) : v
  }
  return { value, caseDifferences: diffs }
}

function normalizeValue(v: unknown, def: AttributeDef, path: string, diffs: CaseDifference[]): unknown {
  if (def.type !== 'complex') return v
  if (Array.isArray(v)) return v.map((el, i) => (isObject(el) ? normalizeObject(el, subTable(def), `${path}[${i}]`, diffs, true) : el))
  return isObject(v) ? normalizeObject(v, subTable(def), path, diffs, true) : v
}

function normalizeObject(obj: Record<string, unknown>, defs: ByName<AttributeDef>, path: string, diffs: CaseDifference[], leaf: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(obj)) {
    if (v === null) continue
    const def = defs.get(key.toLowerCase())
    const name = def && !(def.name in out) ? def.name : key
    if (def && name !== key) diffs.push({ path: `${path}.${key}`, found: key, declared: def.name })
    // Sub-attributes of sub-attributes do not exist (§2.3.8), so only top-level and extension attributes recurse.
    out[name] = def && !leaf ? normalizeValue(v, def, `${path}.${name}`, diffs) : v
  }
  return out
}

/** Whether normalizing would change nothing: no null where it would be dropped, no key it would respell. */
function isCanonical(resource: Record<string, unknown>, type: ResourceTypeModel): boolean {
  const { attrs, exts, exactAttrs, exactExts } = topTable(type)
  for (const key in resource) {
    if (!Object.prototype.hasOwnProperty.call(resource, key)) continue
    const v = resource[key]
    if (v === null) return false
    const def = exactAttrs.get(key)
    if (def) {
      if (!valueCanonical(v, def)) return false
      continue
    }
    const ext = exactExts.get(key)
    if (ext) {
      if (isObject(v) && !objectCanonical(v, extTable(ext), false)) return false
      continue
    }
    // Not a declared spelling: canonical only if it names no declaration at all.
    const lower = key.toLowerCase()
    if (exts.has(lower) || attrs.has(lower)) return false
  }
  return true
}

function valueCanonical(v: unknown, def: AttributeDef): boolean {
  if (def.type !== 'complex') return true
  if (Array.isArray(v)) return v.every((el) => !isObject(el) || objectCanonical(el, subTable(def), true))
  return !isObject(v) || objectCanonical(v, subTable(def), true)
}

function objectCanonical(obj: Record<string, unknown>, defs: ByName<AttributeDef>, leaf: boolean): boolean {
  const exact = exactTable(defs)
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue
    const v = obj[key]
    if (v === null) return false
    const def = exact.get(key)
    if (def === undefined) {
      if (defs.has(key.toLowerCase())) return false
      continue
    }
    if (!leaf && !valueCanonical(v, def)) return false
  }
  return true
}

const lowered = new Map<string, string>()

/**
 * A name or schema URI in lower case, remembered: resources repeat the same few URIs and attribute names, and an
 * import checks 100,000 of them. Only for such recurring strings (values would only fill the memo).
 */
export function lowerName(s: string): string {
  let l = lowered.get(s)
  if (l === undefined) {
    if (lowered.size >= 4096) lowered.clear()
    lowered.set(s, (l = s.toLowerCase()))
  }
  return l
}

export function eqi(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export { isObject }
