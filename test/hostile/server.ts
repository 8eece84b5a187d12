import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { MiniScim, error, type Reply } from './mini-scim.js'

/**
 * The hostile test server: a loopback server with exactly one misbehaviour per mode. Modes that need a working
 * SCIM service around the misbehaviour (odd ids, foreign Locations, a walk that never ends, 500 on writes) serve
 * MiniScim and bend it in one place. Every request is recorded, so tests can assert what the run sent.
 */
export const MODES = [
  // the connection
  'ok',
  'silent',
  'headers-only',
  'trickle',
  'reset-mid-body',
  'close-before-headers',
  'goes-silent',
  // the body
  'html-200',
  'invalid-json',
  'json-not-object',
  'wrong-shape-nulls',
  'wrong-shape-strings',
  'wrong-shape-objects',
  'wrong-shape-items',
  'invalid-utf8',
  'huge-body',
  'deep-json',
  // the data
  'endless-pages',
  'foreign-location',
  'weird-ids',
  // load
  'rate-limit-once',
  'rate-limit-forever',
  'rate-limit-long',
  'unavailable',
  'write-500',
  // where it answers
  'redirect',
  // cleanup
  'delete-hangs',
  'delete-unsupported',
] as const
export type Mode = (typeof MODES)[number]

export interface Recorded {
  method: string
  /** The request target exactly as received: path and raw query. */
  target: string
  /** The Authorization header, if any (tests assert where it went, never print it). */
  authorization?: string
  body: string
  /** When it arrived (ms since the epoch). */
  at: number
}

export interface HostileServer {
  /** SCIM base URL, e.g. http://127.0.0.1:4100/scim/v2 */
  url: string
  port: number
  requests: Recorded[]
  scim: MiniScim
  close(): Promise<void>
}

export interface HostileOptions {
  /** Where foreign-location and redirect point (another origin). */
  foreign?: string
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer }
}

const BASE = '/scim/v2'
const JSON_TYPE = 'application/scim+json'
export const HUGE_BYTES = 40 * 1024 * 1024
export const DEEP_LEVELS = 100_000
/** goes-silent answers this many requests, then none. */
export const SILENT_AFTER = 6

/**
 * Ids that must be percent-encoded to stay inside one path segment ('/', '?', '#', '&', spaces, a literal '%2F',
 * non-ASCII), and every second resource made an id that cannot be put in a path at all: "..".
 */
const weirdId = (n: number) => (n % 2 === 0 ? '..' : `${n}/a?b=c&d#e f%2Fü日本`)

