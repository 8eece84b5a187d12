import { request } from 'node:http'
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js'

export const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
export const URN_SCIMCHECK = 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User'
export const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
export const URN_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const URN_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface Reply {
  status: number
  headers: Headers
  text: string
  json: Json
}

export class Client {
  constructor(
    readonly server: RunningServer,
    /** null sends no Authorization header. */
    public token: string | null = server.token,
  ) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { Accept: 'application/scim+json', ...headers }
    if (this.token !== null && !Object.keys(h).some((k) => k.toLowerCase() === 'authorization')) h['Authorization'] = `Bearer ${this.token}`
    let payload: string | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body)
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/scim+json'
    }
    const url = path.startsWith('http') ? path : `${this.server.url}${path}`
    const res = await fetch(url, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) })
    const text = await res.text()
    let json: Json
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }

  get(path: string, headers?: Record<string, string>) {
    return this.req('GET', path, undefined, headers)
  }
  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.req('POST', path, body, headers)
  }
  put(path: string, body: unknown, headers?: Record<string, string>) {
    return this.req('PUT', path, body, headers)
  }
  patch(path: string, operations: unknown[], headers?: Record<string, string>) {
    return this.req('PATCH', path, { schemas: [URN_PATCH], Operations: operations }, headers)
  }
  del(path: string, headers?: Record<string, string>) {
    return this.req('DELETE', path, undefined, headers)
  }

  /** GET /Users?filter=… with the filter percent-encoded. */
  filterUsers(filter: string, extra = '') {
    return this.get(`/Users?filter=${encodeURIComponent(filter)}${extra}`)
  }

  async createUser(userName: string, extra: Record<string, unknown> = {}): Promise<Json> {
    const r = await this.post('/Users', { schemas: [URN_USER], userName, ...extra })
    if (r.status !== 201) throw new Error(`create ${userName}: ${r.status} ${r.text}`)
    return r.json
  }

  async createGroup(displayName: string, memberIds: string[] = [], extra: Record<string, unknown> = {}): Promise<Json> {
    const r = await this.post('/Groups', { schemas: [URN_GROUP], displayName, members: memberIds.map((value) => ({ value })), ...extra })
    if (r.status !== 201) throw new Error(`create group ${displayName}: ${r.status} ${r.text}`)
    return r.json
  }
}

export async function start(opts: ServerOptions = {}): Promise<{ server: RunningServer; c: Client }> {
  const server = await startServer({ quiet: true, ...opts })
  return { server, c: new Client(server) }
}

export const ids = (list: Reply): string[] => ((list.json?.Resources ?? []) as Json[]).map((r) => r.id as string)
export const userNames = (list: Reply): string[] => ((list.json?.Resources ?? []) as Json[]).map((r) => r.userName as string)

/** A full user in the shape of the catalogue's U1 fixture. */
export function fullUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [URN_USER],
    userName,
    externalId: `ScimCheck-AbC-${userName}`,
    name: { givenName: 'Zoë', familyName: 'Ångström-李', formatted: 'Zoë Ångström-李' },
    displayName: 'Zoë Ångström',
    nickName: 'Zo',
    title: 'Engineer',
    active: true,
    emails: [
      { value: `${userName}@work.example.com`, type: 'work', primary: true },
      { value: `${userName}@home.example.com`, type: 'home' },
    ],
    phoneNumbers: [{ value: '55555555555', type: 'work' }],
    addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield', country: 'US' }],
    ...extra,
  }
}

/** Sends the request target exactly as given (fetch drops a bare trailing "?"), as OneLogin's client does. */
export function rawStatus(server: RunningServer, method: string, path: string, body?: unknown): Promise<number> {
  const url = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${url.pathname}${path}`,
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/scim+json' },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}
