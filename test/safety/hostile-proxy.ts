import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Store } from '../../src/server/index.js'
import type { Seen } from './proxy.js'
import type { Seeded } from './seed.js'

/**
 * A recording proxy that lies: in front of a correct SCIM server holding other people's data, it answers some
 * requests with what a buggy server might (a cache returning the wrong row, an upsert gone wrong, a re-keying
 * write). Every request is recorded as it arrived, so a test can assert on the server side what reached it.
 * Which requests misbehave, and which foreign resource they name, follows a seeded generator: a failing seed
 * reproduces exactly.
 */
export const MISBEHAVIOURS = [
  /** POST /Users and /Groups answer 201 with an existing foreign resource (the create itself happened). */
  'post-answers-foreign',
  /** POST answers with another resource this run created earlier. */
  'post-answers-own-other',
  /** POST answers with the created resource, but Location names a foreign one. */
  'location-foreign',
  /** PUT and PATCH answer with a foreign resource: a different id, as if the write re-keyed. */
  'write-answers-foreign',
  /** POST /.search answers 201 with a foreign resource; Bulk POST results name foreign locations. */
  'search-bulk-create-foreign',
  /** A create gets no answer; the lookup by userName/displayName lists foreign look-alikes, ignoring the filter. */
  'uncertain-lookalike',
  /** Lists carry foreign resources, groups list foreign members, and a GET of a foreign id then answers 404. */
  'foreign-in-lists-then-404',
  /** POST answers with an id that cannot be one path segment ("." or ".."): nothing may be sent to it. */
  'ids-that-are-not-segments',
] as const
export type Misbehaviour = (typeof MISBEHAVIOURS)[number]

export interface HostileProxy {
  url: string
  requests: Seen[]
  /** How many answers were rewritten, by misbehaviour: a run that was never lied to proves nothing. */
  lies: number
  close(): Promise<void>
}

