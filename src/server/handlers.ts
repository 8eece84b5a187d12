// The correct SCIM behaviour for each route. Faults never appear here except
// through the flags in ctx.flags.

import { resourceTypesOf, typeOf, type ResourceKind } from './attributes.js'
import { handleBulk } from './bulk.js'
import {
  findResourceType,
  findSchema,
  LIMITS,
  listOf,
  resourceTypeResource,
  schemaResource,
  serviceProviderConfig,
} from './discovery.js'
import { ScimError } from './errors.js'
import {
  emptyResponse,
  errorResponse,
  jsonResponse,
  type HookContext,
  type ScimRequest,
  type ScimResponse,
} from './pipeline.js'
import { project } from './projection.js'
import { getParam, queryFromSearchBody, queryFromUrl, runQuery, type QueryParams } from './query.js'
import { schemasOf } from './schemas.js'
import type { ResourceRecord } from './store.js'

const methodNotAllowed = (allow: string): ScimResponse =>
  errorResponse(405, `Method not allowed here; allowed: ${allow}`, undefined, { Allow: allow })

export async function handle(ctx: HookContext): Promise<ScimResponse> {
  const { req, route } = ctx
  const method = req.method === 'HEAD' ? 'GET' : req.method
  switch (route.kind) {
    case 'serviceProviderConfig':
      // Query parameters on discovery endpoints SHALL be ignored (RFC 7644 §4).
      if (method !== 'GET') return methodNotAllowed('GET')
      return jsonResponse(200, serviceProviderConfig(req.base, ctx.flags))

    case 'resourceTypes': {
      if (method !== 'GET') return methodNotAllowed('GET')
      const refused = refuseDiscoveryFilter(ctx)
      if (refused) return refused
      if (route.id === undefined) return jsonResponse(200, listOf(resourceTypesOf(ctx.flags.schemaSet).map((rt) => resourceTypeResource(rt, req.base))))
      const rt = findResourceType(route.id, ctx.flags.schemaSet)
      if (!rt) return errorResponse(404, `Resource type "${route.id}" not found`)
      return jsonResponse(200, resourceTypeResource(rt, req.base))
    }

    case 'schemas': {
      if (method !== 'GET') return methodNotAllowed('GET')
      const refused = refuseDiscoveryFilter(ctx)
      if (refused) return refused
      if (route.id === undefined) return jsonResponse(200, listOf(schemasOf(ctx.flags.schemaSet).map((s) => schemaResource(s, req.base))))
      const s = findSchema(route.id, ctx.flags.schemaSet)
      if (!s) return errorResponse(404, `Schema "${route.id}" not found`)
      return jsonResponse(200, schemaResource(s, req.base))
    }

    case 'collection':
      if (method === 'GET') return list(ctx, [route.resource], queryFromUrl(req.query))
      if (method === 'POST') return create(ctx, route.resource)
      return methodNotAllowed('GET, POST')

    case 'search':
      if (method !== 'POST') return methodNotAllowed('POST')
      return list(ctx, [route.resource], queryFromSearchBody(requireBody(req)))

    case 'root':
      if (method !== 'GET') return methodNotAllowed('GET')
      return list(ctx, ['User', 'Group'], queryFromUrl(req.query))

    case 'rootSearch':
      if (method !== 'POST') return methodNotAllowed('POST')
      return list(ctx, ['User', 'Group'], queryFromSearchBody(requireBody(req)))

    case 'item':
      switch (method) {
        case 'GET':
          return get(ctx, route.resource, route.id)
        case 'PUT':
          return replace(ctx, route.resource, route.id)
        case 'PATCH':
          return patch(ctx, route.resource, route.id)
        case 'DELETE':
          return remove(ctx, route.resource, route.id)
        default:
          return methodNotAllowed('GET, PUT, PATCH, DELETE')
      }

    case 'bulk':
      if (method !== 'POST') return methodNotAllowed('POST')
      if (ctx.flags.noBulk) return errorResponse(501, 'Bulk operations are not supported')
      return handleBulk(ctx, handle)

    case 'me':
      // RFC 7644 §3.11: a provider that does not support /Me SHOULD answer 501.
      return errorResponse(501, 'The /Me endpoint is not supported: this server does not map tokens to users')

    case 'unknown':
      return errorResponse(404, `No SCIM endpoint at ${req.path || '/'}`)
  }
}

/** RFC 7644 §4: a filter on discovery SHOULD get 403, so a client never trusts a filtered result. */
function refuseDiscoveryFilter(ctx: HookContext): ScimResponse | undefined {
  if (ctx.flags.discoveryFilterIgnored) return undefined
  if (getParam(ctx.req.query, 'filter') === undefined) return undefined
  return errorResponse(403, 'Filtering is not supported on discovery endpoints')
}

