// Request/response model of the server pipeline, routing, and response
// helpers. The pipeline is: route → authenticate → fault `before` hooks →
// handler → fault `after` hooks → write. Faults (faults.ts) plug into the two
// hook points and into the flags the handlers read.

import type { IncomingHttpHeaders } from 'node:http'
import type { ResourceKind } from './attributes.js'
import { errorBody, ScimError, type ScimType } from './errors.js'
import type { Flags } from './flags.js'
import { URN } from './schemas.js'
import type { Store } from './store.js'
import { isPlainObject } from './values.js'

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8'

export interface ScimRequest {
  method: string
  /** Path below the base path, as sent (e.g. "/Users/abc"). */
  path: string
  query: URLSearchParams
  /** The request target exactly as sent (path and raw query, a bare trailing "?" or "&" included), for faults that judge encoding. */
  target?: string
  headers: IncomingHttpHeaders
  /** Parsed JSON body; undefined when there was none or it did not parse. */
  body: unknown
  bodyText: string
  /** Set when a non-empty body was not valid JSON. */
  bodyError?: string
  /** Absolute base URL as seen by this client, used for meta.location and $ref. */
  base: string
}

export interface ScimResponse {
  status: number
  headers: Record<string, string>
  /** JSON body, serialised at the end of the pipeline. */
  body?: unknown
  /** Raw text body (e.g. an HTML page from a fault); wins over `body`. */
  text?: string
}

export type Route =
  | { kind: 'root' }
  | { kind: 'rootSearch' }
  | { kind: 'serviceProviderConfig' }
  | { kind: 'resourceTypes'; id?: string }
  | { kind: 'schemas'; id?: string }
  | { kind: 'collection'; resource: ResourceKind }
  | { kind: 'search'; resource: ResourceKind }
  | { kind: 'item'; resource: ResourceKind; id: string }
  | { kind: 'bulk' }
  | { kind: 'me' }
  | { kind: 'unknown' }

export interface HookContext {
  req: ScimRequest
  route: Route
  store: Store
  flags: Flags
  /** Aborted when the server closes, so delayed responses end promptly. */
  signal: AbortSignal
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** Endpoint names are matched case-insensitively; a trailing slash is ignored. */
export function routeOf(path: string): Route {
  const raw = path.split('/').filter((s) => s !== '')
  const segs = raw.map(decode)
  if (segs.some((s) => s === undefined)) return { kind: 'unknown' }
  const [first, second, ...rest] = segs as string[]
  if (first === undefined) return { kind: 'root' }
  const head = first.toLowerCase()
  if (rest.length > 0) return head === 'me' ? { kind: 'me' } : { kind: 'unknown' }
  if (head === '.search' && second === undefined) return { kind: 'rootSearch' }
  if ((head === 'serviceproviderconfig' || head === 'serviceproviderconfigs') && second === undefined) return { kind: 'serviceProviderConfig' }
  if (head === 'resourcetypes') return second === undefined ? { kind: 'resourceTypes' } : { kind: 'resourceTypes', id: second }
  if (head === 'schemas') return second === undefined ? { kind: 'schemas' } : { kind: 'schemas', id: second }
  if (head === 'users' || head === 'groups') {
    const resource: ResourceKind = head === 'users' ? 'User' : 'Group'
    if (second === undefined) return { kind: 'collection', resource }
    if (second.toLowerCase() === '.search') return { kind: 'search', resource }
    return { kind: 'item', resource, id: second }
  }
  if (head === 'bulk' && second === undefined) return { kind: 'bulk' }
  if (head === 'me') return { kind: 'me' }
  return { kind: 'unknown' }
}

export function isDiscovery(route: Route): boolean {
  return route.kind === 'serviceProviderConfig' || route.kind === 'resourceTypes' || route.kind === 'schemas'
}

/** Requests that create, change or delete resources. */
export function isWrite(method: string, route: Route): boolean {
  if (route.kind === 'collection') return method === 'POST'
  if (route.kind === 'item') return method === 'PUT' || method === 'PATCH' || method === 'DELETE'
  return route.kind === 'bulk' && method === 'POST'
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ScimResponse {
  return { status, headers: { 'Content-Type': SCIM_MEDIA_TYPE, ...headers }, body }
}

export function errorResponse(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}): ScimResponse {
  return jsonResponse(status, errorBody(status, detail, scimType), headers)
}

export function fromScimError(e: ScimError): ScimResponse {
  return errorResponse(e.status, e.message, e.scimType, e.headers)
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ScimResponse {
  return { status, headers }
}

// ---- helpers for hooks that rewrite responses ----

export function isErrorBody(body: unknown): body is Record<string, unknown> {
  if (!isPlainObject(body)) return false
  const schemas = body['schemas']
  if (Array.isArray(schemas) && schemas.includes(URN.error)) return true
  return typeof body['detail'] === 'string' && body['status'] !== undefined && body['id'] === undefined
}

export function isListBody(body: unknown): body is Record<string, unknown> {
  return isPlainObject(body) && Array.isArray(body['schemas']) && (body['schemas'] as unknown[]).includes(URN.listResponse)
}

/** Calls `fn` for each User/Group in a single-resource or ListResponse body. */
export function forEachResource(body: unknown, fn: (resource: Record<string, unknown>) => void): void {
  if (isListBody(body)) {
    for (const r of (body['Resources'] as unknown[] | undefined) ?? []) if (isPlainObject(r)) fn(r)
    return
  }
  if (isPlainObject(body) && typeof body['id'] === 'string' && !isErrorBody(body)) fn(body)
}

export function deleteHeader(headers: Record<string, string>, name: string): void {
  const lower = name.toLowerCase()
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) delete headers[k]
}

export function getHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v
  return undefined
}
