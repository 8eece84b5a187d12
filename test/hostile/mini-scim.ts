import { randomUUID } from 'node:crypto'

/**
 * A deliberately small SCIM service for the hostile server: just enough Users and Groups (create, read, list with
 * `eq` filters and paging, PUT, PATCH, DELETE) that a run gets far enough to meet the misbehaviour under test.
 * It is not the reference server and makes no claim to be correct; tests against it assert only that the run
 * ends, safely, with an honest exit code.
 */
export type Resource = Record<string, any> & { id: string }

export interface MiniOptions {
  /** Base URL written into Location and meta.location (another host's, for the foreign-location mode). */
  locationBase: () => string
  /** Makes ids for new resources (weird ids for the ids mode). */
  newId?: (kind: 'User' | 'Group', n: number) => string
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: unknown
}

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

export class MiniScim {
  readonly users = new Map<string, Resource>()
  readonly groups = new Map<string, Resource>()
  private n = 0

  constructor(private opts: MiniOptions) {}

  /** `path` is relative to the SCIM base, still percent-encoded (e.g. /Users/a%2Fb). */
  handle(method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    const [, collection, rawId, extra] = /^\/([^/]*)(?:\/([^/]*))?(\/.*)?$/.exec(path) ?? []
    if (extra !== undefined) return error(404, `no such path ${path}`)
    if (collection === 'ServiceProviderConfig') return { status: 200, body: spc() }
    if (collection === 'ResourceTypes') return { status: 200, body: list([{ id: 'User', name: 'User', endpoint: '/Users', schema: USER }, { id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP }]) }
    if (collection === 'Schemas') return { status: 200, body: list([]) }
    const kind = collection === 'Users' ? 'User' : collection === 'Groups' ? 'Group' : undefined
    if (!kind) return error(404, `no such endpoint ${path}`)
    const store = kind === 'User' ? this.users : this.groups
    if (rawId === undefined || rawId === '') {
      if (method === 'GET') return this.list(store, query)
      if (method === 'POST') return this.create(kind, store, body)
      return error(405, `${method} not allowed on ${path}`)
    }
    const id = decodeURIComponent(rawId)
    const found = store.get(id)
    if (!found) return error(404, `${kind} ${id} not found`)
    if (method === 'GET') return this.rendered(found)
    if (method === 'DELETE') {
      store.delete(id)
      return { status: 204 }
    }
    if (method === 'PUT') {
      const next = { ...(isObject(body) ? body : {}), id, meta: found.meta } as Resource
      store.set(id, next)
      return this.rendered(next)
    }
    if (method === 'PATCH') {
      for (const op of isObject(body) && Array.isArray(body.Operations) ? body.Operations : []) applyOp(found, op)
      return this.rendered(found)
    }
    return error(405, `${method} not allowed on ${path}`)
  }

  private create(kind: 'User' | 'Group', store: Map<string, Resource>, body: unknown): Reply {
    if (!isObject(body)) return error(400, 'body is not a JSON object')
    const key = kind === 'User' ? 'userName' : 'displayName'
    const name = String(body[key] ?? '')
    if (!name) return error(400, `${key} is required`)
    for (const r of store.values()) if (String(r[key]).toLowerCase() === name.toLowerCase()) return error(409, `${key} ${name} exists`, 'uniqueness')
    const n = ++this.n
    const id = this.opts.newId?.(kind, n) ?? randomUUID()
    const { password: _password, ...rest } = body
    const r: Resource = { ...rest, id, schemas: [kind === 'User' ? USER : GROUP], meta: { resourceType: kind } }
    if (kind === 'User' && r.active === undefined) r.active = true
    store.set(id, r)
    const out = this.rendered(r)
    return { status: 201, headers: { location: out.body.meta.location }, body: out.body }
  }

  private list(store: Map<string, Resource>, query: URLSearchParams): Reply {
    let all = [...store.values()]
    const filter = query.get('filter')
    if (filter) {
      const m = /^(\w+)\s+eq\s+"((?:[^"\\]|\\.)*)"$/i.exec(filter.trim())
      if (!m) return error(400, `unsupported filter ${filter}`, 'invalidFilter')
      const value = JSON.parse(`"${m[2]}"`) as string
      all = all.filter((r) => String(r[m[1]] ?? '').toLowerCase() === value.toLowerCase())
    }
    const start = Math.max(1, Number(query.get('startIndex') ?? 1) || 1)
    const count = Math.max(0, Number(query.get('count') ?? 100) || 100)
    const page = all.slice(start - 1, start - 1 + count).map((r) => this.rendered(r).body)
    return { status: 200, body: { schemas: [LIST], totalResults: all.length, startIndex: start, itemsPerPage: page.length, Resources: page } }
  }

  private rendered(r: Resource): { status: number; body: any } {
    const location = `${this.opts.locationBase()}/${r.meta?.resourceType === 'Group' ? 'Groups' : 'Users'}/${encodeURIComponent(r.id)}`
    return { status: 200, body: { ...r, meta: { ...r.meta, location } } }
  }
}

function applyOp(r: Resource, op: any): void {
  const name = String(op?.op ?? '').toLowerCase()
  const path = typeof op?.path === 'string' ? op.path : undefined
  if (!path) {
    if (isObject(op?.value)) Object.assign(r, op.value)
    return
  }
  if (/^members\[/.test(path) && name === 'remove') {
    const v = /value eq "([^"]*)"/.exec(path)?.[1]
    r.members = (r.members ?? []).filter((m: any) => m?.value !== v)
    return
  }
  if (path === 'members' && name === 'add') {
    r.members = [...(Array.isArray(r.members) ? r.members : []), ...(Array.isArray(op.value) ? op.value : [op.value])]
    return
  }
  if (name === 'remove') delete r[path]
  else r[path] = op.value
}

function spc(): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer', description: 'Bearer token' }],
  }
}

function list(resources: unknown[]): Record<string, unknown> {
  return { schemas: [LIST], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources }
}

export function error(status: number, detail: string, scimType?: string): Reply {
  return { status, body: { schemas: [ERROR], status: String(status), detail, ...(scimType ? { scimType } : {}) } }
}

function isObject(v: unknown): v is Record<string, any> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}
