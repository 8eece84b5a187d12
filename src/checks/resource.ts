import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { dateTimeMillis, isXsdDateTime } from '../rfc/datetime.js'
import { resourcesIn, returnedResources, validateReturned, type ReturnedResource } from '../rfc/returned.js'
import { COMMON_ATTRIBUTES, type ResourceTypeModel } from '../rfc/model.js'
import { eqi, lowerName } from '../rfc/normalize.js'
import {
  detailOf,
  header,
  isListResponse,
  isObject,
  json,
  noResponse,
  ownership,
  pathnameOf,
  requestLine,
  routeLabel,
  sentJson,
  typeName,
} from './verify.js'

/** RFC 7643 §2–§3: resource representation, common attributes and meta, judged on every User/Group returned (catalogue §2.5). */

type Judge = (rr: ReturnedResource, x: Exchange, ctx: CheckContext) => Finding | Finding[] | undefined

/**
 * Run a per-resource judge over every resource an exchange returned, labelling findings on data the run did not
 * create. A pass is only counted, never shown, so it is not labelled: an import walk passes each check 100,000
 * times, and the judges return shared pass findings (`pass`) that stay unlabelled and uncopied.
 */
function eachResource(judge: Judge) {
  return (x: Exchange, ctx: CheckContext): Finding[] | undefined => {
    let out: Finding[] | undefined
    for (const rr of returnedResources(x, ctx.discovery)) {
      const f = judge(rr, x, ctx)
      if (f === undefined) continue
      out ??= []
      if (!Array.isArray(f)) out.push(f.ok === true ? f : labelled(f, rr, ctx))
      else for (const one of f) out.push(one.ok === true ? one : labelled(one, rr, ctx))
    }
    return out
  }
}

function labelled(f: Finding, rr: ReturnedResource, ctx: CheckContext): Finding {
  const own = ownership(rr.resource, ctx)
  return own.preExisting ? { ...f, ...own } : f
}

/** A pass finding made once: judges return the same object for every resource. */
const pass = (message: string): Finding => Object.freeze({ ok: true, message })

const hasOwn = Object.prototype.hasOwnProperty

const label = (rr: ReturnedResource) => rr.type?.name || 'Resource'

/**
 * Calls `visit` with each multi-valued complex attribute of a resource, extensions included: its path and its
 * elements (arrays holding at least one object; the caller skips elements that are not objects). Visited in
 * place, without collecting: this runs for every resource of every page.
 */
function eachMultiValued(resource: Record<string, unknown>, visit: (path: string, elements: unknown[]) => void, prefix = ''): void {
  for (const k in resource) {
    if (!hasOwn.call(resource, k) || k === 'schemas') continue
    const v = resource[k]
    if (Array.isArray(v)) {
      if (v.some(isObject)) visit(prefix ? `${prefix}${k}` : k, v)
    } else if (!prefix && isObject(v) && k.length >= 4 && k.slice(0, 4).toLowerCase() === 'urn:') eachMultiValued(v, visit, `${k}:`)
  }
}

/** Lower-cased names a type's core declares, and its extensions' URNs and attribute names, built once per type. */
interface TypeNames {
  core: Set<string>
  /** Core attributes as declared: a key spelled so is neither an extension's nor flattened. */
  coreExact: Set<string>
  exts: { id: string; urn: string; attrs: Set<string> }[]
}
const typeNames = new WeakMap<ResourceTypeModel, TypeNames>()
function namesOf(type: ResourceTypeModel): TypeNames {
  let n = typeNames.get(type)
  if (!n) {
    const core = new Set([...type.schema.attributes, ...COMMON_ATTRIBUTES].map((a) => a.name.toLowerCase()).concat('schemas'))
    const exts = type.extensions.map((e) => ({ id: e.id, urn: e.id.toLowerCase(), attrs: new Set(e.attributes.map((a) => a.name.toLowerCase())) }))
    const coreExact = new Set([...type.schema.attributes, ...COMMON_ATTRIBUTES].map((a) => a.name).concat('schemas'))
    typeNames.set(type, (n = { core, coreExact, exts }))
  }
  return n
}

const flattened = new WeakMap<ReturnedResource, { key: string; urn: string }[]>()

/** Top-level keys of a resource that are extension attributes flattened out of their URN container (§3.3). */
export function flattenedExtensionKeys(rr: ReturnedResource): { key: string; urn: string }[] {
  if (!rr.type) return []
  const hit = flattened.get(rr)
  if (hit) return hit
  const { core, coreExact, exts } = namesOf(rr.type)
  const out: { key: string; urn: string }[] = []
  if (exts.length) {
    for (const key in rr.resource) {
      // A core attribute spelled as declared is neither under an extension's URN nor one of its attributes.
      if (!hasOwn.call(rr.resource, key) || coreExact.has(key)) continue
      const k = key.toLowerCase()
      // A bare name is only known to be an extension attribute when the server's own schemas say its core has no
      // such attribute; without /Schemas only URN-prefixed keys are unambiguous.
      const ext = exts.find((e) => k.startsWith(`${e.urn}:`) || k.startsWith(`${e.urn}.`) || (rr.advertised && !core.has(k) && e.attrs.has(k)))
      if (ext) out.push({ key, urn: ext.id })
    }
  }
  flattened.set(rr, out)
  return out
}