export async function startHostile(mode: Mode, opts: HostileOptions = {}): Promise<HostileServer> {
  const requests: Recorded[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let origin = ''
  const scim = new MiniScim({
    locationBase: () => (mode === 'foreign-location' ? `${opts.foreign}` : `${origin}${BASE}`),
    newId: mode === 'weird-ids' ? (_kind, n) => weirdId(n) : undefined,
  })
  let served = 0
  let rateLimited = false

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => undefined)
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? '', target: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() })
      served++
      respond(req, res, body)
    })
  }

  const respond = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const method = req.method ?? 'GET'
    switch (mode) {
      case 'silent':
        return
      case 'goes-silent':
        if (served > SILENT_AFTER) return
        break
      case 'close-before-headers':
        req.socket.destroy()
        return
      case 'headers-only':
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': '100' })
        res.flushHeaders()
        return
      case 'trickle': {
        const payload = Buffer.from(JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], patch: { supported: true } }))
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(payload.length) })
        let i = 0
        const t = setInterval(() => {
          if (i >= payload.length || res.destroyed) {
            clearInterval(t)
            timers.delete(t)
            if (!res.destroyed) res.end()
            return
          }
          res.write(payload.subarray(i, ++i))
        }, 1000)
        timers.add(t)
        return
      }
      case 'reset-mid-body':
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': '10000' })
        res.write('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"')
        setImmediate(() => req.socket.resetAndDestroy())
        return
      case 'html-200':
        return send(res, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><head><title>Sign in</title></head><body><form action="/login">Sign in to continue</form></body></html>' })
      case 'invalid-json':
        return send(res, { status: 200, body: '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1, "Resources": [{"id": "1",' })
      case 'json-not-object':
        return send(res, { status: 200, body: ['null', '[]', '42', '"a string"', 'true', '[{"id":"1"}]'][served % 6] })
      case 'invalid-utf8': {
        const bytes = Buffer.concat([Buffer.from('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"detail":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","Resources":[]}')])
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(bytes.length) })
        res.end(bytes)
        return
      }
      case 'huge-body':
        return streamHuge(res)
      case 'deep-json':
        return send(res, { status: 200, body: '['.repeat(DEEP_LEVELS) + ']'.repeat(DEEP_LEVELS) })
      case 'unavailable':
        return send(res, { ...error(503, 'Service temporarily unavailable'), headers: {} })
      case 'rate-limit-forever':
        return send(res, { ...error(429, 'Too many requests'), headers: { 'retry-after': '1' } })
      case 'rate-limit-long':
        return send(res, { ...error(429, 'Too many requests'), headers: { 'retry-after': '3600' } })
      case 'rate-limit-once':
        if (!rateLimited) {
          rateLimited = true
          return send(res, { ...error(429, 'Too many requests'), headers: { 'retry-after': '1' } })
        }
        break
      case 'redirect':
        return send(res, { status: 307, headers: { location: `${opts.foreign}${(req.url ?? '').replace(BASE, '')}`, 'content-type': 'text/plain' }, body: 'moved' })
      case 'write-500':
        if (method !== 'GET' && !(req.url ?? '').includes('/.search')) return send(res, error(500, 'Internal server error'))
        break
      case 'delete-hangs':
        if (method === 'DELETE') return
        break
      case 'delete-unsupported':
        if (method === 'DELETE') return send(res, error(405, 'DELETE is not supported: deactivate users instead'))
        break
    }
    const url = new URL(req.url ?? '/', 'http://hostile.invalid')
    if (!url.pathname.startsWith(`${BASE}/`)) return send(res, error(404, 'not a SCIM path'))
    // The raw path after the base, still percent-encoded: ids must arrive as exactly one encoded segment.
    const rawPath = (req.url ?? '').slice(BASE.length).split('?')[0]
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      return send(res, error(400, 'invalid JSON', 'invalidSyntax'))
    }
    if (mode === 'endless-pages' && method === 'GET' && /^\/(Users|Groups)\/?$/.test(rawPath) && !url.searchParams.has('filter')) return send(res, endlessPage(url.searchParams))
    const reply = scim.handle(method, rawPath, url.searchParams, parsed)
    if (mode === 'wrong-shape-nulls' || mode === 'wrong-shape-strings' || mode === 'wrong-shape-objects' || mode === 'wrong-shape-items') reply.body = mangle(reply.body, mode)
    return send(res, reply)
  }

  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler)
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  origin = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  return {
    url: `${origin}${BASE}`,
    port,
    requests,
    scim,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t)
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A second origin that answers 404 to everything and records whether anyone sent it credentials. */
export async function startForeign(): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = []
  const server = createHttpServer((req, res) => {
    req.resume()
    req.on('end', () => {
      requests.push({ method: req.method ?? '', target: req.url ?? '', authorization: req.headers.authorization, body: '', at: Date.now() })
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return
  const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
  const headers = { ...(body ? { 'content-type': JSON_TYPE } : {}), ...reply.headers, 'content-length': String(Buffer.byteLength(body)) }
  res.writeHead(reply.status, headers)
  res.end(body)
}

/** Tens of megabytes of well-formed JSON, written with back-pressure, stopped as soon as the client hangs up. */
function streamHuge(res: ServerResponse): void {
  const item = Buffer.from(`${JSON.stringify({ id: 'x'.repeat(32), userName: 'y'.repeat(200), active: true })},`)
  const head = Buffer.from('{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[')
  const tail = Buffer.from('{}]}')
  const chunk = Buffer.concat(Array.from({ length: Math.floor(65536 / item.length) }, () => item))
  const chunks = Math.floor((HUGE_BYTES - head.length - tail.length) / chunk.length)
  res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': String(head.length + chunks * chunk.length + tail.length) })
  res.write(head)
  let sent = 0
  const pump = () => {
    while (sent < chunks && !res.destroyed) {
      sent++
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end(tail)
  }
  res.on('close', () => (sent = chunks))
  pump()
}

/** A page of a list whose totalResults never runs out: fresh users on every page. */
function endlessPage(q: URLSearchParams): Reply {
  const start = Math.max(1, Number(q.get('startIndex') ?? 1) || 1)
  const count = Math.min(100, Math.max(1, Number(q.get('count') ?? 100) || 100))
  const Resources = Array.from({ length: count }, (_, i) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: `endless-${start + i}`, userName: `endless-${start + i}@example.com`, active: true }))
  return { status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1_000_000_000, startIndex: start, itemsPerPage: count, Resources } }
}

/**
 * JSON of the wrong shape everywhere: every array null (nulls), every number and boolean a string (strings),
 * every array an object keyed by position and `Resources` an object (objects), or every array padded with
 * items of the wrong type: null, a number, a string, a nested array (items).
 */
export function mangle(v: unknown, mode: 'wrong-shape-nulls' | 'wrong-shape-strings' | 'wrong-shape-objects' | 'wrong-shape-items', key = ''): unknown {
  if (Array.isArray(v)) {
    if (mode === 'wrong-shape-nulls') return null
    if (mode === 'wrong-shape-items') return [null, 7, 'x', [], ...v.map((x) => mangle(x, mode))]
    if (mode === 'wrong-shape-objects') return Object.fromEntries(v.map((x, i) => [String(i), mangle(x, mode)]))
    return v.map((x) => mangle(x, mode))
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = mangle(x, mode, k)
    if (mode === 'wrong-shape-objects' && 'id' in out) out.id = { value: out.id }
    return out
  }
  if (mode === 'wrong-shape-strings' && (typeof v === 'number' || typeof v === 'boolean')) return key === 'active' ? (v ? 'yes' : 'no') : String(v)
  return v
}
