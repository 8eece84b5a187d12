import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import { queryParam, requestUrl, type Exchange } from '../http/exchange.js'
import { MESSAGE_URN_PREFIX, URN } from '../rfc/urns.js'
import { formatProblems } from '../rfc/problems.js'
import { validateResourceType, validateServiceProviderConfig } from '../rfc/validators.js'
import { returnedResources, validateReturned } from '../rfc/returned.js'
import { lowerName } from '../rfc/normalize.js'
import { flattenedExtensionKeys } from './resource.js'
import {
  detailOf,
  bodyExcerpt as excerpt,
  isListResponse,
  isObject,
  json,
  noResponse,
  ownership,
  pathnameOf,
  requestLine,
  scimError,
  typeName,
} from './verify.js'

/** RFC 7644 §4 and RFC 7643 §5–§7: ServiceProviderConfig, ResourceTypes and Schemas (catalogue §2.4). */

const AUTH_TYPES = ['oauth', 'oauth2', 'oauthbearertoken', 'httpbasic', 'httpdigest']
const ATTR_TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex']
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly']
const RETURNED = ['always', 'never', 'default', 'request']
const UNIQUENESS = ['none', 'server', 'global']

/** Judges of a discovery document need the document: anything else is spc.get's / rt.list's / schemas.list's finding. */
type Doc = { doc: Record<string, unknown>; finding?: undefined } | { doc?: undefined; finding: Finding }

function documentOf(x: Exchange, what: string): Doc {
  if (!x.response) return { finding: noResponse(x)! }
  const b = json(x)
  if (x.response.status !== 200 || !b) return { finding: { ok: 'skip', message: `no ${what} to judge (${x.response.status})`, reason: `${requestLine(x)} answered ${x.response.status}; judged by the endpoint's own check` } }
  return { doc: b }
}

function listOf(x: Exchange, what: string): { list: Record<string, unknown>[]; finding?: undefined } | { list?: undefined; finding: Finding } {
  const d = documentOf(x, what)
  if (d.finding) return d
  const list = d.doc.Resources
  if (!isListResponse(d.doc) || !Array.isArray(list)) return { finding: { ok: 'skip', message: `${what} is not a ListResponse`, reason: 'judged by the endpoint’s list check' } }
  return { list: list.filter(isObject) }
}

/** Without meta (timestamps and locations may be computed per request), as JSON with sorted keys. */
function canonical(v: unknown): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip)
    if (isObject(x)) return Object.fromEntries(Object.keys(x).filter((k) => k !== 'meta').sort().map((k) => [k, strip(x[k])]))
    return x
  }
  return JSON.stringify(strip(v))
}

/** The latest 200 answer to GET {path} in the run, for checks that compare documents. */
function lastDocument(ctx: CheckContext, path: RegExp): Record<string, unknown> | undefined {
  for (let i = ctx.history.length - 1; i >= 0; i--) {
    const x = ctx.history[i]
    if (x.request.method === 'GET' && x.response?.status === 200 && path.test(pathnameOf(x)) && !requestUrl(x)?.search) {
      const b = json(x)
      if (b) return b
    }
  }
  return undefined
}

function servedSchemas(ctx: CheckContext): Record<string, any>[] | undefined {
  if (ctx.discovery.schemas) return ctx.discovery.schemas
  const l = lastDocument(ctx, /\/Schemas\/?$/)?.Resources
  return Array.isArray(l) ? (l as Record<string, any>[]) : undefined
}

function servedResourceTypes(ctx: CheckContext): Record<string, any>[] | undefined {
  if (ctx.discovery.resourceTypes) return ctx.discovery.resourceTypes
  const l = lastDocument(ctx, /\/ResourceTypes\/?$/)?.Resources
  return Array.isArray(l) ? (l as Record<string, any>[]) : undefined
}

/** RFC 7644 §4: a filter on a discovery endpoint SHALL be ignored, and SHOULD get 403 (§4 #1 of the catalogue). */
function filterHandling(x: Exchange, full: number | undefined, what: string): Finding {
  if (!x.response) return noResponse(x)!
  const s = x.response.status
  if (s === 403) return { ok: true, message: `filter on ${what} answered 403` }
  if (s === 400) return { ok: false, level: 'SHOULD', message: `Filter on ${what} answered 400; it SHALL be ignored (or 403)${detailOf(x)}`, expected: '403, or 200 with the full list', actual: '400' }
  const b = json(x)
  if (s === 200 && isListResponse(b)) {
    const n = Array.isArray(b.Resources) ? b.Resources.length : 0
    if (full === undefined) return { ok: 'skip', message: 'no unfiltered list to compare', reason: `the unfiltered ${what} list was not read in this run` }
    if (n >= full) return { ok: true, message: `filter ignored: ${n} items, the full list` }
    return { ok: false, message: `Filter on ${what} was applied or broke the endpoint (${s}, ${n} items)`, expected: `${full} items (filter ignored) or 403`, actual: `${n} items` }
  }
  return { ok: false, message: `Filter on ${what} was applied or broke the endpoint (${s}, ${isObject(b) ? 'not a ListResponse' : 'no JSON'})`, expected: '403, or 200 with the full list', actual: String(s) }
}

