import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A recording server: a real loopback HTTP server in front of the reference SCIM server (or any upstream) that
 * records every request exactly as it arrived (method, the raw request target with its query string untouched,
 * headers in arrival order, body bytes) and forwards it unchanged. Tests point a run at it and compare what a
 * profile put on the wire with the pinned fixtures under fixtures/idp/<profile>/.
 */

export interface RecordedRequest {
  method: string
  /** The request target as written on the request line: path plus raw query, never re-encoded. */
  target: string
  /** Header names lower-cased, in arrival order; repeated headers joined with ", ". */
  headers: Record<string, string>
  /** Name/value pairs exactly as received, case and order preserved. */
  rawHeaders: [string, string][]
  /** The body as received (UTF-8), '' when there was none. */
  body: string
}

export interface Upstream {
  /** Base URL, e.g. http://127.0.0.1:4100/scim/v2 */
  url: string
  token?: string
  rotate?: () => string | Promise<string>
  close?: () => Promise<void>
}

export interface RecordingServer {
  /** Base URL to give the run: same path as the upstream's base, on the recorder's port. */
  url: string
  token?: string
  /** Every request received, oldest first (control requests excluded). */
  readonly requests: RecordedRequest[]
  /**
   * A shell command for `--rotate-command`: it asks the recorder to rotate the upstream's token and prints the
   * new one, so token rotation can be exercised through the proxy like with any real target.
   */
  rotateCommand?: string
  clear(): void
  close(): Promise<void>
}

const CONTROL = '/__recorder'

export interface RecordingOptions {
  /** Faults for the built-in reference server (ignored when `upstream` is given). */
  faults?: string[]
  variants?: string[]
  upstream?: Upstream
}

/** Start the reference server (with the given faults) and a recorder in front of it, both on ephemeral ports. */
export async function startRecording(opts: RecordingOptions = {}): Promise<RecordingServer> {
  const upstream = opts.upstream ?? (await referenceServer(opts))
  const base = new URL(upstream.url.replace(/\/+$/, '') + '/')
  const requests: RecordedRequest[] = []

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.url?.startsWith(CONTROL)) return control(req, res)
      requests.push(record(req, body))
      forward(req, body, base, res)
    })
  })

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === `${CONTROL}/rotate` && req.method === 'POST' && upstream.rotate) {
      try {
        const token = await upstream.rotate()
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token)
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end((err as Error).message)
      }
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown recorder control request')
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`
  const rotateUrl = `http://127.0.0.1:${port}${CONTROL}/rotate`
  return {
    url,
    token: upstream.token,
    requests,
    rotateCommand: upstream.rotate
      ? `node -e "fetch('${rotateUrl}',{method:'POST'}).then(async r=>{if(!r.ok)process.exit(1);process.stdout.write(await r.text())})"`
      : undefined,
    clear: () => {
      requests.length = 0
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await upstream.close?.()
    },
  }
}

function record(req: IncomingMessage, body: Buffer): RecordedRequest {
  const rawHeaders: [string, string][] = []
  const headers: Record<string, string> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]]
    rawHeaders.push([name, value])
    const key = name.toLowerCase()
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value
  }
  return { method: req.method ?? '', target: req.url ?? '', headers, rawHeaders, body: body.toString('utf8') }
}

/** Send the request on exactly as received (target untouched), and stream the answer back. */
function forward(req: IncomingMessage, body: Buffer, base: URL, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]
    if (name.toLowerCase() === 'host') continue
    const prior = headers[name]
    headers[name] = prior === undefined ? req.rawHeaders[i + 1] : [...(Array.isArray(prior) ? prior : [prior]), req.rawHeaders[i + 1]]
  }
  headers.host = base.host
  const up = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders as unknown as Record<string, string>)
    upRes.pipe(res)
  })
  up.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
    res.end(`recorder could not reach the upstream: ${err.message}`)
  })
  up.end(body)
}

async function referenceServer(opts: RecordingOptions): Promise<Upstream> {
  const { startServer } = await import('../../src/server/index.js')
  const s = await startServer({ port: 0, faults: opts.faults, variants: opts.variants, quiet: true })
  return { url: s.url, token: s.token, rotate: () => s.rotateToken(), close: () => s.close() }
}
