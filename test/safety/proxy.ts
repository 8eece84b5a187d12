import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A recording proxy in front of a SCIM server: every request is recorded (method, raw target, body) and
 * forwarded unchanged. `latencyMs` makes the peer a little slower, as real tenants are, so that a test can
 * interrupt a run in the middle rather than racing its end.
 */
export interface Seen {
  method: string
  target: string
  body: string
  at: number
}

export interface Proxy {
  url: string
  requests: Seen[]
  close(): Promise<void>
}

export async function startProxy(upstreamUrl: string, opts: { latencyMs?: number } = {}): Promise<Proxy> {
  const base = new URL(upstreamUrl)
  const requests: Seen[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({ method: req.method ?? '', target: req.url ?? '', body: body.toString('utf8'), at: Date.now() })
      const forward = () => {
        const up = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host } }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers)
          upRes.pipe(res)
        })
        up.on('error', () => {
          if (!res.headersSent) res.writeHead(502)
          res.end()
        })
        up.end(body)
      }
      if (opts.latencyMs) setTimeout(forward, opts.latencyMs)
      else forward()
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Poll a condition until it holds (never a fixed sleep): rejects after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}