// ---- /Schemas attribute definitions (RFC 7643 §7) ----

interface DefinitionProblem {
  message: string
  level?: 'SHOULD'
}

function keyOf(o: Record<string, unknown>, key: string, out: DefinitionProblem[], where: string): unknown {
  if (key in o && o[key] !== undefined) {
    if (o[key] === null) out.push({ message: `${where}: ${key} is null (Entra rejects null keywords; omit it)`, level: 'SHOULD' })
    return o[key] ?? undefined
  }
  const other = Object.keys(o).find((k) => k !== key && k.toLowerCase() === key.toLowerCase() && o[k] !== undefined)
  if (other) {
    out.push({ message: `${where}: keyword "${other}" should be spelled "${key}" (Entra requires camel-cased keywords)`, level: 'SHOULD' })
    return o[other] ?? undefined
  }
  return undefined
}

export function definitionProblems(schema: Record<string, unknown>): DefinitionProblem[] {
  const out: DefinitionProblem[] = []
  const id = schema.id
  const sid = typeof id === 'string' ? id : '(no id)'
  if (typeof id !== 'string' || !isUri(id)) out.push({ message: `Schema ${sid}: id ${JSON.stringify(id)} is not a URI` })
  if (!Array.isArray(schema.attributes)) {
    out.push({ message: `Schema ${sid}: attributes is ${typeName(schema.attributes)}, expected a list` })
    return out
  }
  const walk = (attrs: unknown[], prefix: string, depth: number) => {
    attrs.forEach((raw, i) => {
      if (!isObject(raw)) return out.push({ message: `Schema ${sid} attribute ${prefix}[${i}]: not an object` })
      const nameV = keyOf(raw, 'name', out, `Schema ${sid} attribute ${prefix}[${i}]`)
      const path = typeof nameV === 'string' && nameV ? `${prefix}${nameV}` : `${prefix}[${i}]`
      const where = `Schema ${sid} attribute ${path}`
      const bad = (message: string, level?: 'SHOULD') => out.push({ message: `${where}: ${message}`, level })
      if (typeof nameV !== 'string' || !nameV) bad('name is missing')
      const rawType = keyOf(raw, 'type', out, where)
      // The meta-schema declares `type` caseExact false, so "String" is the type string, but Entra wants the exact keyword.
      const type = ATTR_TYPES.find((t) => t.toLowerCase() === String(rawType).toLowerCase())
      if (!type) bad(rawType === undefined ? 'type is missing' : `type ${JSON.stringify(rawType)} is not one of ${ATTR_TYPES.join(', ')}`)
      else if (type !== rawType) bad(`type "${String(rawType)}" should be written "${type}"`, 'SHOULD')
      const mv = keyOf(raw, 'multiValued', out, where)
      if (typeof mv !== 'boolean') bad(mv === undefined ? 'multiValued is missing' : `multiValued is ${typeName(mv)}, expected a boolean`)
      for (const k of ['required', 'caseExact']) {
        const v = keyOf(raw, k, out, where)
        if (v !== undefined && typeof v !== 'boolean') bad(`${k} is ${typeName(v)}, expected a boolean`)
      }
      for (const [k, allowed] of [['mutability', MUTABILITY], ['returned', RETURNED], ['uniqueness', UNIQUENESS]] as const) {
        const v = keyOf(raw, k, out, where)
        if (v !== undefined && !allowed.includes(String(v))) bad(`${k} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`)
      }
      const desc = keyOf(raw, 'description', out, where)
      if (desc !== undefined && typeof desc !== 'string') bad(`description is ${typeName(desc)}, expected a string`)
      for (const k of ['canonicalValues', 'referenceTypes']) {
        const v = keyOf(raw, k, out, where)
        if (v !== undefined && !Array.isArray(v)) bad(`${k} is ${typeName(v)}, expected a list`)
      }
      if (type && keyOf(raw, 'referenceTypes', [], where) !== undefined && type !== 'reference') bad(`referenceTypes on a ${type} attribute; it is used only with type reference`, 'SHOULD')
      const subs = keyOf(raw, 'subAttributes', out, where)
      if (!type) {
        // Nothing more to say about the shape of an attribute whose type is unknown.
      } else if (type === 'complex') {
        // The RFC's own Schema schema (§8.7.2) nests attributes.subAttributes, so the meta-schema is exempt.
        if (depth > 0 && sid !== URN.schema) bad('a sub-attribute is complex; RFC 7643 §2.3.8 forbids sub-attributes with sub-attributes')
        else if (!Array.isArray(subs) || !subs.length) bad('complex attribute without subAttributes', 'SHOULD')
      } else if (subs !== undefined && !(Array.isArray(subs) && subs.length === 0)) bad(`subAttributes on a ${type} attribute`, 'SHOULD')
      if (Array.isArray(subs) && depth === 0) walk(subs, `${path}.`, 1)
    })
  }
  walk(schema.attributes, '', 0)
  return out
}