const allowedUris = new WeakMap<ResourceTypeModel, Set<string>>()

/**
 * resource.schemas-allowed's common case, decided without building anything: string URIs, none twice (in any case),
 * each allowed for the type when the server's /ResourceTypes says which are. False sends the caller to the full check.
 */
function allowedOnce(rr: ReturnedResource, s: unknown[]): boolean {
  for (const u of s) if (typeof u !== 'string') return false
  const uris = s as string[]
  for (let j = 1; j < uris.length; j++) for (let i = 0; i < j; i++) if (lowerName(uris[i]) === lowerName(uris[j])) return false
  if (rr.advertised && rr.type) {
    const type = rr.type
    let allowed = allowedUris.get(type)
    if (!allowed) allowedUris.set(type, (allowed = new Set([type.schema.id, ...type.extensions.map((e) => e.id), ...type.unresolved].map((a) => a.toLowerCase()))))
    for (const u of uris) if (!allowed.has(lowerName(u))) return false
  }
  return true
}

const META_BASE: readonly string[] = ['resourceType', 'created', 'lastModified', 'location']
const META_WITH_VERSION: readonly string[] = [...META_BASE, 'version']

/** The meta sub-attributes RFC 7643 §3.1 requires on a full representation. */
function requiredMeta(ctx: CheckContext): readonly string[] {
  return ctx.discovery.spc?.etag?.supported === true ? META_WITH_VERSION : META_BASE
}

/**
 * Per-run index of ids already seen, built incrementally from the history (the array the client appends to). An
 * import walks 100,000 ids, so each sighting is one number: the position of its exchange in the history (which
 * never moves: a cut exchange is replaced in place), the resource type's number and whether it was a creation.
 * Request lines are built only for the findings that name them.
 */
interface SeenIndex {
  upTo: number
  ids: Map<string, number | number[]>
  /** Resource type names by number; 0 is "the response did not say which type". */
  types: (string | undefined)[]
}
interface SeenId {
  /** The resource type's name, when the response said which type it is. */
  type?: string
  /** Position of the exchange in the history. */
  at: number
  created: boolean
}
const seenIndex = new WeakMap<readonly Exchange[], SeenIndex>()

function isCreation(x: Exchange, rr: ReturnedResource): boolean {
  return x.request.method === 'POST' && !rr.listElement && x.response!.status >= 200 && x.response!.status < 300 && !/\/\.search$/.test(pathnameOf(x))
}

function typeNumber(idx: SeenIndex, name: string | undefined): number {
  if (!name) return 0
  let n = idx.types.indexOf(name)
  if (n < 0) n = idx.types.push(name) - 1
  return n
}

// code = position × 2^21 + type number × 2 + created: exact in a double for 2^32 exchanges and 2^20 types.
const AT = 2 ** 21
const decode = (idx: SeenIndex, code: number): SeenId => ({ type: idx.types[Math.floor(code / 2) % (AT / 2)], at: Math.floor(code / AT), created: code % 2 === 1 })

/** Most ids of a walk were never seen before: one shared empty answer. */
const NEVER_SEEN: readonly SeenId[] = Object.freeze([])

function indexFor(ctx: CheckContext): SeenIndex {
  let idx = seenIndex.get(ctx.history)
  if (!idx) seenIndex.set(ctx.history, (idx = { upTo: 0, ids: new Map(), types: [undefined] }))
  return idx
}

function note(idx: SeenIndex, h: Exchange, resources: readonly ReturnedResource[]): void {
  for (const rr of resources) {
    const id = rr.resource.id
    if (typeof id !== 'string' || !id) continue
    const code = idx.upTo * AT + typeNumber(idx, rr.type?.name) * 2 + (isCreation(h, rr) ? 1 : 0)
    const had = idx.ids.get(id)
    if (had === undefined) idx.ids.set(id, code)
    else if (typeof had === 'number') idx.ids.set(id, [had, code])
    else had.push(code)
  }
}

/**
 * Earlier sightings of each id, oldest first. Exchanges no ambient check judged (cleanup's) are caught up from
 * the history here; judged ones were noted as they were judged (`noteJudged`).
 */
function seenBefore(x: Exchange, ctx: CheckContext): (id: string) => readonly SeenId[] {
  const idx = indexFor(ctx)
  for (; idx.upTo < ctx.history.length && ctx.history[idx.upTo].index < x.index; idx.upTo++) {
    const h = ctx.history[idx.upTo]
    note(idx, h, resourcesIn(h, ctx.discovery))
  }
  const { ids } = idx
  return (id) => {
    const had = ids.get(id)
    return had === undefined ? NEVER_SEEN : (typeof had === 'number' ? [had] : had).map((c) => decode(idx, c))
  }
}

/**
 * The sightings of a just-judged exchange, noted while its body is whole: the retention policy may cut a large
 * body as soon as the next one arrives, and a list page's ids must still count for every later page.
 */
