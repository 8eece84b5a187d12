import type { CheckContext, Finding } from './define.js'
import { pathOf, type Exchange } from '../http/exchange.js'
import { RFC_RESOURCE_TYPES, advertisedTypes, type AttributeDef, type ResourceTypeModel } from '../rfc/model.js'
import { URN } from '../rfc/urns.js'
import { getCI, isObject, type JsonObject } from '../json.js'

/**
 * Shared reading of exchanges for the probe checks of create, retrieve, list, filter, sort, attrs and search:
 * what a response holds, which fixtures a list returned, and the "could not judge" answers every check gives
 * the same way.
 */

export type Json = JsonObject

export { isObject, getCI }

export { pathOf }

export function bodyOf(x: Exchange): Json | undefined {
  const j = x.response?.json
  return isObject(j) ? j : undefined
}

export function status(x: Exchange): number | undefined {
  return x.response?.status
}

export function scimTypeOf(x: Exchange): string | undefined {
  const t = bodyOf(x)?.scimType
  return typeof t === 'string' ? t : undefined
}

export const is2xx = (x: Exchange) => !!x.response && x.response.status >= 200 && x.response.status < 300

/** A short description of the request for messages: `GET /Users?filter=…`. */
export function req(x: Exchange): string {
  return `${x.request.method} ${decodeSafe(pathOf(x))}`
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%2B'))
  } catch {
    return s
  }
}

/** The request body the client sent, parsed. */
export function sentBody(x: Exchange): Json | undefined {
  if (!x.request.body) return undefined
  try {
    const v = JSON.parse(x.request.body)
    return isObject(v) ? v : undefined
  } catch {
    return undefined
  }
}

/** One line of what came back, for `actual`. */
export function excerpt(x: Exchange, max = 200): string {
  if (!x.response) return x.error?.message ?? '(no response)'
  const b = x.response.body
  const body = b.length > max ? `${b.slice(0, max)}…` : b || '(empty body)'
  return `${x.response.status} ${body}`
}

/**
 * The answers no check may turn into a verdict on the rule itself: no response at all, or the request refused
 * for want of credentials. They are `error` (could not judge), never a pass.
 */
export function unjudgeable(x: Exchange): Finding | undefined {
  if (!x.response) {
    const why = x.error?.message ?? 'no response'
    return { ok: 'error', message: `${req(x)} got no response (${why}); nothing to judge`, reason: why }
  }
  const s = x.response.status
  if (s === 401 || s === 403) {
    return { ok: 'error', message: `${req(x)} answered ${s}: the request was not authorised, so the rule could not be judged`, reason: `HTTP ${s}` }
  }
  return undefined
}

export function skip(message: string, reason = message): Finding {
  return { ok: 'skip', message, reason }
}

export function info(message: string, reason: string): Finding {
  return { ok: 'info', message, reason: `${message}; ${reason}` }
}

// ---- list responses ----

export interface ListView {
  body: Json
  /** `totalResults` when it is a JSON number (its type is judged by list.totalResults). */
  total?: number
  resources: Json[]
  ids: string[]
  /** Fewer resources came back than totalResults announced: absences prove nothing. */
  partial: boolean
}

export function isListResponse(body: unknown): boolean {
  return isObject(body) && Array.isArray(body.schemas) && body.schemas.includes(URN.listResponse)
}

export function listView(x: Exchange): ListView | undefined {
  const body = bodyOf(x)
  if (!body || (!isListResponse(body) && !('Resources' in body) && !('totalResults' in body))) return undefined
  const resources = Array.isArray(body.Resources) ? body.Resources.filter(isObject) : []
  const total = typeof body.totalResults === 'number' ? body.totalResults : typeof body.totalResults === 'string' && /^\d+$/.test(body.totalResults) ? Number(body.totalResults) : undefined
  const ids = resources.map((r) => (typeof r.id === 'string' ? r.id : String(r.id)))
  return { body, total, resources, ids, partial: total !== undefined && resources.length < total }
}

// ---- fixtures named in a step's `with:` ----

/** `{U1: "<id>", U2: "<id>"}` or a list of ids, as given in `with:`; labels make messages readable. */
export function fixtures(arg: unknown): Record<string, string> {
  if (Array.isArray(arg)) return Object.fromEntries(arg.filter((v) => v !== undefined && v !== null).map((v) => [String(v), String(v)]))
  if (isObject(arg)) return Object.fromEntries(Object.entries(arg).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]))
  return {}
}

export function labelsOf(map: Record<string, string>, ids: readonly string[]): string {
  const byId = new Map(Object.entries(map).map(([k, v]) => [v, k]))
  return ids.map((id) => byId.get(id) ?? id).join(', ')
}

// ---- earlier exchanges of the same scenario ----

/** The latest exchange sent by a named step of this scenario under this profile (all pages for `stepExchanges`). */
export function stepExchange(ctx: CheckContext, step: unknown): Exchange | undefined {
  const all = stepExchanges(ctx, step)
  return all[all.length - 1]
}

export function stepExchanges(ctx: CheckContext, step: unknown): Exchange[] {
  if (typeof step !== 'string') return []
  return ctx.history.filter((h) => h.scenario === ctx.scenario && h.idp === ctx.idp && h.step === step)
}

/** The POST that created the resource with this id, when this run sent it. */
export function creatingPost(ctx: CheckContext, id: string): Exchange | undefined {
  return ctx.history.find((h) => h.request.method === 'POST' && is2xx(h) && bodyOf(h)?.id === id)
}

// ---- schema knowledge ----

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

/** The server's advertised resource type (from its own /Schemas) or, without discovery, the RFC's. */
export function resourceType(ctx: CheckContext, kind: 'User' | 'Group'): { type: ResourceTypeModel; advertised: boolean } {
  const uri = kind === 'User' ? USER : GROUP
  const served = advertisedTypes(ctx.discovery)?.find((t) => t.schema.id.toLowerCase() === uri.toLowerCase())
  if (served) return { type: served, advertised: true }
  return { type: RFC_RESOURCE_TYPES.find((t) => t.schema.id === uri)!, advertised: false }
}

export function attributeDef(ctx: CheckContext, kind: 'User' | 'Group', name: string): AttributeDef | undefined {
  const lower = name.toLowerCase()
  return resourceType(ctx, kind).type.schema.attributes.find((a) => a.name.toLowerCase() === lower)
}

/**
 * Whether the server declares a core attribute (the catalogue's `attr:<name>` gate): true/false from its
 * /Schemas, undefined when it serves none (then the probe is tried and the response decides).
 */
export function declares(ctx: CheckContext, kind: 'User' | 'Group', name: string): boolean | undefined {
  const { type, advertised } = resourceType(ctx, kind)
  if (!advertised) return undefined
  const lower = name.toLowerCase()
  return type.schema.attributes.some((a) => a.name.toLowerCase() === lower)
}

/** Reads a key case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive). */
export function hasCI(obj: Json | undefined, key: string): boolean {
  return getCI(obj, key) !== undefined
}

// ---- feature gates the SPC decides ----

export type Gate = 'sort' | 'filter'

/** false when the SPC says the feature is unsupported; undefined when there is no usable SPC (then the probe decides). */
export function advertised(ctx: CheckContext, feature: Gate): boolean | undefined {
  const v = ctx.discovery.spc?.[feature]?.supported
  return typeof v === 'boolean' ? v : undefined
}

/** Answers that mean an endpoint or feature is not offered at all (catalogue §1.3 probe gates). */
export const ABSENT_STATUSES = new Set([404, 405, 501])
