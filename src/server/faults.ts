// Named faults (one defect each, so a check can be shown to fail) and variants
// (behaviours the RFCs allow, so a check can be shown to stay quiet).
//
// An entry is data: a name, a one-line description, and one or more hooks:
//   flags   switches the core reads at a fixed decision point (flags.ts)
//   before  runs after authentication and before the handler; returning a
//           response replaces the handler's (it may also edit ctx.req)
//   after   rewrites every response, errors and 401s included
// To add a fault, add an entry; add a flag only when no hook point fits.

import type { Flags } from './flags.js'
import {
  deleteHeader,
  emptyResponse,
  errorResponse,
  forEachResource,
  isDiscovery,
  isErrorBody,
  isListBody,
  isWrite,
  jsonResponse,
  type HookContext,
  type ScimResponse,
} from './pipeline.js'
import { getParam } from './query.js'
import { URN } from './schemas.js'
import { isPlainObject } from './values.js'
import { schemasOf } from './schemas.js'

export interface BehaviourDefinition {
  name: string
  description: string
  flags?: Partial<Flags>
  before?: (ctx: HookContext) => ScimResponse | undefined | Promise<ScimResponse | undefined>
  after?: (ctx: HookContext, res: ScimResponse) => ScimResponse | Promise<ScimResponse>
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

function searchBody(ctx: HookContext): Record<string, unknown> | undefined {
  const { route, req } = ctx
  if ((route.kind === 'search' || route.kind === 'rootSearch') && isPlainObject(req.body)) return req.body
  return undefined
}

/** Removes a query parameter (any case) from the URL and from a SearchRequest body. */
function dropQueryParam(ctx: HookContext, name: string): void {
  const lower = name.toLowerCase()
  for (const key of [...ctx.req.query.keys()]) if (key.toLowerCase() === lower) ctx.req.query.delete(key)
  const body = searchBody(ctx)
  if (body) for (const key of Object.keys(body)) if (key.toLowerCase() === lower) delete body[key]
}

function hadFilter(ctx: HookContext): boolean {
  if (getParam(ctx.req.query, 'filter') !== undefined) return true
  const body = searchBody(ctx)
  return body !== undefined && Object.keys(body).some((k) => k.toLowerCase() === 'filter')
}

function patchOperations(ctx: HookContext): Record<string, unknown>[] {
  if (ctx.req.method !== 'PATCH' || ctx.route.kind !== 'item' || !isPlainObject(ctx.req.body)) return []
  const key = Object.keys(ctx.req.body).find((k) => k.toLowerCase() === 'operations')
  const ops = key ? ctx.req.body[key] : undefined
  return Array.isArray(ops) ? ops.filter(isPlainObject) : []
}

const opValue = (op: Record<string, unknown>, name: string): unknown => {
  const key = Object.keys(op).find((k) => k.toLowerCase() === name)
  return key === undefined ? undefined : op[key]
}

/** The raw query string as sent (without the "?"), '+' and empty parameters untouched. */
function rawQuery(ctx: HookContext): string {
  const target = ctx.req.target ?? ''
  const q = target.indexOf('?')
  return q === -1 ? '' : target.slice(q + 1)
}

/** The first filter operator (outside string literals) written other than lower-case, e.g. "Eq". */
function nonLowerOperator(filter: string): string | undefined {
  const bare = filter.replace(/"(?:[^"\\]|\\.)*"/g, '""')
  for (const m of bare.matchAll(/(?<![\w.:$-])(eq|ne|co|sw|ew|gt|ge|lt|le|pr|and|or|not)(?![\w.:$-])/gi)) {
    if (m[1] !== m[1].toLowerCase()) return m[1]
  }
  return undefined
}

/** Media types named in an Accept or Content-Type header, lower-cased, parameters dropped. */
function mediaTypes(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  return text.split(',').map((t) => t.split(';')[0].trim().toLowerCase()).filter(Boolean)
}

/** What the reference-integrity faults keep of deleted resources, per server (a store is one server's data). */
const GHOSTS = new WeakMap<object, { members: Map<string, Set<string>>; groups: Map<string, Record<string, unknown>[]> }>()
function ghostsOf(store: object) {
  let g = GHOSTS.get(store)
  if (!g) GHOSTS.set(store, (g = { members: new Map(), groups: new Map() }))
  return g
}

const isResourceRoute = (ctx: HookContext) => ['collection', 'item', 'search', 'rootSearch', 'me'].includes(ctx.route.kind)
const isDiscoveryRoute = (ctx: HookContext) => isDiscovery(ctx.route)

/** A deep copy with every non-ASCII character of every string replaced by "?". */
function asciiOnly<T>(v: T): T {
  if (typeof v === 'string') return v.replace(/[^\x00-\x7f]/gu, '?') as T
  if (Array.isArray(v)) return v.map(asciiOnly) as T
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asciiOnly(x)])) as T
  return v
}