function requireBody(req: ScimRequest): unknown {
  if (req.bodyError !== undefined) throw new ScimError(400, `Request body is not valid JSON: ${req.bodyError}`, 'invalidSyntax')
  if (req.body === undefined) throw new ScimError(400, 'Request body is empty', 'invalidSyntax')
  return req.body
}

function list(ctx: HookContext, kinds: ResourceKind[], params: QueryParams): ScimResponse {
  const body = runQuery(params, { store: ctx.store, kinds, base: ctx.req.base, flags: ctx.flags, maxResults: LIMITS.maxResults })
  return jsonResponse(200, body)
}

function projectionOf(req: ScimRequest): QueryParams {
  const q = queryFromUrl(req.query)
  return {
    ...(q.attributes ? { attributes: q.attributes } : {}),
    ...(q.excludedAttributes ? { excludedAttributes: q.excludedAttributes } : {}),
  }
}

function resourceResponse(ctx: HookContext, status: number, rec: ResourceRecord, extraHeaders: Record<string, string> = {}): ScimResponse {
  const rendered = ctx.store.render(rec, ctx.req.base)
  const body = project(typeOf(rec.kind, ctx.flags.schemaSet), rendered, projectionOf(ctx.req), ctx.flags)
  const headers: Record<string, string> = { ...extraHeaders }
  if (!ctx.flags.noEtag) headers['ETag'] = ctx.store.versionTag(rec)
  return jsonResponse(status, body, headers)
}

function mustFind(ctx: HookContext, kind: ResourceKind, id: string): ResourceRecord {
  const rec = ctx.store.record(kind, id)
  if (!rec) throw new ScimError(404, `${kind} ${id} not found`)
  return rec
}

/** Entity tags compared weakly: W/"x" and "x" name the same version (RFC 7232 §2.3.2). */
function tagList(header: string | string[] | undefined): string[] | undefined {
  if (header === undefined) return undefined
  const text = Array.isArray(header) ? header.join(',') : header
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t.startsWith('W/') ? t.slice(2) : t))
}

function matchesTag(tags: string[], current: string): boolean {
  const opaque = current.startsWith('W/') ? current.slice(2) : current
  return tags.some((t) => t === '*' || t === opaque)
}

function checkIfMatch(ctx: HookContext, rec: ResourceRecord): void {
  if (ctx.flags.noEtag) return
  const tags = tagList(ctx.req.headers['if-match'])
  if (tags === undefined) return
  if (!matchesTag(tags, ctx.store.versionTag(rec))) {
    throw new ScimError(412, `If-Match precondition failed: the resource is now at version ${ctx.store.versionTag(rec)}`)
  }
}

function get(ctx: HookContext, kind: ResourceKind, id: string): ScimResponse {
  const rec = mustFind(ctx, kind, id)
  if (!ctx.flags.noEtag) {
    const tags = tagList(ctx.req.headers['if-none-match'])
    if (tags && matchesTag(tags, ctx.store.versionTag(rec))) return emptyResponse(304, { ETag: ctx.store.versionTag(rec) })
  }
  return resourceResponse(ctx, 200, rec)
}

function create(ctx: HookContext, kind: ResourceKind): ScimResponse {
  const rec = ctx.store.create(kind, requireBody(ctx.req))
  return resourceResponse(ctx, 201, rec, { Location: ctx.store.location(kind, rec.id, ctx.req.base) })
}

function replace(ctx: HookContext, kind: ResourceKind, id: string): ScimResponse {
  const rec = mustFind(ctx, kind, id)
  checkIfMatch(ctx, rec)
  const body = requireBody(ctx.req)
  return resourceResponse(ctx, 200, ctx.store.replace(kind, id, body))
}

function patch(ctx: HookContext, kind: ResourceKind, id: string): ScimResponse {
  const rec = mustFind(ctx, kind, id)
  checkIfMatch(ctx, rec)
  const updated = ctx.store.patch(kind, id, requireBody(ctx.req))
  // 204 is allowed unless the client asked for specific attributes (RFC 7644 §3.5.2).
  const q = projectionOf(ctx.req)
  if (ctx.flags.patch204 && !q.attributes && !q.excludedAttributes) {
    return emptyResponse(204, ctx.flags.noEtag ? {} : { ETag: ctx.store.versionTag(updated) })
  }
  return resourceResponse(ctx, 200, updated)
}

function remove(ctx: HookContext, kind: ResourceKind, id: string): ScimResponse {
  const rec = mustFind(ctx, kind, id)
  checkIfMatch(ctx, rec)
  ctx.store.delete(kind, id)
  return emptyResponse(204)
}
