import type { Discovery } from '../checks/define.js'
import { projected, requestUrl, type Exchange } from '../http/exchange.js'
import { RFC_RESOURCE_TYPES, advertisedTypes, typeForPath, typeForResource, type ResourceTypeModel } from './model.js'
import { isObject } from './normalize.js'
import { URN } from './urns.js'
import { validateResourceAs, type Validation } from './validators.js'

/** A User/Group representation found in a response: the body itself, or one element of a ListResponse. */
export interface ReturnedResource {
  resource: Record<string, unknown>
  /** Where it sits, for messages: `POST /Users` or `GET /Users Resources[3]`. */
  where: string
  /** The resource type it belongs to, by endpoint (or, at the root, by its schemas). */
  type?: ResourceTypeModel
  /** Whether the types came from the server's own /ResourceTypes and /Schemas. */
  advertised: boolean
  /** A full default representation (no attributes/excludedAttributes asked for). */
  full: boolean
  listElement: boolean
}

const advertisedCache = new WeakMap<Discovery, ResourceTypeModel[] | null>()

/** The server's own resource types when its discovery documents describe them, else undefined. */
export function serverTypes(d: Discovery): ResourceTypeModel[] | undefined {
  let t = advertisedCache.get(d)
  if (t === undefined) {
    const found = advertisedTypes(d)
    t = found && found.length ? found : null
    advertisedCache.set(d, t)
  }
  return t ?? undefined
}

const DISCOVERY_PATH = /\/(ServiceProviderConfigs?|ResourceTypes|Schemas|Bulk)(\/|$)/i

/**
 * Resources an exchange returned. Discovery documents are not resources here (RFC 7643 §3.1 exempts them from
 * id/meta; catalogue §4 #33), nor are error bodies, PatchOp echoes or anything that is not an object.
 */
export function returnedResources(x: Exchange, d: Discovery): ReturnedResource[] {
  // Every ambient resource check asks for the same exchange in a row: find (and later validate) each resource once.
  // One slot, not a cache keyed by exchange: that kept every page's resources, and so its parsed JSON, alive until
  // a full garbage collection, and an import walk's heap grew to several times what it still used.
  if (last && last.x === x && last.d === d) return last.out
  const out = resourcesIn(x, d)
  last = { x, d, out }
  return out
}

let last: { x: Exchange; d: Discovery; out: ReturnedResource[] } | undefined
const validated = new WeakMap<ReturnedResource, Validation | undefined>()

/** What returnedResources finds, found afresh: for looking back over the history without displacing the current exchange. */
export function resourcesIn(x: Exchange, d: Discovery): ReturnedResource[] {
  const r = x.response
  if (!r || r.status < 200 || r.status >= 300 || !isObject(r.json)) return []
  // A DELETE answers with no resource (RFC 7644 §3.6) and a 204 carries none: whatever body came back (often `{}`)
  // is not a representation to judge.
  if (r.status === 204 || x.request.method.toUpperCase() === 'DELETE') return []
  const url = requestUrl(x)
  if (!url) return []
  if (DISCOVERY_PATH.test(url.pathname)) return []
  const advertised = serverTypes(d)
  const types = advertised ?? RFC_RESOURCE_TYPES
  const byPath = typeForPath(types, url.pathname)
  const body = r.json
  const schemas = Array.isArray(body.schemas) ? body.schemas.map(String) : []
  const where = `${x.request.method} ${url.pathname}`
  const full = isFull(x, url)
  const isMe = /\/Me\/?$/i.test(url.pathname)
  if (schemas.some((s) => s.toLowerCase() === URN.listResponse.toLowerCase()) || ('Resources' in body && 'totalResults' in body)) {
    const list = Array.isArray(body.Resources) ? body.Resources : []
    return list.flatMap((el, i) =>
      isObject(el) ? [{ resource: el, where: `${where} Resources[${i}]`, type: byPath ?? typeForResource(types, el), advertised: !!advertised, full, listElement: true }] : [],
    )
  }
  if (schemas.some((s) => s.toLowerCase().startsWith('urn:ietf:params:scim:api:messages:'))) return []
  if (!byPath && !isMe) return []
  return [{ resource: body, where, type: byPath ?? typeForResource(types, body), advertised: !!advertised, full, listElement: false }]
}

function isFull(x: Exchange, url: URL): boolean {
  if (projected(x)) return false
  if (x.request.method === 'POST' && /\/\.search$/.test(url.pathname) && x.request.body) {
    try {
      const b = JSON.parse(x.request.body) as Record<string, unknown>
      if (Object.keys(b).some((k) => /^(attributes|excludedAttributes)$/i.test(k))) return false
    } catch {
      return true
    }
  }
  return true
}

/** Validate a returned resource by the server's /Schemas (strict: undeclared attributes count) or else the RFC's. */
export function validateReturned(rr: ReturnedResource): Validation | undefined {
  if (validated.has(rr)) return validated.get(rr)
  const v = rr.type ? validateResourceAs(rr.type, rr.resource, { full: rr.full, strict: rr.advertised }) : undefined
  validated.set(rr, v)
  return v
}