export const FAULTS: ReadonlyArray<BehaviourDefinition> = [
  // ---- media type and errors ----
  {
    name: 'wrong-content-type',
    description: 'Responses are labelled application/json instead of application/scim+json',
    after: (_ctx, res) => {
      if (res.body !== undefined) res.headers['Content-Type'] = 'application/json; charset=utf-8'
      return res
    },
  },
  {
    name: 'html-errors',
    description: '4xx/5xx responses are HTML pages instead of SCIM Error JSON',
    after: (_ctx, res) => {
      if (res.status < 400) return res
      const title = `${res.status} ${STATUS_TEXT[res.status] ?? 'Error'}`
      res.text = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`
      res.headers['Content-Type'] = 'text/html; charset=utf-8'
      delete res.body
      return res
    },
  },
  {
    name: 'error-status-number',
    description: 'Error.status is a JSON number instead of a string',
    after: (_ctx, res) => {
      if (isErrorBody(res.body) && typeof res.body['status'] === 'string') res.body['status'] = Number(res.body['status'])
      return res
    },
  },
  {
    name: 'no-error-schema',
    description: 'Error bodies lack the urn:ietf:params:scim:api:messages:2.0:Error schema',
    after: (_ctx, res) => {
      if (isErrorBody(res.body)) delete res.body['schemas']
      return res
    },
  },

  // ---- create ----
  {
    name: 'no-409',
    description: 'Duplicate userName (and group displayName) is accepted and a second resource created',
    flags: { allowDuplicates: true },
  },
  {
    name: 'duplicate-409-no-scimtype',
    description: 'Uniqueness conflicts answer 409 without scimType "uniqueness"',
    after: (_ctx, res) => {
      if (res.status === 409 && isErrorBody(res.body)) delete res.body['scimType']
      return res
    },
  },
  {
    name: 'no-location',
    description: 'Responses carry no Location header (201 Created included)',
    after: (_ctx, res) => {
      deleteHeader(res.headers, 'Location')
      return res
    },
  },
  {
    name: 'create-empty-body',
    description: 'POST answers 201 with an empty body',
    after: (ctx, res) => {
      if (ctx.req.method === 'POST' && res.status === 201) {
        delete res.body
        deleteHeader(res.headers, 'Content-Type')
      }
      return res
    },
  },
  {
    name: 'no-meta',
    description: 'Users and Groups are returned without meta',
    after: (_ctx, res) => {
      forEachResource(res.body, (r) => delete r['meta'])
      return res
    },
  },
  {
    name: 'password-returned',
    description: 'The stored password is returned in User representations',
    flags: { returnPassword: true },
  },
  {
    name: '500-on-write',
    description: 'Every create, replace, modify and delete answers 500',
    before: (ctx) => (isWrite(ctx.req.method, ctx.route) ? errorResponse(500, 'Internal server error') : undefined),
  },

  // ---- queries ----
  {
    name: 'ignore-filter',
    description: 'The filter parameter is ignored: every resource is returned',
    before: (ctx) => {
      dropQueryParam(ctx, 'filter')
      return undefined
    },
  },
  {
    name: 'filter-rejected',
    description: 'Any filter on a resource endpoint is refused with 400 invalidFilter although ServiceProviderConfig says filter is supported',
    before: (ctx) => (ctx.req.method === 'GET' && isResourceRoute(ctx) && hadFilter(ctx) ? errorResponse(400, 'Filtering is not supported', 'invalidFilter') : undefined),
  },
  {
    name: 'filter-no-match-404',
    description: 'A filter that matches nothing answers 404 instead of an empty ListResponse',
    after: (ctx, res) => {
      if (res.status === 200 && isListBody(res.body) && res.body['totalResults'] === 0 && hadFilter(ctx)) {
        return errorResponse(404, 'No resources match the filter')
      }
      return res
    },
  },
  {
    name: 'deactivated-not-findable',
    description: 'Users with active=false are missing from filter results',
    flags: { hideInactiveFromFilters: true },
  },
  {
    name: 'pagination-zero-based',
    description: 'startIndex is treated as 0-based, so startIndex=1 skips the first resource',
    flags: { pagination: 'zero-based' },
  },
  {
    name: 'pagination-repeats',
    description: 'Each page after the first starts one resource early, so pages overlap',
    flags: { pagination: 'repeats' },
  },
  {
    name: 'totalResults-string',
    description: 'ListResponse.totalResults is a JSON string',
    after: (_ctx, res) => {
      if (isListBody(res.body) && typeof res.body['totalResults'] === 'number') res.body['totalResults'] = String(res.body['totalResults'])
      return res
    },
  },
  {
    name: 'exclude-members-ignored',
    description: 'excludedAttributes=members is ignored on /Groups',
    before: (ctx) => {
      const r = ctx.route
      const onGroups = (r.kind === 'collection' || r.kind === 'item' || r.kind === 'search') && r.resource === 'Group'
      if (!onGroups) return undefined
      const strip = (v: unknown) => {
        const list = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : []))
        return list.map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'members' && !s.toLowerCase().endsWith(':members')).join(',')
      }
      for (const key of [...ctx.req.query.keys()]) {
        if (key.toLowerCase() === 'excludedattributes') ctx.req.query.set(key, strip(ctx.req.query.get(key)))
      }
      const body = searchBody(ctx)
      if (body) for (const key of Object.keys(body)) if (key.toLowerCase() === 'excludedattributes') body[key] = strip(body[key])
      return undefined
    },
  },
  {
    name: 'userName-case-sensitive',
    description: 'userName uniqueness and filters compare case-sensitively',
    flags: { userNameCaseSensitive: true },
  },
  {
    name: 'count-ignored',
    description: 'The count parameter is ignored; pages hold up to maxResults resources',
    before: (ctx) => {
      dropQueryParam(ctx, 'count')
      return undefined
    },
  },
  {
    name: 'attributes-ignored',
    description: 'attributes and excludedAttributes are ignored',
    before: (ctx) => {
      dropQueryParam(ctx, 'attributes')
      dropQueryParam(ctx, 'excludedAttributes')
      return undefined
    },
  },
  {
    name: 'members-not-returned',
    description: 'GET /Groups/{id} leaves members out, as if members were returned only on request',
    after: (ctx, res) => {
      const r = ctx.route
      if (ctx.req.method === 'GET' && r.kind === 'item' && r.resource === 'Group' && res.status === 200 && isPlainObject(res.body)) delete res.body['members']
      return res
    },
  },
  {
    name: 'search-creates',
    description: 'POST /Users/.search is handled like POST /Users, so a SearchRequest that is also a User creates it',
    before: (ctx) => {
      const r = ctx.route
      if (ctx.req.method === 'POST' && r.kind === 'search') ctx.route = { kind: 'collection', resource: r.resource }
      return undefined
    },
  },
  {
    name: 'unstable-order',
    description: 'Unsorted list pages come back in a different order on every other request (Okta imports skip or repeat users)',
    after: (() => {
      // Counted per server (its store), so servers in one process do not share the alternation.
      const lists = new WeakMap<object, number>()
      return (ctx: HookContext, res: ScimResponse) => {
        if (ctx.req.method !== 'GET' || getParam(ctx.req.query, 'sortBy') !== undefined || !isListBody(res.body)) return res
        const n = lists.get(ctx.store) ?? 0
        lists.set(ctx.store, n + 1)
        const resources = res.body['Resources']
        if (Array.isArray(resources) && n % 2 === 1) res.body['Resources'] = [...resources].reverse()
        return res
      }
    })(),
  },
  {
    name: 'sort-ignored',
    description: 'sortBy is ignored although ServiceProviderConfig advertises sort',
    before: (ctx) => {
      dropQueryParam(ctx, 'sortBy')
      return undefined
    },
  },

  // ---- PATCH / PUT / DELETE ----
  {
    name: 'patch-unsupported',
    description: 'PATCH answers 501 although ServiceProviderConfig says patch is supported',
    before: (ctx) => (ctx.req.method === 'PATCH' && ctx.route.kind === 'item' ? errorResponse(501, 'PATCH is not implemented') : undefined),
  },
  {
    name: 'patch-filter-path-rejected',
    description: 'PATCH paths with a value filter such as members[value eq "id"] are refused with 400 invalidPath (only whole-attribute paths work)',
    before: (ctx) => (patchOperations(ctx).some((op) => String(opValue(op, 'path') ?? '').includes('[')) ? errorResponse(400, 'Value filters in PATCH paths are not supported', 'invalidPath') : undefined),
  },
  {
    name: 'members-capped-100',
    description: 'A group keeps its first 100 members: members added beyond the 100th are dropped without an error (the write answers 2xx)',
    flags: { maxGroupMembers: 100 },
  },
  {
    name: 'patch-remove-all-members',
    description: '"remove" of members with a value list removes every member, not just the listed ones',
    flags: { removeValueListRemovesAll: true },
  },
  {
    name: 'members-replace-rejected',
    description: 'PATCH "replace" of a group\'s whole "members" (Okta\'s Push Now) is refused with 400; add and remove of members work',
    before: (ctx) =>
      patchOperations(ctx).some((op) => String(opValue(op, 'op')).toLowerCase() === 'replace' && String(opValue(op, 'path') ?? '').toLowerCase() === 'members')
        ? errorResponse(400, 'Operation "replace" is not supported on members: add or remove members instead', 'invalidPath')
        : undefined,
  },
  {
    name: 'members-overwrite-merges',
    description: 'A full membership push (PATCH "replace" of members, or PUT of a group) adds the listed members to those the group had instead of replacing them',
    before: (ctx) => {
      if (ctx.route.kind !== 'item' || ctx.route.resource !== 'Group') return undefined
      if (ctx.req.method === 'PATCH') {
        for (const op of patchOperations(ctx)) {
          const key = Object.keys(op).find((k) => k.toLowerCase() === 'op')
          if (key && String(op[key]).toLowerCase() === 'replace' && String(opValue(op, 'path') ?? '').toLowerCase() === 'members') op[key] = 'add'
        }
      }
      if (ctx.req.method === 'PUT' && isPlainObject(ctx.req.body) && Array.isArray(ctx.req.body['members'])) {
        const had = ctx.store.record('Group', ctx.route.id)?.attrs['members']
        const sent = ctx.req.body['members'] as Record<string, unknown>[]
        const kept = (Array.isArray(had) ? had : []).filter((m) => isPlainObject(m) && !sent.some((s) => isPlainObject(s) && s['value'] === m['value']))
        ctx.req.body['members'] = [...kept, ...sent]
      }
      return undefined
    },
  },
  {
    name: 'no-string-booleans',
    description: 'String booleans such as "False" (Entra) are rejected with 400',
    flags: { rejectStringBooleans: true },
  },
  {
    name: 'capitalised-ops-rejected',
    description: 'PATCH ops written "Add"/"Replace"/"Remove" (Entra) are rejected with 400',
    before: (ctx) => {
      const bad = patchOperations(ctx).find((op) => {
        const name = opValue(op, 'op')
        return typeof name === 'string' && name !== name.toLowerCase()
      })
      return bad ? errorResponse(400, `Unsupported op "${String(opValue(bad, 'op'))}"`, 'invalidSyntax') : undefined
    },
  },
  {
    name: 'pathless-patch-rejected',
    description: 'PATCH operations without "path" (Okta, Entra) are rejected with 400',
    before: (ctx) => {
      const bad = patchOperations(ctx).some((op) => typeof opValue(op, 'path') !== 'string')
      return bad ? errorResponse(400, 'Every operation needs a "path"', 'invalidPath') : undefined
    },
  },
  {
    name: 'patch-response-echo',
    description: 'PATCH answers 200 with the PatchOp request instead of the resource',
    after: (ctx, res) => {
      if (ctx.req.method === 'PATCH' && res.status === 200) res.body = ctx.req.body
      return res
    },
  },
  {
    name: 'put-readonly-rejected',
    description: 'PUT bodies carrying id, meta or groups (Okta) are rejected with 400',
    before: (ctx) => {
      if (ctx.req.method !== 'PUT' || ctx.route.kind !== 'item' || !isPlainObject(ctx.req.body)) return undefined
      const bad = Object.keys(ctx.req.body).find((k) => ['id', 'meta', 'groups'].includes(k.toLowerCase()))
      return bad ? errorResponse(400, `Attribute "${bad}" is readOnly`, 'mutability') : undefined
    },
  },
  {
    name: 'id-changes-on-put',
    description: 'PUT assigns the resource a new id',
    flags: { changeIdOnPut: true },
  },
  {
    name: 'if-match-ignored',
    description: 'If-Match is ignored, so stale writes succeed although ETags are advertised',
    before: (ctx) => {
      delete ctx.req.headers['if-match']
      return undefined
    },
  },
  {
    name: 'delete-soft',
    description: 'DELETE answers 204 but the resource stays readable',
    before: (ctx) => {
      const r = ctx.route
      if (ctx.req.method !== 'DELETE' || r.kind !== 'item' || !ctx.store.record(r.resource, r.id)) return undefined
      return emptyResponse(204)
    },
  },
  {
    name: 'no-group-membership-in-user',
    description: 'User.groups never reflects group memberships',
    flags: { omitUserGroups: true },
  },

  // ---- IdP request shapes a strict server refuses (each fails the profiles that send it) ----
  {
    name: 'plus-encoding-rejected',
    description: "A '+' in the query string is refused with 400 instead of read as a space (OneLogin and Entra encode filter spaces as '+')",
    before: (ctx) => (rawQuery(ctx).includes('+') ? errorResponse(400, "'+' is not accepted in the query string; encode spaces as %20", 'invalidFilter') : undefined),
  },
  {
    name: 'trailing-query-rejected',
    description: "A request target ending in a bare '?' or '&' is refused with 400 (OneLogin sends GET …filter=…& and PUT /Users/{id}?)",
    before: (ctx) => (/[?&]$/.test(ctx.req.target ?? '') ? errorResponse(400, "The query string is malformed: it ends with an empty '?' or '&'", 'invalidSyntax') : undefined),
  },
  {
    name: 'trailing-question-mark-rejected',
    description: "A request target ending in a bare '?' is refused with 400 (OneLogin sends PUT /Users/{id}?)",
    before: (ctx) => (/\?$/.test(ctx.req.target ?? '') ? errorResponse(400, "The query string is malformed: it ends with an empty '?'", 'invalidSyntax') : undefined),
  },
  {
    name: 'operator-case-sensitive',
    description: 'Filter operators must be lower-case: "Eq", "EQ" (Ping\'s example filter expressions) are refused with 400',
    before: (ctx) => {
      const filter = getParam(ctx.req.query, 'filter')
      const bad = typeof filter === 'string' ? nonLowerOperator(filter) : undefined
      return bad ? errorResponse(400, `Unknown filter operator "${bad}"`, 'invalidFilter') : undefined
    },
  },
  {
    name: 'legacy-urns-rejected',
    description: 'Bodies whose schemas name pre-RFC URNs such as urn:scim:schemas:core:2.0 (OneLogin\'s default v2 template) are refused with 400',
    before: (ctx) => {
      if ((ctx.req.method !== 'POST' && ctx.req.method !== 'PUT') || !isPlainObject(ctx.req.body)) return undefined
      const schemas = ctx.req.body['schemas']
      const legacy = Array.isArray(schemas) ? schemas.find((u) => typeof u === 'string' && u.toLowerCase().startsWith('urn:scim:schemas:')) : undefined
      return legacy ? errorResponse(400, `Unsupported schema "${String(legacy)}"`, 'invalidValue') : undefined
    },
  },
  {
    name: 'unfiltered-group-list-rejected',
    description: 'GET /Groups without a filter is refused with 400 tooMany (Ping lists all groups and matches them itself)',
    before: (ctx) => {
      const r = ctx.route
      if (ctx.req.method !== 'GET' || r.kind !== 'collection' || r.resource !== 'Group' || hadFilter(ctx)) return undefined
      return errorResponse(400, 'Listing groups needs a filter', 'tooMany')
    },
  },
  {
    name: 'put-unsupported',
    description: 'PUT on a User or Group answers 501 (OneLogin, Ping and Okta\'s custom apps update users only with PUT)',
    before: (ctx) => (ctx.req.method === 'PUT' && ctx.route.kind === 'item' ? errorResponse(501, 'PUT is not implemented; use PATCH') : undefined),
  },
  {
    name: 'user-delete-unsupported',
    description: 'DELETE on a User answers 405 (JumpCloud\'s connection test then deactivates its test user instead)',
    before: (ctx) => {
      const r = ctx.route
      return ctx.req.method === 'DELETE' && r.kind === 'item' && r.resource === 'User' ? errorResponse(405, 'Users cannot be deleted here; deactivate them', undefined, { Allow: 'GET, PUT, PATCH' }) : undefined
    },
  },
  {
    name: 'create-readonly-rejected',
    description: 'POST bodies carrying readOnly id, meta or groups (Okta\'s "groups": [], Entra\'s "meta") are refused with 400 mutability',
    before: (ctx) => {
      if (ctx.req.method !== 'POST' || ctx.route.kind !== 'collection' || !isPlainObject(ctx.req.body)) return undefined
      const bad = Object.keys(ctx.req.body).find((k) => ['id', 'meta', 'groups'].includes(k.toLowerCase()))
      return bad ? errorResponse(400, `Attribute "${bad}" is readOnly`, 'mutability') : undefined
    },
  },
  {
    name: 'unknown-schema-rejected',
    description: 'POST/PUT bodies whose schemas name a URI the server does not serve (Entra\'s Microsoft group schema) are refused with 400',
    before: (ctx) => {
      if ((ctx.req.method !== 'POST' && ctx.req.method !== 'PUT') || !isPlainObject(ctx.req.body)) return undefined
      const schemas = ctx.req.body['schemas']
      const served = new Set(schemasOf(ctx.flags.schemaSet).map((d) => d.id.toLowerCase()))
      const unknown = Array.isArray(schemas) ? schemas.find((u) => typeof u === 'string' && !served.has(u.toLowerCase())) : undefined
      return unknown ? errorResponse(400, `Unknown schema "${String(unknown)}"`, 'invalidValue') : undefined
    },
  },
  {
    name: 'member-ref-null-rejected',
    description: 'Member objects carrying "$ref": null (Entra\'s member add and remove) are refused with 400',
    before: (ctx) => {
      const hasNullRef = (v: unknown) => Array.isArray(v) && v.some((m) => isPlainObject(m) && '$ref' in m && m['$ref'] === null)
      const bad = patchOperations(ctx).some((op) => hasNullRef(opValue(op, 'value')))
      return bad ? errorResponse(400, 'members[].$ref must be a URI, not null', 'invalidValue') : undefined
    },
  },
  {
    name: 'value-list-remove-rejected',
    description: '"remove" of "members" with a value list instead of a filter (Entra without aadOptscim062020, JumpCloud) is refused with 400',
    before: (ctx) => {
      const bad = patchOperations(ctx).some((op) => String(opValue(op, 'op')).toLowerCase() === 'remove' && String(opValue(op, 'path')).toLowerCase() === 'members' && opValue(op, 'value') !== undefined)
      return bad ? errorResponse(400, 'Remove members with a filter such as members[value eq "id"]', 'invalidPath') : undefined
    },
  },
  {
    name: 'manager-string-rejected',
    description: 'An enterprise manager given as a bare id string instead of {"value": id} (Entra) is refused with 400',
    before: (ctx) => {
      const isManagerPath = (p: unknown) => typeof p === 'string' && /(^|:)manager$/i.test(p)
      const bad = patchOperations(ctx).some((op) => {
        const v = opValue(op, 'value')
        if (isManagerPath(opValue(op, 'path'))) return typeof v === 'string'
        return isPlainObject(v) && Object.entries(v).some(([k, x]) => isManagerPath(k) && typeof x === 'string')
      })
      return bad ? errorResponse(400, 'manager must be an object with "value"', 'invalidValue') : undefined
    },
  },
  {
    // RFC 7644 §3.5.2.1 says what an add does to an attribute, not how to create an element through a value filter
    // that matches nothing; Table 9's noTarget ("the specified path value contains a filter that yields no match")
    // lets a server refuse it. So this is not an RFC defect: it fails Entra, which adds first values that way.
    name: 'no-create-from-filter',
    description: 'An "add" through a value filter that matches no element (Entra\'s {"op":"Add","path":"emails[type eq \\"work\\"].value"} for a user with no work email) is refused with 400 noTarget instead of creating the element; replace, and add on an existing element, work',
    before: (ctx) => {
      const r = ctx.route
      if (r.kind !== 'item' || r.resource !== 'User') return undefined
      const user = ctx.store.record('User', r.id)
      if (!user) return undefined
      for (const op of patchOperations(ctx)) {
        const path = opValue(op, 'path')
        if (String(opValue(op, 'op')).toLowerCase() !== 'add' || typeof path !== 'string') continue
        const m = /^([A-Za-z][\w-]*)\[\s*type\s+eq\s+"([^"]*)"\s*\]/i.exec(path)
        if (!m) continue
        const key = Object.keys(user.attrs).find((k) => k.toLowerCase() === m[1].toLowerCase())
        const list = key ? user.attrs[key] : undefined
        const matched = Array.isArray(list) && list.some((e) => isPlainObject(e) && String(e['type']).toLowerCase() === m[2].toLowerCase())
        if (!matched) return errorResponse(400, `No value of "${m[1]}" matches "${path}"`, 'noTarget')
      }
      return undefined
    },
  },
  {
    // RFC 7644 says nothing of memberships when active turns false; Entra relies on them surviving, because it does
    // not re-add them on reactivation (how-provisioning-works: "The target application should maintain the group
    // memberships for the user in inactive state").
    name: 'deactivate-drops-memberships',
    description: 'Setting a user inactive (PATCH or PUT with active false) also removes it from every group, so a reactivated user comes back without its groups',
    after: (ctx, res) => {
      const r = ctx.route
      if ((ctx.req.method !== 'PATCH' && ctx.req.method !== 'PUT') || r.kind !== 'item' || r.resource !== 'User' || res.status >= 300) return res
      const user = ctx.store.record('User', r.id)
      if (!user || user.attrs['active'] !== false) return res
      for (const g of ctx.store.records('Group')) {
        const members = g.attrs['members']
        if (!Array.isArray(members) || !members.some((m) => isPlainObject(m) && m['value'] === user.id)) continue
        ctx.store.patch('Group', g.id, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }] })
      }
      return res
    },
  },

  // ---- auth ----
  {
    name: 'auth-disabled',
    description: 'No token is needed: requests without credentials are served',
    flags: { authDisabled: true },
  },
  {
    name: 'auth-no-www-authenticate',
    description: '401 responses carry no WWW-Authenticate challenge',
    after: (_ctx, res) => {
      deleteHeader(res.headers, 'WWW-Authenticate')
      return res
    },
  },
  {
    name: 'auth-200-on-bad-token',
    description: 'A wrong bearer token is accepted (requests without a token still get 401)',
    flags: { acceptWrongToken: true },
  },
  {
    name: 'token-rotation-ignored',
    description: 'Tokens replaced by rotation keep working',
    flags: { keepRotatedTokens: true },
  },
  {
    // Proves redaction by value: the echo sits under names no key-based rule knows.
    name: 'echo-authorization',
    description: 'The request\'s Authorization header is echoed in every response (header X-Echo and body field "echo")',
    after: (ctx, res) => {
      const auth = ctx.req.headers.authorization
      if (!auth) return res
      res.headers['X-Echo'] = auth
      if (isPlainObject(res.body)) res.body['echo'] = `request had Authorization: ${auth}`
      return res
    },
  },

  // ---- transport, auth, errors, discovery and representation (catalogue §2.1–§2.5) ----
  {
    name: 'accept-scim-refused',
    description: 'Requests whose Accept names application/scim+json are refused with 406 (only application/json is known)',
    before: (ctx) => (mediaTypes(ctx.req.headers.accept).includes('application/scim+json') ? errorResponse(406, 'Not Acceptable: application/json only') : undefined),
  },
  {
    name: 'accept-json-refused',
    description: 'Requests with Accept: application/json are refused with 406 (only application/scim+json is served)',
    before: (ctx) => {
      const types = mediaTypes(ctx.req.headers.accept)
      return types.length && types.every((t) => t === 'application/json') ? errorResponse(406, 'Not Acceptable: application/scim+json only') : undefined
    },
  },
  {
    name: 'scim-content-type-refused',
    description: 'Bodies sent as application/scim+json are refused with 415 (only application/json is parsed)',
    before: (ctx) => (ctx.req.bodyText && mediaTypes(ctx.req.headers['content-type'])[0] === 'application/scim+json' ? errorResponse(415, 'Unsupported Media Type: send application/json') : undefined),
  },
  {
    name: 'charset-refused',
    description: 'A Content-Type with parameters ("; charset=utf-8", as Okta sends) is refused with 415',
    before: (ctx) => (ctx.req.bodyText && String(ctx.req.headers['content-type'] ?? '').includes(';') ? errorResponse(415, 'Unsupported Media Type: parameters are not accepted') : undefined),
  },
  {
    name: 'utf8-mangled',
    description: 'Non-ASCII characters in returned resources come back as "?" (a latin-1 column)',
    after: (ctx, res) => {
      if (isResourceRoute(ctx)) forEachResource(res.body, (r) => Object.assign(r, asciiOnly(r)))
      return res
    },
  },
  {
    name: 'unknown-param-rejected',
    description: 'A query parameter RFC 7644 does not define is refused with 400 instead of ignored',
    before: (ctx) => {
      const known = ['filter', 'sortby', 'sortorder', 'startindex', 'count', 'attributes', 'excludedattributes']
      const unknown = [...ctx.req.query.keys()].find((k) => !known.includes(k.toLowerCase()))
      return ctx.req.method === 'GET' && isResourceRoute(ctx) && unknown ? errorResponse(400, `Unknown query parameter "${unknown}"`, 'invalidSyntax') : undefined
    },
  },
  {
    name: 'error-status-mismatch',
    description: 'Error.status is always "400", whatever the HTTP status',
    after: (_ctx, res) => {
      if (isErrorBody(res.body)) res.body['status'] = '400'
      return res
    },
  },
  {
    name: 'unknown-scimtype',
    description: 'Error.scimType is "invalidRequest", a keyword RFC 7644 Table 9 does not define',
    after: (_ctx, res) => {
      if (isErrorBody(res.body) && res.body['scimType'] !== undefined) res.body['scimType'] = 'invalidRequest'
      return res
    },
  },
  {
    name: 'unknown-id-400',
    description: 'An id that does not exist answers 400 "malformed id" instead of 404',
    before: (ctx) => {
      const r = ctx.route
      return r.kind === 'item' && !ctx.store.record(r.resource, r.id) ? errorResponse(400, `Malformed ${r.resource} id`, 'invalidValue') : undefined
    },
  },
  {
    name: 'malformed-json-500',
    description: 'An unparsable request body answers 500 instead of 400 invalidSyntax',
    before: (ctx) => (ctx.req.bodyError ? errorResponse(500, 'Internal server error') : undefined),
  },
  {
    name: 'lenient-types',
    description: 'Type-violating values are coerced instead of refused: a numeric userName becomes a string, active "yes" becomes true',
    before: (ctx) => {
      const b = ctx.req.body
      if ((ctx.req.method !== 'POST' && ctx.req.method !== 'PUT') || ctx.route.kind === 'bulk' || !isPlainObject(b)) return undefined
      if (typeof b['userName'] === 'number') b['userName'] = String(b['userName'])
      if (typeof b['active'] === 'string') b['active'] = true
      return undefined
    },
  },
  {
    name: 'no-allow-header',
    description: '405 Method Not Allowed responses carry no Allow header',
    after: (_ctx, res) => {
      if (res.status === 405) deleteHeader(res.headers, 'Allow')
      return res
    },
  },
  {
    name: 'discovery-writes-accepted',
    description: 'POST, PUT, PATCH and DELETE on the discovery endpoints answer 204 (and are silently dropped)',
    before: (ctx) => (isDiscoveryRoute(ctx) && ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD' ? emptyResponse(204) : undefined),
  },
  {
    name: 'spc-no-etag',
    description: 'ServiceProviderConfig lacks the REQUIRED etag attribute (as the RFC 7643 §8.7.2 schema does)',
    after: (ctx, res) => {
      if (ctx.route.kind === 'serviceProviderConfig' && isPlainObject(res.body)) delete res.body['etag']
      return res
    },
  },
  {
    name: 'spc-query-rejected',
    description: 'GET /ServiceProviderConfig with query parameters answers 400 instead of ignoring them',
    before: (ctx) => (ctx.route.kind === 'serviceProviderConfig' && [...ctx.req.query.keys()].length ? errorResponse(400, 'Query parameters are not supported here', 'invalidSyntax') : undefined),
  },
  {
    name: 'discovery-filter-applied',
    description: 'A filter on /ResourceTypes or /Schemas is applied (an empty list comes back) instead of ignored or refused with 403',
    before: (ctx) => {
      const r = ctx.route
      if ((r.kind !== 'resourceTypes' && r.kind !== 'schemas') || r.id !== undefined || getParam(ctx.req.query, 'filter') === undefined) return undefined
      return jsonResponse(200, { schemas: [URN.listResponse], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] })
    },
  },
  {
    name: 'message-schema-published',
    description: '/Schemas also lists a schema for the ListResponse protocol message',
    after: (ctx, res) => {
      if (ctx.route.kind === 'schemas' && ctx.route.id === undefined && isListBody(res.body)) {
        const list = res.body['Resources'] as unknown[]
        list.push({ schemas: [URN.schema], id: URN.listResponse, name: 'ListResponse', description: 'List response', attributes: [] })
        res.body['totalResults'] = list.length
        res.body['itemsPerPage'] = list.length
      }
      return res
    },
  },
  {
    name: 'schema-number-type',
    description: '/Schemas declares integer and decimal attributes with type "number", which RFC 7643 §2.3 does not define',
    after: (ctx, res) => {
      if (ctx.route.kind !== 'schemas') return res
      // The served attribute definitions are the server's own constants: change a copy.
      res.body = structuredClone(res.body)
      const fix = (attrs: unknown) => {
        for (const a of Array.isArray(attrs) ? attrs : []) {
          if (!isPlainObject(a)) continue
          if (a['type'] === 'integer' || a['type'] === 'decimal') a['type'] = 'number'
          fix(a['subAttributes'])
        }
      }
      const schemas = isListBody(res.body) ? (res.body['Resources'] as unknown[]) : [res.body]
      for (const s of schemas) if (isPlainObject(s)) fix(s['attributes'])
      return res
    },
  },
  {
    name: 'schema-by-urn-missing',
    description: 'GET /Schemas/{urn} answers 404 for every schema; only the list is served',
    before: (ctx) => (ctx.route.kind === 'schemas' && ctx.route.id !== undefined ? errorResponse(404, 'Not found') : undefined),
  },
  {
    name: 'rt-extension-unserved',
    description: 'The User resource type lists an extension schema that /Schemas does not serve',
    after: (ctx, res) => {
      if (ctx.route.kind !== 'resourceTypes') return res
      const types = isListBody(res.body) ? (res.body['Resources'] as unknown[]) : [res.body]
      for (const t of types) {
        if (isPlainObject(t) && t['name'] === 'User' && Array.isArray(t['schemaExtensions'])) t['schemaExtensions'].push({ schema: 'urn:example:scimcheck:unserved:2.0:User', required: false })
      }
      return res
    },
  },
  {
    name: 'list-without-ids',
    description: 'Users and Groups in list responses come without id',
    after: (ctx, res) => {
      if (isListBody(res.body) && isResourceRoute(ctx)) forEachResource(res.body, (r) => delete r['id'])
      return res
    },
  },
  {
    name: 'externalId-lowercased',
    description: 'externalId is returned lower-cased',
    after: (ctx, res) => {
      if (isResourceRoute(ctx)) forEachResource(res.body, (r) => typeof r['externalId'] === 'string' && (r['externalId'] = r['externalId'].toLowerCase()))
      return res
    },
  },
  {
    name: 'externalId-invented',
    description: 'Resources created without externalId are returned with one the server made up',
    after: (ctx, res) => {
      if (isResourceRoute(ctx)) forEachResource(res.body, (r) => (r['externalId'] ??= `ext-${String(r['id'])}`))
      return res
    },
  },
  {
    name: 'client-id-adopted',
    description: 'A create whose body carries an id answers with that id instead of a server-assigned one',
    after: (ctx, res) => {
      const sent = isPlainObject(ctx.req.body) ? ctx.req.body['id'] : undefined
      if (ctx.req.method === 'POST' && res.status === 201 && typeof sent === 'string' && isPlainObject(res.body)) res.body['id'] = sent
      return res
    },
  },
  {
    name: 'meta-from-client',
    description: 'A create stores the client-supplied meta.resourceType and meta.created',
    after: (ctx, res) => {
      const sent = isPlainObject(ctx.req.body) ? ctx.req.body['meta'] : undefined
      if (ctx.req.method === 'POST' && res.status === 201 && isPlainObject(sent) && isPlainObject(res.body) && isPlainObject(res.body['meta'])) Object.assign(res.body['meta'], sent)
      return res
    },
  },
  {
    name: 'lastModified-frozen',
    description: 'meta.lastModified never moves after the create: every change leaves it equal to meta.created',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const meta = r['meta']
        if (isPlainObject(meta) && typeof meta['created'] === 'string') meta['lastModified'] = meta['created']
      })
      return res
    },
  },
  {
    name: 'lastModified-after-created',
    description: 'meta.lastModified of a new resource is a moment later than meta.created (two clock reads)',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const meta = r['meta']
        if (isPlainObject(meta) && typeof meta['created'] === 'string' && meta['created'] === meta['lastModified']) meta['lastModified'] = new Date(Date.parse(meta['created']) + 1).toISOString()
      })
      return res
    },
  },
  {
    name: 'meta-datetime-space',
    description: 'meta.created and meta.lastModified are written "2024-01-31 12:00:00" (a space, no T): not xsd:dateTime',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const meta = r['meta']
        if (!isPlainObject(meta)) return
        for (const k of ['created', 'lastModified']) if (typeof meta[k] === 'string') meta[k] = (meta[k] as string).replace('T', ' ').replace(/\.\d+Z$|Z$/, '')
      })
      return res
    },
  },
  {
    name: 'location-not-uri',
    description: 'meta.location is not a URI of the resource ("User <id>")',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const meta = r['meta']
        if (isPlainObject(meta) && typeof meta['location'] === 'string') meta['location'] = `${String(meta['resourceType'])} ${String(r['id'])}`
      })
      return res
    },
  },
  {
    name: 'resourceType-lowercase',
    description: 'meta.resourceType is "user"/"group" instead of the resource type names User/Group',
    after: (ctx, res) => {
      if (isResourceRoute(ctx)) forEachResource(res.body, (r) => isPlainObject(r['meta']) && typeof r['meta']['resourceType'] === 'string' && (r['meta']['resourceType'] = r['meta']['resourceType'].toLowerCase()))
      return res
    },
  },
  {
    name: 'boolean-strings',
    description: 'User.active and emails[].primary are returned as the strings "true"/"false"',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        if (typeof r['active'] === 'boolean') r['active'] = String(r['active'])
        for (const e of Array.isArray(r['emails']) ? r['emails'] : []) if (isPlainObject(e) && typeof e['primary'] === 'boolean') e['primary'] = String(e['primary'])
      })
      return res
    },
  },
  {
    name: 'all-primary',
    description: 'Every email of a user is returned with primary: true',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        for (const e of Array.isArray(r['emails']) ? r['emails'] : []) if (isPlainObject(e)) e['primary'] = true
      })
      return res
    },
  },
  {
    name: 'enterprise-flattened',
    description: 'Enterprise extension attributes are returned at the top level instead of under their schema URN',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const ext = r[URN.enterprise]
        if (!isPlainObject(ext)) return
        delete r[URN.enterprise]
        Object.assign(r, ext)
      })
      return res
    },
  },
  {
    name: 'undeclared-attribute',
    description: 'Users and Groups carry an attribute "tenantId" that no schema at /Schemas declares',
    after: (ctx, res) => {
      if (isResourceRoute(ctx)) forEachResource(res.body, (r) => (r['tenantId'] = 'scimcheck-tenant'))
      return res
    },
  },
  {
    name: 'ref-wrong-base',
    description: '$ref values of members, groups and manager point below /v1/ instead of the SCIM base URL',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      const move = (v: unknown) => {
        for (const m of Array.isArray(v) ? v : [v]) if (isPlainObject(m) && typeof m['$ref'] === 'string') m['$ref'] = m['$ref'].replace(/\/(Users|Groups)\//, '/v1/$1/')
      }
      forEachResource(res.body, (r) => {
        move(r['members'])
        move(r['groups'])
        if (isPlainObject(r[URN.enterprise])) move((r[URN.enterprise] as Record<string, unknown>)['manager'])
      })
      return res
    },
  },
  {
    name: 'returned-request-always',
    description: 'The scim-check extension attribute auditNote (returned: request) is returned by default',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx) || res.status >= 300) return res
      forEachResource(res.body, (r) => {
        const ext = isPlainObject(r[URN.scimcheck]) ? (r[URN.scimcheck] as Record<string, unknown>) : undefined
        if (Array.isArray(r['schemas']) && r['schemas'].includes(URN.user)) r[URN.scimcheck] = { ...(ext ?? {}), auditNote: ext?.['auditNote'] ?? 'returned by default' }
      })
      return res
    },
  },

  // ---- reference integrity (what a delete leaves behind) ----
  {
    name: 'dangling-members',
    description: 'Deleting a user leaves it in the members of the groups it belonged to (a dangling reference)',
    before: (ctx) => {
      if (ctx.req.method !== 'DELETE' || ctx.route.kind !== 'item' || ctx.route.resource !== 'User') return undefined
      const id = ctx.route.id
      const ghosts = ghostsOf(ctx.store).members
      for (const g of ctx.store.groupsOf(id)) {
        const set = ghosts.get(String(g['value'])) ?? new Set<string>()
        set.add(id)
        ghosts.set(String(g['value']), set)
      }
      return undefined
    },
    after: (ctx, res) => {
      if (ctx.req.method !== 'GET' || !isResourceRoute(ctx) || res.status !== 200) return res
      const ghosts = ghostsOf(ctx.store).members
      forEachResource(res.body, (r) => {
        const extra = ghosts.get(String(r['id']))
        if (!extra || !Array.isArray(r['schemas']) || !r['schemas'].includes(URN.group)) return
        const members = Array.isArray(r['members']) ? (r['members'] as Record<string, unknown>[]) : []
        r['members'] = [...members, ...[...extra].map((value) => ({ value, type: 'User' }))]
      })
      return res
    },
  },
  {
    name: 'dangling-user-groups',
    description: "Deleting a group leaves it in its former members' User.groups",
    before: (ctx) => {
      if (ctx.req.method !== 'DELETE' || ctx.route.kind !== 'item' || ctx.route.resource !== 'Group') return undefined
      const group = ctx.store.getGroup(ctx.route.id)
      const ghosts = ghostsOf(ctx.store).groups
      for (const m of Array.isArray(group?.['members']) ? (group!['members'] as Record<string, unknown>[]) : []) {
        const list = ghosts.get(String(m['value'])) ?? []
        list.push({ value: ctx.route.id, display: group!['displayName'], type: 'direct' })
        ghosts.set(String(m['value']), list)
      }
      return undefined
    },
    after: (ctx, res) => {
      if (ctx.req.method !== 'GET' || !isResourceRoute(ctx) || res.status !== 200) return res
      const ghosts = ghostsOf(ctx.store).groups
      forEachResource(res.body, (r) => {
        const extra = ghosts.get(String(r['id']))
        if (!extra || !Array.isArray(r['schemas']) || !r['schemas'].includes(URN.user)) return
        r['groups'] = [...(Array.isArray(r['groups']) ? (r['groups'] as unknown[]) : []), ...extra]
      })
      return res
    },
  },
  {
    name: 'create-ignores-active',
    description: 'POST /Users ignores "active": false and creates the user active',
    before: (ctx) => {
      if (ctx.req.method === 'POST' && ctx.route.kind === 'collection' && ctx.route.resource === 'User' && isPlainObject(ctx.req.body) && ctx.req.body['active'] === false) ctx.req.body['active'] = true
      return undefined
    },
  },
  {
    name: 'custom-extension-dropped',
    description: 'Writes to /Users succeed (2xx) but the server\'s own custom extension is silently not stored, and not returned',
    // After the write, so the request is validated and answered as usual; the stored record then loses the extension.
    after: (ctx, res) => {
      if (res.status >= 300 || !isWrite(ctx.req.method, ctx.route) || ctx.req.method === 'DELETE') return res
      if (ctx.route.kind !== 'collection' && ctx.route.kind !== 'item') return res
      if (ctx.route.resource !== 'User') return res
      // A 204 PATCH has no body to name the user; the route does.
      if (ctx.route.kind === 'item') {
        const rec = ctx.store.record('User', ctx.route.id)
        if (rec) delete rec.attrs[URN.scimcheck]
      }
      forEachResource(res.body, (r) => {
        const rec = ctx.store.record('User', String(r['id']))
        if (rec) delete rec.attrs[URN.scimcheck]
        delete r[URN.scimcheck]
        if (Array.isArray(r['schemas'])) r['schemas'] = r['schemas'].filter((u) => u !== URN.scimcheck)
      })
      return res
    },
  },

  // ---- timing ----
  {
    name: 'slow',
    description: 'Every response is delayed by 3 seconds',
    after: async (ctx, res) => {
      await delay(3000, ctx.signal)
      return res
    },
  },
  {
    name: 'patch-attributes-drops',
    description: 'A PATCH carrying ?attributes= stores only the requested attributes and those its operations name: every other attribute of the resource is lost',
    after: (ctx, res) => {
      if (ctx.req.method !== 'PATCH' || ctx.route.kind !== 'item' || res.status !== 200) return res
      const wanted = getParam(ctx.req.query, 'attributes')
      const rec = wanted === undefined ? undefined : ctx.store.record(ctx.route.resource, ctx.route.id)
      if (!rec) return res
      // The required attribute (and a group's members, which the store indexes) stay so the record remains valid.
      const keep = new Set(['username', 'displayname', 'members'])
      for (const a of wanted!.split(',')) keep.add(a.trim().split('.')[0].toLowerCase())
      const ops = isPlainObject(ctx.req.body) && Array.isArray(ctx.req.body['Operations']) ? ctx.req.body['Operations'] : []
      for (const op of ops) {
        if (!isPlainObject(op)) continue
        if (typeof op['path'] === 'string') keep.add(op['path'].split(/[.[]/)[0].toLowerCase())
        else if (isPlainObject(op['value'])) for (const k of Object.keys(op['value'])) keep.add(k.split('.')[0].toLowerCase())
      }
      for (const k of Object.keys(rec.attrs)) if (!keep.has(k.toLowerCase())) delete rec.attrs[k]
      return res
    },
  },

  // ---- under load (scim-check load) ----
  {
    name: 'members-lost-under-concurrency',
    description: 'Group PATCHes read the member list, wait a moment, then write: of two PATCHes to one group side by side, the later one loses the earlier one\'s members (a lost update; one at a time it is correct)',
    before: async (ctx) => {
      if (ctx.req.method !== 'PATCH' || ctx.route.kind !== 'item' || ctx.route.resource !== 'Group') return undefined
      const id = ctx.route.id
      const read = ctx.store.record('Group', id)
      if (!read) return undefined
      const stale = structuredClone(read.attrs['members'] ?? [])
      await delay(5, ctx.signal)
      // Write back what was read before the wait; the handler then applies this PATCH on top of it.
      if (ctx.store.record('Group', id)) ctx.store.patch('Group', id, { schemas: [URN.patchOp], Operations: [{ op: 'replace', path: 'members', value: stale }] })
      return undefined
    },
  },
  {
    name: 'rate-limit-5pct',
    description: 'Answers 429 Too Many Requests, without Retry-After, to 5% of requests to /Users and /Groups (seeded per server, so a run is reproducible); scim-check\'s own housekeeping requests are let through',
    before: (ctx) => {
      if (!/^\/(Users|Groups)(\/|$|\?)/i.test(ctx.req.path)) return undefined
      if (/^scim-check\/\S+ \((cleanup|diagnostic|discovery|ledger)\)$/.test(String(ctx.req.headers['user-agent'] ?? ''))) return undefined
      if (seeded(ctx.store)() >= 0.05) return undefined
      return errorResponse(429, 'Too many requests: slow down')
    },
  },
]

/** One reproducible random sequence per server (mulberry32, fixed seed): the same run meets the same 429s. */
const sequences = new WeakMap<object, () => number>()
function seeded(key: object): () => number {
  let next = sequences.get(key)
  if (next) return next
  let a = 0x5c1c0de
  next = () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  sequences.set(key, next)
  return next
}

export const VARIANTS: ReadonlyArray<BehaviourDefinition> = [
  { name: 'patch-204', description: 'PATCH answers 204 No Content (200 when attributes/excludedAttributes are given)', flags: { patch204: true } },
  { name: 'non-uuid-ids', description: 'Resource ids are short non-UUID strings such as u-17 and g-3', flags: { nonUuidIds: true } },
  { name: 'ids-with-reserved-chars', description: "Resource ids hold '/', '?', '#', '%', a space and 'é' (u/1?a#b c%2Fé-…): any id is allowed, so clients must percent-encode it", flags: { reservedCharIds: true } },
  { name: 'no-etag', description: 'ETags unsupported: SPC etag false, no ETag header or meta.version, If-Match ignored', flags: { noEtag: true } },
  { name: 'discovery-auth', description: 'Discovery endpoints require the bearer token', flags: { discoveryAuth: true } },
  { name: 'no-sort', description: 'Sorting unsupported: SPC sort false and sortBy ignored', flags: { noSort: true } },
  { name: 'no-bulk', description: 'Bulk unsupported: SPC bulk false and POST /Bulk answers 501', flags: { noBulk: true } },
  {
    name: 'no-search',
    description: 'POST …/.search not offered (it is optional, RFC 7644 §3.4.3): answered 501',
    before: (ctx) => (ctx.route.kind === 'search' || ctx.route.kind === 'rootSearch' ? errorResponse(501, 'Queries with POST /.search are not supported') : undefined),
  },
  {
    name: 'minimal',
    description:
      'Declares only the RFC core User and Group schemas (no enterprise or custom extension, no nickName or x509Certificates); no sort, ETag, Bulk, /Me or POST /.search; /ResourceTypes and /Schemas need the token',
    flags: { schemaSet: 'minimal', noSort: true, noEtag: true, noBulk: true, schemaDiscoveryAuth: true },
    // RFC 7644 §3.4.3 makes POST /.search optional; §3.11 answers an unsupported /Me with 501 (the server's default).
    before: (ctx) => (ctx.route.kind === 'search' || ctx.route.kind === 'rootSearch' ? errorResponse(501, 'Queries with POST /.search are not supported') : undefined),
  },
  {
    name: 'remove-unmatched-ok',
    description: 'A PATCH remove whose value filter matches nothing succeeds without change (instead of 400 noTarget)',
    flags: { removeUnmatchedSucceeds: true },
  },
  {
    name: 'discovery-filter-ignored',
    description: 'A filter on /Schemas or /ResourceTypes is ignored (instead of 403)',
    flags: { discoveryFilterIgnored: true },
  },
  {
    name: 'relative-location',
    description: 'meta.location is a path-absolute reference (/scim/v2/Users/{id}); RFC 7231 §3.1.4.2 resolves it against the request URI',
    after: (ctx, res) => {
      if (!isResourceRoute(ctx)) return res
      forEachResource(res.body, (r) => {
        const meta = r['meta']
        if (isPlainObject(meta) && typeof meta['location'] === 'string') meta['location'] = new URL(meta['location']).pathname
      })
      return res
    },
  },
]

export interface ActiveBehaviour {
  flags: Flags
  hooks: BehaviourDefinition[]
}

function lookup(kind: 'fault' | 'variant', registry: ReadonlyArray<BehaviourDefinition>, names: readonly string[]): BehaviourDefinition[] {
  const unknown = names.filter((n) => !registry.some((d) => d.name === n))
  if (unknown.length) {
    const valid = registry.map((d) => d.name).join(', ')
    throw new Error(`Unknown ${kind}${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; valid ${kind}s: ${valid}`)
  }
  return names.map((n) => registry.find((d) => d.name === n)!)
}

/** Resolves fault and variant names into flags and hooks; throws a one-line Error naming the valid names. */
export function activate(faults: readonly string[], variants: readonly string[], base: Flags): ActiveBehaviour {
  const hooks = [...lookup('variant', VARIANTS, variants), ...lookup('fault', FAULTS, faults)]
  const flags: Flags = { ...base }
  for (const h of hooks) Object.assign(flags, h.flags ?? {})
  return { flags, hooks }
}
