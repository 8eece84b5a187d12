import type { AttributeDef, ResourceTypeModel } from './model.js'
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

export function normalizeResource(resource: Record<string, unknown>, type: ResourceTypeModel): { value: Record<string, unknown>; caseDifferences: CaseDifference[] } {
  const diffs: CaseDifference[] = []
  const value: Record<string, unknown> = {}
  const top = topLevelAttributes(type)
  for (const [key, v] of Object.entries(resource)) {
    if (v === null) continue
    const ext = type.extensions.find((e) => eqi(e.id, key))
    if (ext) {
      if (ext.id !== key) diffs.push({ path: key, found: key, declared: ext.id })
      value[ext.id] = isObject(v) ? normalizeObject(v, ext.attributes, ext.id, diffs, false) : v
      continue
    }
    const def = top.find((a) => eqi(a.name, key))
    const name = def && !(def.name in value) ? def.name : key
    if (def && name !== key) diffs.push({ path: key, found: key, declared: def.name })
    value[name] = def ? normalizeValue(v, def, name, diffs) : v
  }
  return { value, caseDifferences: diffs }
}

function normalizeValue(v: unknown, def: AttributeDef, path: string, diffs: CaseDifference[]): unknown {
  if (def.type !== 'complex') return v
  if (Array.isArray(v)) return v.map((el, i) => (isObject(el) ? normalizeObject(el, subAttributesOf(def), `${path}[${i}]`, diffs, true) : el))
  return isObject(v) ? normalizeObject(v, subAttributesOf(def), path, diffs, true) : v
}

function normalizeObject(obj: Record<string, unknown>, defs: AttributeDef[], path: string, diffs: CaseDifference[], leaf: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(obj)) {
    if (v === null) continue
    const def = defs.find((a) => eqi(a.name, key))
    const name = def && !(def.name in out) ? def.name : key
    if (def && name !== key) diffs.push({ path: `${path}.${key}`, found: key, declared: def.name })
    // Sub-attributes of sub-attributes do not exist (§2.3.8), so only top-level and extension attributes recurse.
    out[name] = def && !leaf ? normalizeValue(v, def, `${path}.${name}`, diffs) : v
  }
  return out
}

export function eqi(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}