function isUri(s: string): boolean {
  if (/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(s)) return true
  try {
    return !!new URL(s).protocol
  } catch {
    return false
  }
}

function findAttr(list: unknown, name: string): Record<string, unknown> | undefined {
  return Array.isArray(list) ? (list.find((a) => isObject(a) && typeof a.name === 'string' && a.name.toLowerCase() === name.toLowerCase()) as Record<string, unknown> | undefined) : undefined
}

/** RFC 7643 §2.2: characteristics a definition leaves out take their defaults. */
function characteristic(a: Record<string, unknown>, key: string): unknown {
  const defaults: Record<string, unknown> = { required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' }
  return a[key] ?? defaults[key]
}

const EVERY_ATTRIBUTE_DECLARED: Finding = Object.freeze({ ok: true, message: 'every attribute declared' })

/** Lower-cased ids of the served schemas, once per discovery (every returned resource is checked against them). */
const servedIdSets = new WeakMap<object, Set<string>>()
function servedIds(schemas: Record<string, any>[]): Set<string> {
  let ids = servedIdSets.get(schemas)
  if (!ids) servedIdSets.set(schemas, (ids = new Set(schemas.map((s) => String(s?.id ?? '').toLowerCase()))))
  return ids
}

let lastBase: { url: string; path: string } | undefined
/** The base URL's path without a trailing slash (asked for every exchange, of one base URL per run). */
function basePathOf(baseUrl: string): string {
  if (lastBase?.url !== baseUrl) lastBase = { url: baseUrl, path: new URL(baseUrl).pathname.replace(/\/+$/, '') }
  return lastBase.path
}

/** The feature a request exercises, for spc.capability-consistency: only unmistakable uses. */
function featureOf(x: Exchange, ctx: CheckContext): 'patch' | 'bulk' | 'filter' | 'sort' | undefined {
  const m = x.request.method
  // Only these requests can exercise a feature: every other exchange is settled before any parsing.
  if (m !== 'POST' && m !== 'PATCH' && m !== 'GET') return undefined
  const url = requestUrl(x)
  if (!url) return undefined
  const basePath = basePathOf(ctx.baseUrl)
  const rel = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname
  const segs = rel.split('/').filter(Boolean)
  if (m === 'POST' && segs.length === 1 && segs[0].toLowerCase() === 'bulk') return 'bulk'
  if (m === 'POST' || segs.length === 0) return undefined
  const endpoints = (servedResourceTypes(ctx) ?? [{ endpoint: '/Users' }, { endpoint: '/Groups' }]).map((t) => String(t?.endpoint ?? '').replace(/^\/+/, '').toLowerCase())
  if (!endpoints.includes(segs[0].toLowerCase())) return undefined
  if (m === 'PATCH' && segs.length === 2) return 'patch'
  if (m === 'GET' && segs.length === 1 && queryParam(x, 'sortBy') !== undefined) return 'sort'
  if (m === 'GET' && segs.length === 1 && queryParam(x, 'filter') !== undefined) return 'filter'
  return undefined
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'spc.get',
    title: 'GET /ServiceProviderConfig returns the configuration',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4; RFC 7643 §5'),
    requirement: 'An HTTP GET to /ServiceProviderConfig returns a JSON structure that describes the SCIM specification features available on a service provider.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 200 && json(x)) return { ok: true, message: 'ServiceProviderConfig served' }
      return { ok: false, message: `No usable ServiceProviderConfig (${s}); optional-feature checks fall back to probing${detailOf(x)}`, expected: '200 with a JSON object', actual: `${s} ${excerpt(x, 80)}` }
    },
  }),
  defineCheck({
    id: 'spc.schema-uri',
    title: 'ServiceProviderConfig names its schema',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: 'The ServiceProviderConfig schemas attribute SHALL contain urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig.',
    judge(x) {
      const { doc: b, finding } = documentOf(x, 'ServiceProviderConfig')
      if (!b) return finding
      if (Array.isArray(b.schemas) && b.schemas.includes(URN.serviceProviderConfig)) return { ok: true, message: 'schemas names the ServiceProviderConfig URI' }
      return { ok: false, message: 'ServiceProviderConfig.schemas lacks the SPC URI', expected: URN.serviceProviderConfig, actual: JSON.stringify(b.schemas) ?? '(absent)' }
    },
  }),
  defineCheck({
    id: 'spc.not-list',
    title: 'ServiceProviderConfig is a single object, not a ListResponse',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: '/ServiceProviderConfig returns the configuration itself: a single JSON object, not a query result.',
    judge(x) {
      const { doc: b, finding } = documentOf(x, 'ServiceProviderConfig')
      if (!b) return finding
      if (isListResponse(b) || Array.isArray(b.Resources)) return { ok: false, message: 'ServiceProviderConfig returned as a ListResponse', expected: 'a ServiceProviderConfig object', actual: 'ListResponse' }
      return { ok: true, message: 'a single object' }
    },
  }),
  defineCheck({
    id: 'spc.required-attributes',
    title: 'ServiceProviderConfig has every required attribute, correctly typed',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§5'),
    requirement: 'patch, bulk (maxOperations, maxPayloadSize), filter (maxResults), changePassword, sort, etag (each with supported) and authenticationSchemes are REQUIRED.',
    judge(x) {
      const { doc: b, finding } = documentOf(x, 'ServiceProviderConfig')
      if (!b) return finding
      const problems = validateServiceProviderConfig(b).problems.filter((p) => !p.path.startsWith('authenticationSchemes[') && p.path !== 'documentationUri')
      const out: Finding[] = problems.map((p) => ({
        ok: false,
        message: p.kind === 'required' ? `ServiceProviderConfig lacks ${p.path}` : `ServiceProviderConfig ${p.path} ${p.message}`,
        expected: p.kind === 'required' ? p.path : undefined,
      }))
      if (Array.isArray(b.authenticationSchemes) && b.authenticationSchemes.length === 0) out.push({ ok: false, message: 'ServiceProviderConfig.authenticationSchemes is empty', expected: 'at least one scheme', actual: '[]' })
      return out.length ? out : { ok: true, message: 'every required attribute present and typed' }
    },
  }),
  defineCheck({
    id: 'spc.auth-schemes',
    title: 'Each authentication scheme has type, name and description',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§5'),
    requirement: 'authenticationSchemes: each has type (oauth, oauth2, oauthbearertoken, httpbasic, httpdigest), name and description, all REQUIRED.',
    judge(x) {
      const { doc: b, finding } = documentOf(x, 'ServiceProviderConfig')
      if (!b) return finding
      const list = b.authenticationSchemes
      if (!Array.isArray(list) || !list.length) return { ok: 'skip', message: 'no authenticationSchemes to judge', reason: 'judged by spc.required-attributes' }
      const out: Finding[] = []
      list.forEach((s, i) => {
        if (!isObject(s)) return out.push({ ok: false, message: `authenticationSchemes[${i}] is ${typeName(s)}, expected an object` })
        for (const f of ['type', 'name', 'description']) {
          if (typeof s[f] !== 'string' || !s[f]) out.push({ ok: false, message: `authenticationSchemes[${i}] lacks ${f}`, expected: `${f}: a string`, actual: JSON.stringify(s[f]) ?? '(absent)' })
        }
        if (typeof s.type === 'string' && s.type && !AUTH_TYPES.includes(s.type)) {
          out.push({ ok: false, level: 'SHOULD', message: `authenticationSchemes[${i}].type "${s.type}" is not one RFC 7643 §5 defines`, expected: AUTH_TYPES.join(', '), actual: s.type })
        }
      })
      return out.length ? out : { ok: true, message: `${list.length} authentication scheme(s) described` }
    },
  }),
  defineCheck({
    id: 'spc.ignores-query',
    title: 'Query parameters do not change ServiceProviderConfig',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: 'Query parameters on /ServiceProviderConfig (filter, sort, pagination) SHALL be ignored.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const plain = ctx.discovery.spc ?? lastDocument(ctx, /\/ServiceProviderConfig\/?$/)
      if (!plain) return { ok: 'skip', message: 'no plain ServiceProviderConfig to compare', reason: 'GET /ServiceProviderConfig did not answer 200 in this run' }
      const b = json(x)
      if (x.response.status === 200 && b && canonical(b) === canonical(plain)) return { ok: true, message: 'same body as without query parameters' }
      const why = x.response.status !== 200 ? String(x.response.status) : 'a different body'
      return { ok: false, message: `Query parameters changed or broke ServiceProviderConfig (${why})${detailOf(x)}`, expected: '200 with the same body as the plain GET', actual: x.response.status === 200 ? excerpt(x, 120) : String(x.response.status) }
    },
  }),
  defineCheck({
    id: 'spc.capability-consistency',
    title: 'Advertised features work; working features are advertised',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§5; RFC 7644 §3.5.2, §3.7, §3.14'),
    requirement: 'ServiceProviderConfig describes the features available: a feature advertised as supported must not answer 501/405.',
    breaks: ['entra'],
    ambient(x, ctx) {
      const spc = ctx.discovery.spc
      if (!spc || !x.response) return
      const feature = featureOf(x, ctx)
      if (!feature) return
      const advertised = spc[feature]?.supported
      if (typeof advertised !== 'boolean') return
      const s = x.response.status
      if (advertised && (s === 501 || s === 405)) {
        return { ok: false, message: `${feature} advertised as supported but the server answers ${s}`, expected: `${feature} works (ServiceProviderConfig.${feature}.supported = true)`, actual: `${requestLine(x)} → ${s}` }
      }
      if (advertised) return { ok: true, message: `${feature} advertised and answered ${s}` }
      // Only PATCH and Bulk success is unmistakable: an unsupported filter or sortBy may simply be ignored.
      if ((feature === 'patch' || feature === 'bulk') && s >= 200 && s < 300) {
        return { ok: 'info', message: `${feature} works although ServiceProviderConfig.${feature}.supported = false (under-advertised)`, reason: 'under-advertised feature', actual: `${requestLine(x)} → ${s}` }
      }
      return
    },
  }),
  defineCheck({
    id: 'rt.list',
    title: '/ResourceTypes is a ListResponse of ResourceType',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: '/ResourceTypes is an HTTP GET endpoint used to discover the types of resources available; the response is a ListResponse of ResourceType resources.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const b = json(x)
      if (x.response.status !== 200 || !isListResponse(b) || !Array.isArray(b.Resources)) {
        return { ok: false, message: `/ResourceTypes is not a ListResponse of ResourceType (${x.response.status})${detailOf(x)}`, expected: '200 ListResponse', actual: `${x.response.status} ${excerpt(x, 80)}` }
      }
      const bad = b.Resources.map((r, i) => (isObject(r) && Array.isArray(r.schemas) && r.schemas.includes(URN.resourceType) ? undefined : i)).filter((i) => i !== undefined)
      if (bad.length) return { ok: false, message: `/ResourceTypes is not a ListResponse of ResourceType: element(s) ${bad.join(', ')} lack schemas ${URN.resourceType}`, expected: URN.resourceType }
      return { ok: true, message: `${b.Resources.length} resource type(s)` }
    },
  }),
  defineCheck({
    id: 'rt.required-attributes',
    title: 'Each ResourceType has name, endpoint and schema',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§6'),
    requirement: 'name, endpoint and schema are REQUIRED; each schemaExtensions element has schema and a boolean required.',
    judge(x) {
      const { list, finding } = listOf(x, '/ResourceTypes')
      if (!list) return finding
      const out: Finding[] = []
      for (const rt of list) {
        const name = typeof rt.name === 'string' ? rt.name : JSON.stringify(rt.id ?? rt.endpoint ?? '?')
        for (const p of validateResourceType(rt).problems.filter((p) => p.kind === 'required' || p.kind === 'type')) {
          out.push({ ok: false, message: p.kind === 'required' ? `ResourceType ${name} lacks ${p.path}` : `ResourceType ${name}: ${p.path} ${p.message}` })
        }
      }
      return out.length ? out : { ok: true, message: `${list.length} resource type(s) complete` }
    },
  }),
  defineCheck({
    id: 'rt.schema-resolves',
    title: 'ResourceType schemas are served at /Schemas',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§6'),
    requirement: "schema: the resource type's primary/base schema URI, which MUST be equal to the id attribute of a Schema resource; likewise schemaExtensions.schema.",
    judge(x, ctx) {
      const { list, finding } = listOf(x, '/ResourceTypes')
      if (!list) return finding
      const schemas = servedSchemas(ctx)
      if (!schemas) return { ok: 'skip', message: 'no /Schemas list to resolve against', reason: 'GET /Schemas did not answer a ListResponse in this run (see schemas.list)' }
      const ids = new Set(schemas.map((s) => String(s?.id ?? '').toLowerCase()))
      const out: Finding[] = []
      for (const rt of list) {
        const uris = [rt.schema, ...(Array.isArray(rt.schemaExtensions) ? rt.schemaExtensions.map((e) => (isObject(e) ? e.schema : undefined)) : [])]
        for (const uri of uris) {
          if (typeof uri !== 'string') continue
          if (!ids.has(uri.toLowerCase())) out.push({ ok: false, message: `ResourceType ${String(rt.name ?? '?')} references schema ${uri} that /Schemas does not serve`, expected: uri, actual: `${schemas.length} schemas served` })
        }
      }
      return out.length ? out : { ok: true, message: 'every referenced schema is served' }
    },
  }),
  defineCheck({
    id: 'rt.user-present',
    title: 'A User resource type is advertised',
    area: 'discovery',
    level: 'SHOULD',
    source: rfc(7644, '§3.2'),
    requirement: 'SCIM defines the User resource type at /Users; an IdP provisions users through it.',
    judge(x) {
      const { list, finding } = listOf(x, '/ResourceTypes')
      if (!list) return finding
      const user = list.find((rt) => rt.schema === URN.user)
      if (user) return { ok: true, message: `User resource type at ${String(user.endpoint)}` }
      return { ok: false, message: 'No User resource type advertised', expected: `a ResourceType with schema ${URN.user}`, actual: list.map((r) => String(r.schema)).join(', ') || '(none)' }
    },
  }),
  defineCheck({
    id: 'rt.endpoint-works',
    title: 'Each advertised endpoint answers a query',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§3.2, §3.4.2'),
    requirement: 'A resource type’s endpoint supports GET queries that return a ListResponse.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 200 && isListResponse(json(x))) return { ok: true, message: `${requestLine(x)} answered a ListResponse` }
      return { ok: false, message: `Advertised endpoint ${pathnameOf(x)} answered ${s}${detailOf(x)}`, expected: '200 ListResponse', actual: `${s} ${excerpt(x, 80)}` }
    },
  }),
  defineCheck({
    id: 'rt.by-id',
    title: '/ResourceTypes/{id} returns the resource type',
    area: 'discovery',
    level: 'SHOULD',
    source: rfc(7644, '§4'),
    requirement: 'A single resource type may be retrieved at /ResourceTypes/{id}; it equals the element of the list.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const b = json(x)
      if (s !== 200 || !b) return { ok: false, message: `${pathnameOf(x)} answered ${s}${detailOf(x)}`, expected: '200', actual: String(s) }
      if (isListResponse(b)) return { ok: false, message: `${pathnameOf(x)} answered a ListResponse instead of the resource type`, expected: 'a single ResourceType', actual: 'ListResponse' }
      const expected = ctx.args.expected
      if (isObject(expected) && canonical(expected) !== canonical(b)) return { ok: false, message: `${pathnameOf(x)} differs from its element in /ResourceTypes`, expected: canonical(expected).slice(0, 160), actual: canonical(b).slice(0, 160) }
      return { ok: true, message: `${pathnameOf(x)} served` }
    },
  }),
  defineCheck({
    id: 'rt.filter-handling',
    title: 'A filter on /ResourceTypes is ignored or refused with 403',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: 'Query parameters on discovery endpoints SHALL be ignored; a filter SHOULD be answered 403 Forbidden.',
    judge(x, ctx) {
      return filterHandling(x, servedResourceTypes(ctx)?.length, '/ResourceTypes')
    },
  }),
  defineCheck({
    id: 'schemas.list',
    title: '/Schemas is a ListResponse of Schema',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: '/Schemas is an HTTP GET endpoint used to retrieve the schemas supported; the response is a ListResponse of Schema resources.',
    breaks: ['entra'],
    judge(x) {
      if (!x.response) return noResponse(x)
      const b = json(x)
      if (x.response.status !== 200 || !isListResponse(b) || !Array.isArray(b.Resources)) {
        return { ok: false, message: `/Schemas is not a ListResponse of Schema (${x.response.status})${detailOf(x)}`, expected: '200 ListResponse', actual: `${x.response.status} ${excerpt(x, 80)}` }
      }
      const bad = b.Resources.map((r, i) => (isObject(r) && Array.isArray(r.schemas) && r.schemas.includes(URN.schema) ? undefined : i)).filter((i) => i !== undefined)
      if (bad.length) return { ok: false, message: `/Schemas is not a ListResponse of Schema: element(s) ${bad.join(', ')} lack schemas ${URN.schema}`, expected: URN.schema }
      return { ok: true, message: `${b.Resources.length} schema(s)` }
    },
  }),
  defineCheck({
    id: 'schemas.definition-valid',
    title: 'Schema definitions are well-formed',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§7'),
    requirement: 'Each Schema has a URI id and attributes; each attribute has a name, a type from §2.3, a boolean multiValued, and characteristics from the defined sets.',
    breaks: ['entra'],
    judge(x) {
      const { list, finding } = listOf(x, '/Schemas')
      if (!list) return finding
      const out: Finding[] = []
      // One finding per schema and level: a server that gets one keyword wrong gets it wrong on every attribute.
      for (const schema of list) {
        const problems = definitionProblems(schema)
        for (const level of [undefined, 'SHOULD'] as const) {
          const some = problems.filter((p) => p.level === level).map((p) => p.message)
          if (!some.length) continue
          const shown = some.slice(0, 3).join('; ')
          out.push({ ok: false, level, message: some.length > 3 ? `${shown}; and ${some.length - 3} more` : shown, actual: `${some.length} problem(s)` })
        }
      }
      return out.length ? out : { ok: true, message: `${list.length} schema(s) well-formed` }
    },
  }),
  defineCheck({
    id: 'schemas.by-urn',
    title: '/Schemas/{urn} returns the schema',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: 'An individual schema is retrieved with GET /Schemas/{schema URI}.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const b = json(x)
      const want = String(ctx.args.id ?? decodeURIComponent(pathnameOf(x).split('/Schemas/')[1] ?? ''))
      if (s !== 200 || !b) return { ok: false, message: `/Schemas/${want} answered ${s}${detailOf(x)}`, expected: '200', actual: String(s) }
      if (isListResponse(b)) return { ok: false, message: `/Schemas/${want} answered a ListResponse instead of the schema`, expected: 'a single Schema', actual: 'ListResponse' }
      if (b.id !== want) return { ok: false, message: `/Schemas/${want} returned the schema ${JSON.stringify(b.id)}`, expected: want, actual: String(b.id) }
      return { ok: true, message: `/Schemas/${want} served` }
    },
  }),
  defineCheck({
    id: 'schemas.unknown-404',
    title: 'An unknown schema URN gets 404',
    area: 'discovery',
    level: 'SHOULD',
    source: rfc(7644, '§3.12 Table 8'),
    requirement: '404 Not Found with an Error body when the specified schema does not exist.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s !== 404) return { ok: false, message: `Unknown schema URN answered ${s}${detailOf(x)}`, expected: '404', actual: String(s) }
      if (!scimError(x)) return { ok: false, message: 'Unknown schema URN answered 404 without a SCIM Error body', expected: `schemas containing ${URN.error}`, actual: excerpt(x) }
      return { ok: true, message: 'unknown schema answered 404' }
    },
  }),
  defineCheck({
    id: 'schemas.no-message-schemas',
    title: 'Protocol message schemas are not published at /Schemas',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§3.1'),
    requirement: 'Message schemas (urn:ietf:params:scim:api:messages:2.0:*) are not resource schemas and SHALL NOT be discoverable via /Schemas.',
    judge(x) {
      const { list, finding } = listOf(x, '/Schemas')
      if (!list) return finding
      const bad = list.filter((s) => typeof s.id === 'string' && s.id.toLowerCase().startsWith(MESSAGE_URN_PREFIX))
      if (!bad.length) return { ok: true, message: 'no message schemas published' }
      return bad.map((s) => ({ ok: false, message: `Protocol message schema ${String(s.id)} is published at /Schemas`, actual: String(s.id) }))
    },
  }),
  defineCheck({
    id: 'schemas.core-user-shape',
    title: 'The User schema declares core attributes as RFC 7643 defines them',
    area: 'discovery',
    level: 'SHOULD',
    source: rfc(7643, '§4.1, §8.7.1'),
    requirement: 'userName is required, not case-exact, unique per server; password is writeOnly and never returned; groups is readOnly; id is readOnly and always returned.',
    judge(x) {
      const { doc: b, finding } = documentOf(x, 'the User schema')
      if (!b) return finding
      const schema = isListResponse(b) ? (Array.isArray(b.Resources) ? b.Resources.find((s) => isObject(s) && s.id === URN.user) : undefined) : b
      if (!isObject(schema) || schema.id !== URN.user) return { ok: 'skip', message: 'no User schema served', reason: 'the server does not serve the core User schema' }
      const expectations: [string, Record<string, unknown>, boolean][] = [
        ['userName', { required: true, caseExact: false, uniqueness: 'server' }, true],
        ['password', { mutability: 'writeOnly', returned: 'never' }, false],
        ['groups', { mutability: 'readOnly' }, false],
        ['id', { mutability: 'readOnly', returned: 'always' }, false],
      ]
      const out: Finding[] = []
      for (const [name, want, mustExist] of expectations) {
        const a = findAttr(schema.attributes, name)
        if (!a) {
          if (mustExist) out.push({ ok: false, message: `Core attribute ${name} is not declared in the User schema`, expected: name })
          continue
        }
        for (const [char, value] of Object.entries(want)) {
          const got = characteristic(a, char)
          if (got !== value) out.push({ ok: false, message: `Core attribute ${name} declared with ${char}=${JSON.stringify(got)}, RFC 7643 defines ${JSON.stringify(value)}`, expected: String(value), actual: String(got) })
        }
      }
      return out.length ? out : { ok: true, message: 'core User attributes declared as RFC 7643 defines them' }
    },
  }),
  defineCheck({
    id: 'schemas.filter-handling',
    title: 'A filter on /Schemas is ignored or refused with 403',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7644, '§4'),
    requirement: 'Query parameters on discovery endpoints SHALL be ignored; a filter SHOULD be answered 403 Forbidden.',
    judge(x, ctx) {
      return filterHandling(x, servedSchemas(ctx)?.length, '/Schemas')
    },
  }),
  defineCheck({
    id: 'schemas.covers-resources',
    title: 'Returned resources are described by /Schemas',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§7'),
    requirement: 'Every schema URI a resource lists is served at /Schemas, and every attribute it carries is declared there.',
    ambient(x, ctx) {
      const schemas = ctx.discovery.schemas
      if (!schemas) return
      const out: Finding[] = []
      const ids = servedIds(schemas)
      for (const rr of returnedResources(x, ctx.discovery)) {
        if (!rr.advertised || !rr.type) continue
        const own = () => ownership(rr.resource, ctx)
        const label = rr.type.name || 'Resource'
        for (const uri of Array.isArray(rr.resource.schemas) ? rr.resource.schemas : []) {
          if (typeof uri === 'string' && !ids.has(lowerName(uri))) out.push({ ok: false, message: `${label} lists schema ${uri}, which /Schemas does not serve`, actual: `${uri} (${rr.where})`, ...own() })
        }
        const v = validateReturned(rr)
        if (v && (v.problems.length || v.caseDifferences.length)) {
          // Extension attributes flattened to the top level are resource.extension-container's finding.
          const flat = new Set(flattenedExtensionKeys(rr).map((f) => f.key))
          for (const p of v.problems.filter((p) => p.kind === 'undeclared' && !flat.has(p.path))) {
            out.push({ ok: false, message: `${label} carries ${p.path}, which /Schemas does not declare`, actual: `${p.path} (${rr.where})`, ...own() })
          }
          for (const d of v.caseDifferences) {
            out.push({ ok: false, level: 'SHOULD', message: `${label} spells ${d.path} as "${d.found}"; /Schemas declares "${d.declared}" (names are case-insensitive, but IdPs match them exactly)`, expected: d.declared, actual: `${d.found} (${rr.where})`, ...own() })
          }
        }
        if (!out.length) out.push(EVERY_ATTRIBUTE_DECLARED)
      }
      return out.length ? out : undefined
    },
  }),
  defineCheck({
    id: 'discovery.read-only',
    title: 'Discovery documents cannot be written',
    area: 'discovery',
    level: 'MUST',
    source: rfc(7643, '§5, §6, §7'),
    requirement: 'ServiceProviderConfig, ResourceTypes and Schemas are read-only discovery resources: writes are rejected and change nothing.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const compare = ctx.args.compare
      if (compare === undefined) {
        if ((s >= 400 && s < 500) || s === 501) return { ok: true, message: `${x.request.method} ${pathnameOf(x)} rejected (${s})` }
        return { ok: false, message: `${x.request.method} ${pathnameOf(x)} was not rejected (${s})${detailOf(x)}`, expected: '4xx or 501', actual: String(s) }
      }
      const before = compare === 'spc' ? ctx.discovery.spc : compare === 'resourceTypes' ? ctx.discovery.resourceTypes : ctx.discovery.schemas
      if (before === undefined) return { ok: 'skip', message: `no earlier ${String(compare)} to compare`, reason: 'discovery did not read this document' }
      const b = json(x)
      const now = compare === 'spc' ? b : b?.Resources
      if (s !== 200 || now === undefined) return { ok: 'error', message: `re-reading ${pathnameOf(x)} answered ${s}`, reason: 'could not re-read the document to compare' }
      if (canonical(now) === canonical(before)) return { ok: true, message: `${pathnameOf(x)} unchanged after the write probes` }
      return { ok: false, message: `Discovery data changed after the write probes: ${pathnameOf(x)} differs`, expected: canonical(before).slice(0, 160), actual: canonical(now).slice(0, 160) }
    },
  }),
]
