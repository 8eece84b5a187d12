import { isObject } from '../json.js'
/**
 * IdP attributes → SCIM paths. Scenarios speak in IdP-neutral attribute names (givenName, email, title...);
 * each profile's mapping (overridable in scim-check.yaml) decides where on the wire each one lands.
 */
export type Mapping = Record<string, string>

/** The neutral user attributes a scenario may set; profiles map the ones their IdP maps by default. */
export const BASE_MAPPING: Mapping = {
  userName: 'userName',
  externalId: 'externalId',
  displayName: 'displayName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  email: 'emails[type eq "work"].value',
  title: 'title',
  department: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  employeeNumber: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
  manager: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  mobilePhone: 'phoneNumbers[type eq "mobile"].value',
  workPhone: 'phoneNumbers[type eq "work"].value',
  streetAddress: 'addresses[type eq "work"].streetAddress',
  locality: 'addresses[type eq "work"].locality',
  region: 'addresses[type eq "work"].region',
  postalCode: 'addresses[type eq "work"].postalCode',
  country: 'addresses[type eq "work"].country',
  active: 'active',
}

export interface ParsedPath {
  /** Schema URN prefix, when the path is URN-qualified. */
  urn?: string
  attr: string
  /** `type eq "work"` style selector on a multi-valued attribute. */
  filter?: { attr: string; value: string }
  sub?: string
}

const URN_RE = /^(urn:[^\s[\]]*):([A-Za-z$][\w$-]*)(?:\.([A-Za-z$][\w$-]*))?$/

/** Parse the mapping path forms profiles use: `a`, `a.b`, `a[type eq "x"].b`, `urn:...:a`. */
export function parsePath(path: string): ParsedPath {
  const urn = URN_RE.exec(path)
  if (urn) return { urn: urn[1], attr: urn[2], sub: urn[3] }
  const m = /^([A-Za-z$][\w$-]*)(?:\[(\w+) eq "([^"]*)"\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(path)
  if (!m) throw new Error(`unsupported SCIM path in attribute mapping: ${path}`)
  return { attr: m[1], filter: m[2] ? { attr: m[2], value: m[3] } : undefined, sub: m[4] }
}

/** Set a value at a mapping path inside a SCIM resource body, creating the container (or the typed element) as needed. */
export function setPath(target: Record<string, any>, path: string, value: unknown, opts: { primary?: boolean } = {}): void {
  const p = parsePath(path)
  let container = target
  // A resource echoed back from a server may hold anything where an object or list belongs; such a value is replaced.
  if (p.urn) container = isObject(target[p.urn]) ? target[p.urn] : (target[p.urn] = {})
  if (p.attr === 'manager' && p.urn && typeof value === 'string') {
    container.manager = { value }
    return
  }
  if (p.filter) {
    if (!Array.isArray(container[p.attr])) container[p.attr] = []
    const list: Record<string, unknown>[] = container[p.attr]
    let el = list.find((e) => isObject(e) && e[p.filter!.attr] === p.filter!.value)
    if (!el) {
      el = { [p.filter.attr]: p.filter.value }
      if (opts.primary && !list.some((e) => isObject(e) && e.primary)) el.primary = true
      list.push(el)
    }
    el[p.sub ?? 'value'] = value
    return
  }
  if (p.sub) {
    if (!isObject(container[p.attr])) container[p.attr] = {}
    container[p.attr][p.sub] = value
  } else container[p.attr] = value
}


/** Neutral attributes → a SCIM User body under a mapping; the caller adds schemas and IdP-specific extras. */
export function buildUser(attrs: Record<string, unknown>, mapping: Mapping, custom?: { urn: string }): Record<string, any> {
  const body: Record<string, any> = {}
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || name === 'custom') continue
    const path = mapping[name]
    if (!path) continue
    setPath(body, path, value, { primary: true })
  }
  if (custom && attrs.custom && typeof attrs.custom === 'object') body[custom.urn] = { ...(attrs.custom as object) }
  return body
}

/** Which schemas a body uses, for its `schemas` array. */
export function schemasOf(body: Record<string, unknown>, core: string): string[] {
  return [core, ...Object.keys(body).filter((k) => k.startsWith('urn:'))]
}

/** Where a neutral attribute lands: the mapping, or `custom.<name>` under the custom extension's URN. */
export function pathFor(attr: string, mapping: Mapping, customUrn?: string): string {
  if (attr.startsWith('custom.') && customUrn) return `${customUrn}:${attr.slice(7)}`
  return mapping[attr] ?? attr
}

export function resolveMapping(defaults: Mapping, overrides?: Record<string, Record<string, string>>, idp?: string): Mapping {
  return { ...defaults, ...(overrides?.['*'] ?? {}), ...(idp ? overrides?.[idp] ?? {} : {}) }
}

/**
 * Scenarios give custom-extension changes either as `'custom.attr': value` or as `custom: {attr: value}` (for example
 * `custom: "{{ custom.attributes }}"`, whose names come from the config file); profiles see the flat form only.
 */
export function flattenChanges(changes: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (!changes || typeof changes !== 'object') return out
  for (const [k, v] of Object.entries(changes as Record<string, unknown>)) {
    if (k === 'custom' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) out[`custom.${ck}`] = cv
    } else out[k] = v
  }
  return out
}

/** The value at a mapping path inside a resource as the server returned it (undefined when absent). */
export function getPath(resource: Record<string, any> | undefined, path: string): unknown {
  if (!resource) return undefined
  const p = parsePath(path)
  let container: any = resource
  if (p.urn) container = lookupKey(resource, p.urn)
  if (!container || typeof container !== 'object') return undefined
  const v = lookupKey(container, p.attr)
  if (p.filter) {
    if (!Array.isArray(v)) return undefined
    const el = v.find((e) => e && typeof e === 'object' && String(lookupKey(e, p.filter!.attr)).toLowerCase() === p.filter!.value.toLowerCase())
    return el ? lookupKey(el, p.sub ?? 'value') : undefined
  }
  if (p.sub) return v && typeof v === 'object' ? lookupKey(v, p.sub) : undefined
  return v
}

/**
 * Apply neutral-attribute changes to a copy of a resource as the server returned it: what an IdP that updates by
 * GET-then-PUT sends back, every other field (id, meta, groups, unknown attributes) echoed untouched.
 */
export function applyChanges(resource: Record<string, any>, changes: Record<string, unknown>, mapping: Mapping, customUrn?: string): Record<string, any> {
  const out = structuredClone(resource)
  for (const [attr, value] of Object.entries(flattenChanges(changes))) {
    const path = pathFor(attr, mapping, customUrn)
    const p = parsePath(path)
    // Write into the key the server used, whatever its case, so the PUT does not carry the attribute twice.
    if (p.urn) {
      const key = Object.keys(out).find((k) => k.toLowerCase() === p.urn!.toLowerCase()) ?? p.urn
      out[key] ??= {}
      if (key !== p.urn) {
        setPath(out, `${key}:${p.attr}${p.sub ? `.${p.sub}` : ''}`, value, { primary: true })
        continue
      }
    }
    setPath(out, path, value, { primary: true })
  }
  return out
}

function lookupKey(obj: Record<string, any>, key: string): any {
  if (key in obj) return obj[key]
  const lower = key.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k]
  return undefined
}