function noteJudged(x: Exchange, ctx: CheckContext, resources: readonly ReturnedResource[]): void {
  const idx = indexFor(ctx)
  if (ctx.history[idx.upTo] !== x) return
  note(idx, x, resources)
  idx.upTo++
}

function locationUrl(v: unknown): URL | undefined {
  if (typeof v !== 'string') return undefined
  try {
    const u = new URL(v)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined
  } catch {
    return undefined
  }
}

/** The resource a step's exchange is about: the body, or the list element with the given id/userName. */
function subject(x: Exchange, ctx: CheckContext): Record<string, unknown> | undefined {
  const b = json(x)
  if (!b) return undefined
  if (!isListResponse(b)) return b
  const list = Array.isArray(b.Resources) ? b.Resources.filter(isObject) : []
  const { id, userName, displayName } = ctx.args as Record<string, unknown>
  return (
    list.find((r) => typeof userName === 'string' && typeof r.userName === 'string' && eqi(r.userName, userName)) ??
    list.find((r) => typeof displayName === 'string' && r.displayName === displayName) ??
    list.find((r) => r.id === id)
  )
}

function okStatus(x: Exchange): Finding | undefined {
  if (!x.response) return noResponse(x)
  const s = x.response.status
  if (s >= 200 && s < 300) return undefined
  return { ok: 'skip', message: `${requestLine(x)} answered ${s}`, reason: `no resource to judge (${s})${detailOf(x)}` }
}

const metaOf = (r: Record<string, unknown>) => (isObject(r.meta) ? r.meta : undefined)

const SCHEMAS_PRESENT = pass('schemas present')
const SCHEMAS_ALLOWED = pass('schemas allowed')
const ID_PRESENT = pass('id present')
const ID_NO_BULKID = pass('id free of bulkId')
const IDS_UNIQUE = pass('ids unique')
const ONE_PRIMARY = pass('at most one primary per attribute')
const NO_REPEATS = pass('no repeated (type, value)')
const TYPES_MATCH_SERVER = pass('types match the server’s /Schemas')
const TYPES_MATCH_RFC = pass('types match RFC 7643')
const NO_NESTED_COMPLEX = pass('no nested complex values')
const NO_RETURNED_NEVER = pass('no returned: never attribute present')
const IN_CONTAINERS = pass('extension attributes in their containers')
const META_COMPLETE = pass('meta complete')
const TIMESTAMPS_OK = pass('meta timestamps are xsd:dateTime')
const LOCATION_ABSOLUTE = pass('meta.location is absolute')
const LOCATION_RELATIVE = pass('meta.location is a relative reference that resolves against the request (RFC 7231 §3.1.4.2)')

/** An element with `primary` (any spelling, §2.1) set to true. */
function isPrimary(e: Record<string, unknown>): boolean {
  if (e.primary === true) return true
  for (const k in e) if (hasOwn.call(e, k) && e[k] === true && k.length === 7 && k.toLowerCase() === 'primary') return true
  return false
}

/** The first element whose (type, value) an earlier element already had, compared as their JSON. */
function repeatedTypeValue(els: readonly unknown[]): Record<string, unknown> | undefined {
  // Attributes hold a handful of values: comparing pairs allocates nothing, unlike a set of serialised keys.
  for (let j = 1; j < els.length; j++) {
    const b = els[j]
    if (!isObject(b) || b.value === undefined) continue
    for (let i = 0; i < j; i++) {
      const a = els[i]
      if (isObject(a) && a.value !== undefined && sameJson(a.type ?? null, b.type ?? null) && sameJson(a.value, b.value)) return b
    }
  }
  return undefined
}

const sameJson = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))

