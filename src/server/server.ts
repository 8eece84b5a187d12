// node:http wiring: body reading, the request pipeline, the admin route, and
// prompt shutdown.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { authenticate, bearerToken, DEFAULT_TOKEN, TokenState, unauthorized } from './auth.js'
import { IssuedTokens, OAUTH_TOKEN_PATH, type OAuthOptions } from './oauth.js'
import { ScimError } from './errors.js'
import { activate, type BehaviourDefinition } from './faults.js'
import { DEFAULT_FLAGS, type Flags } from './flags.js'
import { handle } from './handlers.js'
import {
  errorResponse,
  fromScimError,
  isDiscovery,
  routeOf,
  SCIM_MEDIA_TYPE,
  type HookContext,
  type ScimRequest,
  type ScimResponse,
} from './pipeline.js'
import { Store } from './store.js'

export interface ServerOptions {
  /** Default 0 (ephemeral). */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Default '/scim/v2'. */
  basePath?: string
  /** Bearer token; default 'scim-check-demo-token'. */
  token?: string
  /** Named defects, see FAULTS. */
  faults?: string[]
  /** Named correct-but-different behaviours, see VARIANTS. */
  variants?: string[]
  /** When false (the default), one line per request is written to stderr. */
  quiet?: boolean
  /** The OAuth 2.0 token endpoint at /oauth/token (client credentials for the demo client). */
  oauth?: OAuthOptions
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:43121/scim/v2 */
  url: string
  port: number
  /** The currently valid token. */
  readonly token: string
  /** Issues a new token; the old one now gets 401. Returns the new token. */
  rotateToken(): string
  /** The OAuth token endpoint's URL, and every access token it issued. */
  tokenUrl: string
  issuedTokens(): string[]
  /** Direct access for tests: seed and read back resources. */
  store: Store
  /** Closes the server, including keep-alive sockets. */
  close(): Promise<void>
}