/** mulberry32: small, seedable, good enough to pick requests and resources reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

export async function startHostileProxy(upstreamUrl: string, store: Store, seeded: Seeded, mode: Misbehaviour, seed: number, rate = 0.6): Promise<HostileProxy> {
  const base = new URL(upstreamUrl)
  const basePath = base.pathname.replace(/\/+$/, '')
  const random = prng(seed)
  const requests: Seen[] = []
  const sockets = new Set<Socket>()
  const ownCreated: { kind: 'User' | 'Group'; id: string }[] = []
  const state = { lies: 0, dropped: false }
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
  const foreign = (kind: 'User' | 'Group') => {
    const id = pick(kind === 'User' ? seeded.users : seeded.groups)
    return (kind === 'User' ? store.getUser(id) : store.getGroup(id)) as Record<string, unknown>
  }
  const lie = () => random() < rate

  const forward = (req: IncomingMessage, body: Buffer): Promise<Answer> =>
    new Promise((resolve) => {
      const up = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding') headers[k] = Array.isArray(v) ? v.join(', ') : v
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) })
        })
      })
      up.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }))
      up.end(body)
    })

  const json = (a: Answer): any => {
    try {
      return JSON.parse(a.body.toString('utf8'))
    } catch {
      return undefined
    }
  }
  const withBody = (a: Answer, body: unknown, headers: Record<string, string> = {}): Answer => ({ status: a.status, headers: { ...a.headers, ...headers }, body: Buffer.from(JSON.stringify(body)) })
  const locationOf = (r: Record<string, unknown>) => String((r.meta as { location?: unknown } | undefined)?.location ?? '')

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET'
    const path = (req.url ?? '').split('?')[0].slice(basePath.length)
    const collection = /^\/(Users|Groups)\/?$/.exec(path)
    const kind = (m: RegExpExecArray | null) => (m?.[1] === 'Groups' ? 'Group' : 'User') as 'User' | 'Group'

    // Never two in a row: a target that stops answering ends the run (rightly), and this mode is about the lookup.
    if (mode === 'uncertain-lookalike' && method === 'POST' && collection && !state.dropped && lie()) {
      // The create happens, but its answer never arrives.
      await forward(req, body)
      state.lies++
      state.dropped = true
      req.socket.destroy()
      return
    }
    state.dropped = false
    const a = await forward(req, body)
    const got = json(a)
    let out = a
    if (method === 'POST' && collection && a.status === 201 && got?.id) {
      const k = kind(collection)
      // Only those still there: cleanup deletes each scenario's resources when it ends.
      const previous = ownCreated.filter((o) => o.kind === k && (k === 'User' ? store.getUser(o.id) : store.getGroup(o.id)))
      ownCreated.push({ kind: k, id: got.id })
      if (mode === 'post-answers-foreign' && lie()) {
        const r = foreign(k)
        out = withBody(a, r, { location: locationOf(r) })
      } else if (mode === 'post-answers-own-other' && previous.length && lie()) {
        const other = pick(previous)
        const r = (k === 'User' ? store.getUser(other.id) : store.getGroup(other.id)) as Record<string, unknown> | undefined
        if (r) out = withBody(a, r, { location: locationOf(r) })
      } else if (mode === 'ids-that-are-not-segments' && lie()) {
        out = withBody(a, { ...got, id: pick(['.', '..']) })
      } else if (mode === 'location-foreign' && lie()) {
        out = withBody(a, got, { location: locationOf(foreign(k)) })
      }
    } else if ((method === 'PUT' || method === 'PATCH') && /^\/(Users|Groups)\/[^/]+$/.test(path) && a.status < 300 && got?.id && mode === 'write-answers-foreign' && lie()) {
      out = withBody(a, foreign(path.startsWith('/Groups') ? 'Group' : 'User'))
    } else if (mode === 'search-bulk-create-foreign' && method === 'POST' && /\/\.search$/.test(path) && lie()) {
      const r = foreign(path.startsWith('/Groups') ? 'Group' : 'User')
      out = { ...withBody(a, r, { location: locationOf(r) }), status: 201 }
    } else if (mode === 'search-bulk-create-foreign' && method === 'POST' && /^\/Bulk\/?$/.test(path) && Array.isArray(got?.Operations) && lie()) {
      for (const op of got.Operations) if (String(op.method).toUpperCase() === 'POST' && typeof op.location === 'string') op.location = locationOf(foreign(/\/Groups\//.test(op.location) ? 'Group' : 'User'))
      out = withBody(a, got)
    } else if (mode === 'uncertain-lookalike' && method === 'GET' && collection && /filter=/.test(req.url ?? '') && Array.isArray(got?.Resources)) {
      // The lookup ignores its filter and lists every foreign resource too (look-alikes named like the tool's own).
      const theirs = (kind(collection) === 'User' ? seeded.users.map((id) => store.getUser(id)) : seeded.groups.map((id) => store.getGroup(id))).filter(Boolean)
      got.Resources = [...theirs, ...got.Resources]
      got.totalResults = got.Resources.length
      state.lies++
      out = withBody(a, got)
    } else if (mode === 'foreign-in-lists-then-404') {
      const item = /^\/(Users|Groups)\/([^/]+)$/.exec(path)
      const id = item ? decodeURIComponent(item[2]) : undefined
      if (method === 'GET' && id && [...seeded.users, ...seeded.groups].includes(id)) {
        state.lies++
        out = { status: 404, headers: { 'content-type': 'application/scim+json' }, body: Buffer.from(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'not found' })) }
      } else if (method === 'GET' && collection && Array.isArray(got?.Resources) && lie()) {
        got.Resources = [...got.Resources, foreign(kind(collection))]
        out = withBody(a, got)
      } else if (method === 'GET' && item?.[1] === 'Groups' && got && Array.isArray(got.members) && lie()) {
        got.members = [...got.members, { value: pick(seeded.users), type: 'User' }]
        out = withBody(a, got)
      }
    }
    if (out !== a && !(mode === 'uncertain-lookalike')) state.lies++
    res.writeHead(out.status, { ...out.headers, 'content-length': String(out.body.length) })
    res.end(out.body)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({ method: req.method ?? '', target: req.url ?? '', body: body.toString('utf8'), at: Date.now() })
      handle(req, res, body).catch(() => {
        if (!res.headersSent) res.writeHead(502)
        res.end()
      })
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    get lies() {
      return state.lies
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