export const checks: CheckDef[] = [
  defineCheck({
    id: 'resource.schemas',
    title: 'Resources list their schemas',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3; RFC 7644 §3.1'),
    requirement: 'schemas: an array of Strings containing URIs that indicate the namespaces of the SCIM schemas that define the attributes present. REQUIRED.',
    ambient: eachResource((rr) => {
      const s = rr.resource.schemas
      if (!Array.isArray(s) || !s.length) return { ok: false, message: `${label(rr)} has no or empty schemas`, expected: rr.type?.schema.id ?? 'a non-empty list of URIs', actual: JSON.stringify(s) ?? '(absent)' }
      if (!s.every((u) => typeof u === 'string')) return { ok: false, message: `${label(rr)}.schemas holds values that are not strings`, actual: JSON.stringify(s) }
      if (rr.type && !s.some((u) => lowerName(String(u)) === lowerName(rr.type!.schema.id))) return { ok: false, message: `${label(rr)}.schemas lacks its base schema ${rr.type.schema.id}`, expected: rr.type.schema.id, actual: JSON.stringify(s) }
      return SCHEMAS_PRESENT
    }),
  }),
  defineCheck({
    id: 'resource.schemas-allowed',
    title: 'Resources list only their type’s schemas, once each',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3'),
    requirement: 'The schemas attribute MUST only contain values defined as schema and schemaExtensions for the resource’s type; duplicate values MUST NOT be included.',
    ambient: eachResource((rr) => {
      const s = rr.resource.schemas
      if (!Array.isArray(s)) return
      if (allowedOnce(rr, s)) return SCHEMAS_ALLOWED
      const out: Finding[] = []
      const seen = new Set<string>()
      for (const u of s.map(String)) {
        if (seen.has(u.toLowerCase())) out.push({ ok: false, message: `${label(rr)}.schemas contains duplicate ${u}`, actual: JSON.stringify(s) })
        seen.add(u.toLowerCase())
      }
      // Which URIs a type allows is only known from the server's own /ResourceTypes.
      if (rr.advertised && rr.type) {
        const allowed = [rr.type.schema.id, ...rr.type.extensions.map((e) => e.id), ...rr.type.unresolved]
        for (const u of s.map(String)) {
          if (!allowed.some((a) => eqi(a, u))) out.push({ ok: false, message: `${label(rr)}.schemas contains ${u} not allowed for ${label(rr)}`, expected: allowed.join(', '), actual: u })
        }
      }
      return out.length ? out : SCHEMAS_ALLOWED
    }),
  }),
  defineCheck({
    id: 'resource.id',
    title: 'Every returned resource has an id',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'Each representation of the resource MUST include a non-empty "id" value.',
    breaks: ['entra'],
    ambient: eachResource((rr) => {
      const id = rr.resource.id
      if (typeof id === 'string' && id) return ID_PRESENT
      return { ok: false, message: `${label(rr)} returned without id${rr.listElement ? ' (list element)' : ''}`, expected: 'a non-empty string', actual: id === undefined ? '(absent)' : `${typeName(id)} ${JSON.stringify(id)}` }
    }),
  }),
  defineCheck({
    id: 'resource.id-no-bulkid',
    title: 'Ids do not contain "bulkId"',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'The string "bulkId" is a reserved keyword and MUST NOT be used within any unique identifier value.',
    ambient: eachResource((rr) => {
      const id = rr.resource.id
      if (typeof id !== 'string') return
      if (id.includes('bulkId')) return { ok: false, message: `id ${id} contains the reserved "bulkId"`, actual: id }
      return ID_NO_BULKID
    }),
  }),
  defineCheck({
    id: 'resource.id-unique',
    title: 'No two resources share an id',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'This identifier MUST be unique across the SCIM service provider’s entire set of resources. It MUST be a stable, non-reassignable identifier.',
    ambient(x, ctx) {
      const all = returnedResources(x, ctx.discovery)
      if (!all.length) return
      const out: Finding[] = []
      const page = new Map<string, number>()
      const seen = seenBefore(x, ctx)
      for (const rr of all) {
        const id = rr.resource.id
        if (typeof id !== 'string' || !id) continue
        const own = () => ownership(rr.resource, ctx)
        if (rr.listElement) {
          page.set(id, (page.get(id) ?? 0) + 1)
          if (page.get(id) === 2) out.push({ ok: false, message: `id ${id} used by two elements of one ${label(rr)} page`, actual: rr.where, ...own() })
        }
        const before = seen(id)
        // Only two known, different types prove two resources: a type that could not be told says nothing.
        const type = rr.type?.name || undefined
        const other = type && before.length ? before.find((b) => b.type && b.type !== type) : undefined
        if (other) out.push({ ok: false, message: `id ${id} used by a ${other.type} and a ${label(rr)}`, expected: 'ids unique across all resources', actual: `${requestLine(ctx.history[other.at])} and ${rr.where}`, ...own() })
        const again = isCreation(x, rr) ? before.find((b) => b.created) : undefined
        if (again) out.push({ ok: false, message: `id ${id} assigned to two created resources`, expected: 'a new id for every created resource', actual: `${requestLine(ctx.history[again.at])} and ${requestLine(x)}`, ...own() })
      }
      noteJudged(x, ctx, all)
      return out.length ? out : IDS_UNIQUE
    },
  }),
  defineCheck({
    id: 'resource.primary-once',
    title: 'At most one primary value per multi-valued attribute',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§2.4'),
    requirement: "The primary attribute value 'true' MUST appear no more than once.",
    ambient: eachResource((rr) => {
      let out: Finding[] | undefined
      eachMultiValued(rr.resource, (path, els) => {
        let n = 0
        for (const e of els) if (isObject(e) && isPrimary(e)) n++
        if (n > 1) (out ??= []).push({ ok: false, message: `${label(rr)}.${path} has ${n} primary values`, expected: 'at most 1', actual: String(n) })
      })
      return out ?? ONE_PRIMARY
    }),
  }),
  defineCheck({
    id: 'resource.type-value-unique',
    title: 'No repeated (type, value) pair within a multi-valued attribute',
    area: 'resource',
    level: 'SHOULD',
    source: rfc(7643, '§2.4'),
    requirement: 'Service providers SHOULD NOT return the same (type, value) combination more than once per attribute.',
    breaks: ['entra'],
    ambient: eachResource((rr) => {
      let out: Finding[] | undefined
      eachMultiValued(rr.resource, (path, els) => {
        const e = repeatedTypeValue(els)
        if (e) (out ??= []).push({ ok: false, message: `${label(rr)}.${path} repeats (${String(e.type ?? '')},${String(e.value)})`, actual: JSON.stringify([e.type ?? null, e.value]) })
      })
      return out ?? NO_REPEATS
    }),
  }),
  defineCheck({
    id: 'resource.json-types',
    title: 'Attribute values have their schema’s JSON types',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§2.3'),
    requirement: 'Booleans are JSON true/false, integers JSON numbers without fraction, dateTime xsd:dateTime strings, complex values objects, multi-valued values arrays.',
    breaks: ['okta'],
    ambient: eachResource((rr) => {
      const v = validateReturned(rr)
      if (!v) return
      // schemas, id and meta have checks of their own (resource.schemas, resource.id, meta.*).
      const problems = v.problems.length ? v.problems.filter((p) => p.kind === 'type' && !/^(schemas|id|meta)(\.|\[|$)/.test(p.path)) : v.problems
      const by = rr.advertised ? 'the server’s /Schemas' : 'RFC 7643'
      if (!problems.length) return rr.advertised ? TYPES_MATCH_SERVER : TYPES_MATCH_RFC
      return problems.map((p) => ({ ok: false, message: `${label(rr)}.${p.path} ${p.message} (typed by ${by})`, actual: p.path }))
    }),
  }),
  defineCheck({
    id: 'resource.no-nested-complex',
    title: 'Sub-attributes are never complex',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§2.3.8'),
    requirement: 'A complex attribute MUST NOT contain sub-attributes that have sub-attributes (i.e., that are complex).',
    ambient: eachResource((rr) => {
      let out: Finding[] | undefined
      const inspectOne = (el: unknown, path: string | (() => string)) => {
        if (!isObject(el)) return
        for (const sub in el) {
          if (!hasOwn.call(el, sub)) continue
          const v = el[sub]
          if (isObject(v) || (Array.isArray(v) && v.some(isObject))) (out ??= []).push({ ok: false, message: `${label(rr)}.${typeof path === 'string' ? path : path()}.${sub} is complex`, actual: JSON.stringify(v).slice(0, 120) })
        }
      }
      const inspect = (value: unknown, path: string | (() => string)) => {
        if (Array.isArray(value)) for (const el of value) inspectOne(el, path)
        else inspectOne(value, path)
      }
      const resource = rr.resource
      for (const k in resource) {
        if (!hasOwn.call(resource, k)) continue
        const v = resource[k]
        // Extension paths are spelled out only for a finding.
        if (isObject(v) && k.length >= 4 && k.slice(0, 4).toLowerCase() === 'urn:') {
          for (const ek in v) if (hasOwn.call(v, ek)) inspect(v[ek], () => `${k}:${ek}`)
        } else if (k !== 'schemas') inspect(v, k)
      }
      return out ?? NO_NESTED_COMPLEX
    }),
  }),
  defineCheck({
    id: 'resource.returned-never',
    title: 'Attributes declared returned: never are never returned',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§7'),
    requirement: 'returned "never": the attribute is never returned … This attribute SHALL NOT be returned (e.g. password).',
    ambient: eachResource((rr, x, ctx) => {
      const v = validateReturned(rr)
      if (!v) return
      const problems = v.problems.length ? v.problems.filter((p) => p.kind === 'never') : v.problems
      if (!problems.length) return NO_RETURNED_NEVER
      return problems.map((p) => ({ ok: false, message: `${label(rr)}.${p.path} (returned: never) present in ${routeLabel(x, ctx)}`, actual: p.path }))
    }),
  }),
  defineCheck({
    id: 'resource.extension-container',
    title: 'Extension attributes stay under their schema URN',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.3'),
    requirement: 'Extension attributes are contained in a sub-attribute container named by the extension’s schema URI; they SHALL NOT be flattened to the top level.',
    ambient: eachResource((rr) => {
      if (!rr.type) return
      const flat = flattenedExtensionKeys(rr)
      if (!flat.length) return IN_CONTAINERS
      return flat.map(({ key, urn }) => ({ ok: false, message: `Extension attribute ${key} flattened to the top level`, expected: `"${urn}": { … }`, actual: key }))
    }),
  }),
  defineCheck({
    id: 'meta.present',
    title: 'Created and read resources carry meta',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'meta: resourceType, created, lastModified and location (and version where ETags are supported) are assigned by the service provider.',
    ambient: eachResource((rr, x, ctx) => {
      if (!rr.full || (x.request.method !== 'GET' && x.request.method !== 'POST') || /\/\.search$/.test(pathnameOf(x))) return
      const meta = metaOf(rr.resource)
      const required = requiredMeta(ctx)
      if (meta && required.every((k) => meta[k] !== undefined && meta[k] !== null && meta[k] !== '')) return META_COMPLETE
      const missing = required.filter((k) => meta?.[k] === undefined || meta?.[k] === null || meta?.[k] === '')
      return { ok: false, message: meta ? `${label(rr)}.meta lacks ${missing.join(', ')}` : `${label(rr)} has no meta`, expected: requiredMeta(ctx).join(', '), actual: meta ? Object.keys(meta).join(', ') || '(empty)' : '(absent)' }
    }),
  }),
  defineCheck({
    id: 'meta.resourceType',
    title: 'meta.resourceType names the resource type',
    area: 'resource',
    level: 'MUST',
    source: rfc(7644, '§3.3.1; RFC 7643 §3.1'),
    requirement: 'meta.resourceType: the name of the resource type of the resource (User, Group).',
    ambient: eachResource((rr, x) => {
      const v = metaOf(rr.resource)?.resourceType
      if (v === undefined || !rr.type?.name) return
      if (v === rr.type.name) return { ok: true, message: `meta.resourceType ${v}` }
      return { ok: false, message: `meta.resourceType ${JSON.stringify(v)} on ${rr.type.endpoint || pathnameOf(x)}`, expected: rr.type.name, actual: `${String(v)} (${requestLine(x)})` }
    }),
  }),
  defineCheck({
    id: 'meta.datetime',
    title: 'meta.created and meta.lastModified are xsd:dateTime values',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§2.3.5'),
    requirement: 'A DateTime value (e.g., 2008-01-23T04:56:22Z) MUST be valid xsd:dateTime, with both a date and a time.',
    ambient: eachResource((rr) => {
      const meta = metaOf(rr.resource)
      if (!meta) return
      const out: Finding[] = []
      for (const f of ['created', 'lastModified']) {
        if (meta[f] === undefined) continue
        if (!isXsdDateTime(meta[f])) out.push({ ok: false, message: `${label(rr)}.meta.${f} is not an xsd:dateTime`, expected: 'e.g. 2015-09-01T12:30:00Z', actual: JSON.stringify(meta[f]) })
      }
      return out.length ? out : meta.created === undefined && meta.lastModified === undefined ? undefined : TIMESTAMPS_OK
    }),
  }),
  defineCheck({
    id: 'meta.location',
    title: 'meta.location is the resource’s URI',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'location: The URI of the resource being returned. This value MUST be the same as the "Content-Location" HTTP response header (see Section 3.1.4.2 of [RFC7231]).',
    ambient: eachResource((rr, x) => {
      const loc = metaOf(rr.resource)?.location
      if (loc === undefined) return
      // RFC 7231 §3.1.4.2 lets Content-Location (and so meta.location) be a relative reference: it is resolved
      // against the request's URI. Only a value that resolves to no http(s) URI at all is broken.
      const resolved = locationUrl(loc) ?? (typeof loc === 'string' && loc.startsWith('/') ? locationUrl(new URL(loc, x.request.url).toString()) : undefined)
      if (!resolved) return { ok: false, message: `${label(rr)}.meta.location is not a URI of the resource`, expected: 'an http(s) URI, absolute or relative to the request', actual: JSON.stringify(loc) }
      const cl = rr.listElement ? undefined : header(x, 'content-location')
      if (cl !== undefined && cl !== loc) return { ok: false, message: `Content-Location differs from ${label(rr)}.meta.location`, expected: String(loc), actual: cl }
      return resolved.toString() === loc ? LOCATION_ABSOLUTE : LOCATION_RELATIVE
    }),
    judge(x, ctx) {
      // The probe: GET on meta.location returns the same resource.
      if (x.error?.code === 'other-origin') return { ok: 'skip', message: 'meta.location points to another origin', reason: x.error.message }
      if (ctx.args.location !== undefined && !locationUrl(ctx.args.location)) return { ok: 'skip', message: 'meta.location is not absolute', reason: 'a relative meta.location is the ambient meta.location finding; following it proves nothing' }
      if (!x.response) return noResponse(x)
      const want = ctx.args.id
      const b = json(x)
      if (x.response.status !== 200 || !b) return { ok: false, message: `meta.location ${x.request.url} does not resolve to the resource (${x.response.status})`, expected: '200 with the resource', actual: String(x.response.status) }
      if (b.id !== want) return { ok: false, message: `meta.location ${x.request.url} does not resolve to the resource: it points to id ${JSON.stringify(b.id)}`, expected: String(want), actual: String(b.id) }
      return { ok: true, message: 'meta.location resolves to the resource' }
    },
  }),
  defineCheck({
    id: 'meta.lastModified-initial',
    title: 'An unmodified resource has lastModified equal to created',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'lastModified: if this resource has never been modified since its initial creation, the value MUST be the same as the value of "created".',
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      const meta = metaOf(subject(x, ctx) ?? {})
      const created = dateTimeMillis(meta?.created)
      const modified = dateTimeMillis(meta?.lastModified)
      if (created === undefined || modified === undefined) return { ok: 'skip', message: 'no comparable meta.created/lastModified', reason: 'meta timestamps missing or malformed (see meta.present, meta.datetime)' }
      if (created === modified) return { ok: true, message: 'lastModified equals created' }
      return { ok: false, message: `Unmodified resource has lastModified ${String(meta!.lastModified)} ≠ created ${String(meta!.created)}`, expected: String(meta!.created), actual: String(meta!.lastModified) }
    },
  }),
  defineCheck({
    id: 'meta.lastModified-advances',
    title: 'lastModified moves forward after a change',
    area: 'resource',
    level: 'SHOULD',
    source: rfc(7643, '§3.1'),
    // The RFC defines the attribute without a MUST: a timestamp that stays put or goes back after a change misstates
    // it, which a client syncing by lastModified cannot tell from "nothing changed" (graded SHOULD, not MUST).
    requirement: 'lastModified: the most recent DateTime that the details of this resource were updated at the service provider.',
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      if (x.response!.status === 204) return { ok: 'skip', message: 'no body to compare', reason: `${x.request.method} answered 204; the read-back decides` }
      const meta = metaOf(subject(x, ctx) ?? {})
      // `previous` is the resource as it was before the change (a saved response body).
      const prior = isObject(ctx.args.previous) ? metaOf(ctx.args.previous) : undefined
      const now = dateTimeMillis(meta?.lastModified)
      const before = dateTimeMillis(prior?.lastModified)
      const created = dateTimeMillis(meta?.created ?? prior?.created)
      if (now === undefined || before === undefined) return { ok: 'skip', message: 'no comparable lastModified', reason: 'meta.lastModified missing or malformed before or after the change (see meta.present, meta.datetime)' }
      if (now < before) return { ok: false, message: `lastModified went backwards after a change: ${String(prior!.lastModified)} → ${String(meta!.lastModified)}`, expected: `≥ ${String(prior!.lastModified)}`, actual: String(meta!.lastModified) }
      if (created !== undefined && now < created) return { ok: false, message: `lastModified ${String(meta!.lastModified)} is earlier than created`, expected: `≥ ${String(meta!.created)}`, actual: String(meta!.lastModified) }
      if (now === before) {
        // Whole-second timestamps may not move within the second the change came in: only a sub-second clock proves it stood still.
        if (!/\.\d+/.test(String(meta!.lastModified))) return { ok: 'skip', message: 'lastModified has whole-second precision', reason: 'the change may have come within the same second, so an unchanged lastModified proves nothing' }
        return { ok: false, message: `lastModified stayed ${String(meta!.lastModified)} although the resource was changed`, expected: `later than ${String(prior!.lastModified)}`, actual: String(meta!.lastModified) }
      }
      return { ok: true, message: 'lastModified moved forward' }
    },
  }),
  defineCheck({
    id: 'meta.client-ignored',
    title: 'Client-supplied meta is ignored',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1; RFC 7644 §3.3'),
    requirement: 'meta … SHALL be ignored when provided by clients; the service provider assigns every meta value.',
    breaks: ['entra'],
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (x.request.method === 'POST' && (s < 200 || s >= 300)) return { ok: false, message: `Client-supplied meta rejected (${s})${detailOf(x)}`, expected: '201 with server-assigned meta', actual: String(s) }
      const not = okStatus(x)
      if (not) return not
      const meta = metaOf(subject(x, ctx) ?? {})
      const sent = ctx.args.sent as Record<string, unknown> | undefined
      if (!meta || !isObject(sent)) return { ok: 'skip', message: 'no meta to compare', reason: 'the response has no meta (see meta.present)' }
      const stored = Object.entries(sent).filter(([k, v]) => meta[k] === v)
      if (!stored.length) return { ok: true, message: 'meta holds server values' }
      return stored.map(([k, v]) => ({ ok: false, message: `Client-supplied meta stored (${k}="${String(v)}")`, expected: `a server-assigned ${k}`, actual: String(v) }))
    },
  }),
  defineCheck({
    id: 'resource.id-stable',
    title: 'A resource keeps its id',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'id MUST be a stable, non-reassignable identifier that does not change when the same resource is returned in subsequent requests.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud'],
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      const want = ctx.args.id
      if (x.response!.status === 204) return { ok: 'skip', message: 'no body to compare', reason: `${x.request.method} answered 204 without a body` }
      const r = subject(x, ctx)
      if (!r) return { ok: 'skip', message: 'resource not in the response', reason: 'the list did not contain the resource (judged by the list checks)' }
      if (r.id === undefined) return { ok: 'skip', message: 'the resource came back without id', reason: 'judged by resource.id' }
      if (r.id === want) return { ok: true, message: `id ${String(want)} unchanged` }
      return { ok: false, message: `${String(ctx.args.name ?? 'U1')} id changed from ${String(want)} to ${JSON.stringify(r.id)} after ${x.request.method}`, expected: String(want), actual: String(r.id) }
    },
  }),
  defineCheck({
    id: 'resource.id-server-assigned',
    title: 'The server assigns ids, ignoring a client-supplied one',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1; RFC 7644 §3.3'),
    requirement: 'id … MUST NOT be specified by the client; readOnly attributes in a create request SHALL be ignored.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const sent = (sentJson(x) as Record<string, unknown> | undefined)?.id
      if (s === 400) return { ok: false, level: 'SHOULD', message: `Create with a client-supplied id rejected (400); readOnly attributes SHALL be ignored${detailOf(x)}`, expected: '201 with a server-chosen id', actual: '400' }
      if (s < 200 || s >= 300) return { ok: false, message: `Create with a client-supplied id answered ${s}${detailOf(x)}`, expected: '201', actual: String(s) }
      const id = json(x)?.id
      if (id === undefined) return { ok: 'skip', message: 'no id in the create response', reason: 'judged by resource.id' }
      if (id === sent) return { ok: false, message: 'Server used the client-supplied id', expected: 'a server-chosen id', actual: String(id) }
      return { ok: true, message: 'server chose its own id' }
    },
  }),
  defineCheck({
    id: 'resource.externalId-client-owned',
    title: 'The server does not invent externalId',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'externalId … is issued by the provisioning client and MUST NOT be specified by the service provider.',
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      const r = subject(x, ctx)
      if (!r) return { ok: 'skip', message: 'no resource to judge', reason: 'the response has no resource body' }
      const ext = Object.entries(r).find(([k]) => eqi(k, 'externalId'))
      if (!ext || ext[1] === null) return { ok: true, message: 'no externalId on a resource created without one' }
      return { ok: false, message: `Server invented externalId "${String(ext[1])}" for ${String(ctx.args.name ?? 'U2')}`, expected: '(absent)', actual: String(ext[1]) }
    },
  }),
  defineCheck({
    id: 'resource.externalId-case',
    title: 'externalId comes back exactly as sent',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§3.1, §7'),
    requirement: 'externalId is caseExact; the service provider SHALL preserve case when returning it.',
    breaks: ['entra'],
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      const want = ctx.args.externalId
      const r = subject(x, ctx)
      if (!r || typeof want !== 'string') return { ok: 'skip', message: 'nothing to compare', reason: 'no resource body or no externalId given to the check' }
      const got = r.externalId
      if (got === want) return { ok: true, message: `externalId "${want}" preserved` }
      if (got === undefined && x.request.method === 'POST') return { ok: 'skip', message: 'externalId not echoed by the create', reason: 'the read-back decides' }
      return { ok: false, message: `externalId case altered: sent ${want}, got ${got === undefined ? '(absent)' : String(got)}`, expected: want, actual: got === undefined ? '(absent)' : String(got) }
    },
  }),
  defineCheck({
    id: 'resource.reference-resolves',
    title: '$ref values resolve to the referenced resource',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§2.3.7'),
    requirement: 'A reference ($ref) is a URI for a SCIM resource; resolving it yields that resource.',
    judge(x, ctx) {
      if (x.error?.code === 'other-origin') return { ok: 'skip', message: '$ref points to another origin', reason: x.error.message }
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const want = ctx.args.id
      if (s !== 200) return { ok: false, message: `$ref ${x.request.url} answered ${s}${detailOf(x)}`, expected: '200 with the referenced resource', actual: String(s) }
      const id = json(x)?.id
      if (id !== want) return { ok: false, message: `$ref ${x.request.url} points to id ${JSON.stringify(id)}`, expected: String(want), actual: String(id) }
      return { ok: true, message: `$ref resolves to ${String(want)}` }
    },
  }),
  defineCheck({
    id: 'resource.returned-request',
    title: 'returned: request attributes appear only when asked for',
    area: 'resource',
    level: 'MUST',
    source: rfc(7643, '§7; RFC 7644 §3.4, §3.9'),
    requirement: 'returned "request": the attribute is returned in response to any PUT, POST or PATCH operation, or only when explicitly requested with the attributes query parameter.',
    judge(x, ctx) {
      const not = okStatus(x)
      if (not) return not
      const r = subject(x, ctx)
      const rr = r ? returnedResources(x, ctx.discovery).find((e) => e.resource === r) : undefined
      if (!rr?.advertised || !rr.type) return { ok: 'skip', message: 'no /Schemas to say which attributes are returned: request', reason: 'needs the server’s /ResourceTypes and /Schemas' }
      const declared = [rr.type.schema, ...rr.type.extensions].flatMap((s) => s.attributes.filter((a) => a.returned === 'request').map((a) => ({ schema: s, attr: a })))
      if (!declared.length) return { ok: 'skip', message: 'no attribute declared returned: request', reason: `${label(rr)} declares no attribute with returned: request` }
      const valueOf = (schemaId: string, name: string) => {
        const container = schemaId === rr.type!.schema.id ? r! : Object.entries(r!).find(([k]) => eqi(k, schemaId))?.[1]
        return isObject(container) ? Object.entries(container).find(([k]) => eqi(k, name))?.[1] : undefined
      }
      const asked = String(ctx.args.requested ?? '')
      const out: Finding[] = []
      for (const { schema, attr } of declared) {
        const full = schema.id === rr.type.schema.id ? attr.name : `${schema.id}:${attr.name}`
        const present = valueOf(schema.id, attr.name) !== undefined
        if (!asked) {
          if (present) out.push({ ok: false, message: `${full} (returned: request) present by default`, expected: '(absent)', actual: 'present' })
        } else if (eqi(asked, full) || eqi(asked, attr.name)) {
          if (!present) out.push({ ok: false, message: `${full} (returned: request) missing when requested`, expected: 'present', actual: '(absent)' })
          else out.push({ ok: true, message: `${full} returned when requested` })
        }
      }
      if (asked && !out.length) return { ok: 'skip', message: `${asked} is not declared returned: request`, reason: `this server declares ${declared.map((d) => d.attr.name).join(', ')} as returned: request` }
      return out.length ? out : { ok: true, message: `${declared.map((d) => d.attr.name).join(', ')} absent by default` }
    },
  }),
]