const MAX_BODY_BYTES = 10 * 1024 * 1024
export const ADMIN_ROTATE_PATH = '/_admin/rotate-token'

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.pause()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function normalizeBasePath(p: string): string {
  let out = p.trim()
  if (!out.startsWith('/')) out = `/${out}`
  while (out.endsWith('/')) out = out.slice(0, -1)
  return out
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

function writeResponse(res: ServerResponse, r: ScimResponse, method: string): void {
  if (res.destroyed || res.writableEnded) return
  const headers: Record<string, string> = { ...r.headers }
  let payload: Buffer | undefined
  if (r.status !== 204 && r.status !== 304) {
    if (r.text !== undefined) payload = Buffer.from(r.text, 'utf8')
    else if (r.body !== undefined) {
      payload = Buffer.from(JSON.stringify(r.body), 'utf8')
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = SCIM_MEDIA_TYPE
    }
    headers['Content-Length'] = String(payload?.length ?? 0)
  }
  res.writeHead(r.status, headers)
  res.end(method === 'HEAD' ? undefined : payload)
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  // Unknown names reject here, before anything listens.
  const active = activate(opts.faults ?? [], opts.variants ?? [], { ...DEFAULT_FLAGS })
  const flags: Flags = active.flags
  const hooks: BehaviourDefinition[] = active.hooks
  const basePath = normalizeBasePath(opts.basePath ?? '/scim/v2')
  const host = opts.host ?? '127.0.0.1'
  const tokens = new TokenState(opts.token ?? DEFAULT_TOKEN)
  const issued = new IssuedTokens(opts.oauth)
  const store = new Store({ flags })
  const shutdown = new AbortController()
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${line}\n`)
  }

  let defaultAuthority = ''

  const baseFor = (req: IncomingMessage): string => {
    // meta.location and $ref follow the address the client used, so a server
    // reached through another host name or a proxy still hands out working URLs.
    const forwardedHost = req.headers['x-forwarded-host']
    const hostHeader = (typeof forwardedHost === 'string' ? forwardedHost.split(',')[0]!.trim() : undefined) ?? req.headers.host
    const authority = hostHeader && /^[A-Za-z0-9.\-:[\]]+$/.test(hostHeader) ? hostHeader : defaultAuthority
    const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'
    return `${proto}://${authority}${basePath}`
  }

  const pipeline = async (ctx: HookContext): Promise<ScimResponse> => {
    let response: ScimResponse | undefined
    try {
      const publicDiscovery = isDiscovery(ctx.route) && !flags.discoveryAuth && !(flags.schemaDiscoveryAuth && ctx.route.kind !== 'serviceProviderConfig')
      if (!publicDiscovery) {
        const header = ctx.req.headers.authorization
        const result = authenticate(typeof header === 'string' ? header : undefined, tokens, flags, issued)
        if (!result.ok) response = unauthorized(result.reason)
      }
      if (!response) {
        for (const h of hooks) {
          if (!h.before) continue
          const r = await h.before(ctx)
          if (r) {
            response = r
            break
          }
        }
      }
      if (!response) response = await handle(ctx)
    } catch (e) {
      if (e instanceof ScimError) response = fromScimError(e)
      else {
        log(`scim-check server: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
        response = errorResponse(500, 'Internal server error')
      }
    }
    for (const h of hooks) if (h.after) response = await h.after(ctx, response)
    return response
  }

  const admin = (req: IncomingMessage): ScimResponse => {
    if (req.method !== 'POST') return errorResponse(405, 'Use POST to rotate the token', undefined, { Allow: 'POST' })
    const token = bearerToken(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined)
    if (token === undefined) return unauthorized('missing')
    if (!tokens.isCurrent(token)) return unauthorized('invalid')
    const fresh = tokens.rotate()
    return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, body: { token: fresh } }
  }

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now()
    const method = (req.method ?? 'GET').toUpperCase()
    let response: ScimResponse
    let pathname = '/'
    try {
      const url = new URL(req.url ?? '/', 'http://request.invalid')
      pathname = url.pathname
      const lowerPath = pathname.toLowerCase()
      const lowerBase = basePath.toLowerCase()
      if (pathname === ADMIN_ROTATE_PATH) {
        response = admin(req)
      } else if (pathname === OAUTH_TOKEN_PATH) {
        const auth = req.headers.authorization
        response = issued.handle(method, typeof auth === 'string' ? auth : undefined, req.headers['content-type'], await readBody(req, 64 * 1024), `${baseFor(req).slice(0, baseFor(req).length - basePath.length)}${OAUTH_TOKEN_PATH}`)
      } else if (lowerPath !== lowerBase && !lowerPath.startsWith(`${lowerBase}/`) && basePath !== '') {
        response = errorResponse(404, `Not a SCIM endpoint; the SCIM base path is ${basePath}`)
      } else {
        let bodyText = ''
        try {
          bodyText = await readBody(req, MAX_BODY_BYTES)
        } catch (e) {
          if (e instanceof BodyTooLarge) {
            res.setHeader('Connection', 'close')
            writeResponse(res, errorResponse(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`), method)
            return
          }
          throw e
        }
        const text = bodyText.replace(/^\uFEFF/, '')
        const scimReq: ScimRequest = {
          method,
          path: pathname.slice(basePath.length),
          query: url.searchParams,
          target: req.url ?? '/',
          headers: req.headers,
          body: undefined,
          bodyText: text,
          base: baseFor(req),
        }
        if (text.trim() !== '') {
          try {
            scimReq.body = JSON.parse(text)
          } catch (e) {
            scimReq.bodyError = e instanceof Error ? e.message : 'unparsable JSON'
          }
        }
        response = await pipeline({ req: scimReq, route: routeOf(scimReq.path), store, flags, signal: shutdown.signal })
      }
    } catch (e) {
      log(`scim-check server: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
      response = errorResponse(500, 'Internal server error')
    }
    writeResponse(res, response, method)
    log(`${method} ${pathname} ${response.status} ${Date.now() - started}ms`)
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      // Last resort (e.g. a header a fault made invalid): never let one request crash the process.
      log(`scim-check server: could not answer: ${e instanceof Error ? e.message : String(e)}`)
      res.destroy()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })

  const port = (server.address() as AddressInfo).port
  defaultAuthority = `${hostForUrl(host)}:${port}`
  const url = `http://${defaultAuthority}${basePath}`
  store.baseUrl = url

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    get token() {
      return tokens.current
    },
    rotateToken: () => tokens.rotate(),
    tokenUrl: `http://${defaultAuthority}${OAUTH_TOKEN_PATH}`,
    issuedTokens: () => issued.all,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
