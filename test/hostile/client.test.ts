import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/http/client.js'
import type { Exchange } from '../../src/http/exchange.js'
import { Redactor } from '../../src/http/redact.js'
import { Retention } from '../../src/http/retention.js'
import { RetryGate, retryAfterMs } from '../../src/http/retry.js'

/** The client's own guards, on a loopback server: retries, origin and path refusals, redaction, body retention. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

function client(url: string, over: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({ baseUrl: url, token: 'client-test-token-123', timeoutMs: 2000, maxBodyBytes: 1 << 20, maxJsonDepth: 64, redactor: new Redactor(), ...over })
}

const labels = { scenario: 's', idp: 'generic' }

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates; anything else is unusable', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs(' 0 ')).toBe(0)
    expect(retryAfterMs(new Date(Date.now() + 2000).toUTCString())).toBeGreaterThan(0)
    expect(retryAfterMs(undefined)).toBeUndefined()
    expect(retryAfterMs('-1')).toBeUndefined()
    expect(retryAfterMs('1.5')).toBeUndefined()
    expect(retryAfterMs('soon')).toBeUndefined()
  })

  it('waits within the caps, then stops for the rest of the storm until the server recovers', () => {
    const gate = new RetryGate({ maxRetries: 2, maxWaitMs: 5000, budgetMs: 8000 })
    expect(gate.decide('1', 0)).toEqual({ wait: 1000 })
    expect(gate.decide('9', 0)).toEqual({ stop: expect.stringMatching(/more than scim-check waits/) })
    expect(gate.decide(undefined, 0)).toEqual({ stop: 'no Retry-After header' })
    expect(gate.decide('1', 2)).toEqual({ stop: 'still 429 after 2 retries' })
    expect(gate.decide('1', 0)).toEqual({ stop: expect.stringMatching(/no longer waits/) })
    gate.recovered()
    gate.waited(7500)
    expect(gate.decide('1', 0)).toEqual({ stop: expect.stringMatching(/already waited 7\.5 s/) })
  })

  it('a retried request is its own exchange, pointing at the one it repeats', async () => {
    let n = 0
    const s = await serve((_req, res) => {
      if (n++ === 0) return void res.writeHead(429, { 'retry-after': '0' }).end()
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{"ok":true}')
    })
    const c = client(s.url)
    try {
      const x = await c.send({ method: 'GET', path: '/Users' }, labels)
      expect(x.response?.status).toBe(200)
      expect(x.retry).toEqual({ of: 0, attempt: 1, waitedMs: 0 })
      expect(c.exchanges.map((e) => e.response?.status)).toEqual([429, 200])
    } finally {
      await c.close()
      await s.close()
    }
  })
})

describe('where requests may go', () => {
  it('never sends the token to another origin, and never follows a redirect', async () => {
    const s = await serve((_req, res) => res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' }).end())
    const c = client(s.url)
    try {
      const abroad = await c.send({ method: 'GET', path: 'http://127.0.0.1:9/scim/v2/Users/1' }, labels)
      expect(abroad.error?.code).toBe('other-origin')
      expect(abroad.response).toBeUndefined()
      const redirected = await c.send({ method: 'GET', path: '/Users' }, labels)
      expect(redirected.response?.status).toBe(307)
      expect(c.exchanges).toHaveLength(2)
    } finally {
      await c.close()
      await s.close()
    }
  })

  it('builds every relative path under the base URL, a path that looks like a scheme included, with the query as given', () => {
    const c = client('http://127.0.0.1:9/scim/v2')
    // Resolved as a URL reference, "https:elsewhere.example" would name another host (and so another origin).
    expect(c.resolve({ method: 'GET', path: 'https:elsewhere.example/Users' }).href).toBe('http://127.0.0.1:9/scim/v2/https:elsewhere.example/Users')
    expect(c.resolve({ method: 'GET', path: '//elsewhere.example/Users' }).origin).toBe('http://127.0.0.1:9')
    expect(c.resolve({ method: 'GET', path: '/scim/v2/Groups/7' }).href).toBe('http://127.0.0.1:9/scim/v2/Groups/7')
    expect(c.resolve({ method: 'GET', path: '/Users', query: { filter: 'userName eq "a b+c@example.com"', count: 1, skip: undefined } }).search).toBe('?filter=userName%20eq%20%22a%20b%2Bc%40example.com%22&count=1')
    expect(c.resolve({ method: 'GET', path: '/Users?startIndex=1', query: { count: 2 } }).search).toBe('?startIndex=1&count=2')
    expect(c.resolve({ method: 'PUT', path: '/Users/7?' }).href).toBe('http://127.0.0.1:9/scim/v2/Users/7?')
    c.destroy()
  })

  it('refuses "." and ".." path segments, encoded or not, before anything is sent', async () => {
    const seen: string[] = []
    const s = await serve((req, res) => {
      seen.push(req.url ?? '')
      res.writeHead(204).end()
    })
    const c = client(s.url)
    try {
      for (const path of ['/Users/..', '/Users/%2e%2E', '/Users/.', '/Users/../Groups', '/Users/.%2e?x=1']) {
        expect((await c.send({ method: 'DELETE', path }, labels)).error?.code, path).toBe('refused-dot-segment')
      }
      expect((await c.send({ method: 'DELETE', path: '/Users/a..b' }, labels)).response?.status).toBe(204)
      expect(seen).toEqual(['/scim/v2/Users/a..b'])
    } finally {
      await c.close()
      await s.close()
    }
  })
})

describe('capture', () => {
  it('keeps a body as received when nothing in it is secret, and redacts in place when something is', async () => {
    const s = await serve((req, res) => {
      // Secret keys in any spelling: upper case, and a Kelvin sign that lower-cases to the k of "token".
      const body = req.url?.endsWith('/secret') ? '{"id":"1","password":"hunter2","note":"client-test-token-123","Client_Secret":"s3","to\u212Aen":"t0"}' : '{ "id" : "1",\n  "userName": "a" }'
      res.writeHead(200, { 'content-type': 'application/scim+json' }).end(body)
    })
    const c = client(s.url)
    try {
      const plain = await c.send({ method: 'GET', path: '/Users/plain' }, labels)
      expect(plain.response?.body).toBe('{ "id" : "1",\n  "userName": "a" }')
      const secret = await c.send({ method: 'GET', path: '/Users/secret' }, labels)
      expect(secret.response?.body).not.toMatch(/hunter2|client-test-token-123/)
      expect(secret.response?.json).toEqual({ id: '1', password: '[REDACTED]', note: '[REDACTED]', Client_Secret: '[REDACTED]', 'to\u212Aen': '[REDACTED]' })
    } finally {
      await c.close()
      await s.close()
    }
  })

  it('reads past an informational answer, joins repeated headers, stops at the body cap and at the deadline', async () => {
    const s = await serve((req, res) => {
      if (req.url?.endsWith('/hints')) {
        res.writeEarlyHints({ link: '</Schemas>; rel=preload' })
        res.setHeader('content-type', 'application/scim+json')
        res.setHeader('x-seen', ['one', 'two'])
        return void res.writeHead(200).end('{"id":"1"}')
      }
      if (req.url?.endsWith('/big')) return void res.writeHead(200, { 'content-type': 'application/scim+json' }).end(`{"pad":"${'x'.repeat(4096)}"}`)
      // Headers at once, then nothing: only the whole-exchange deadline ends it.
      res.writeHead(200, { 'content-type': 'application/scim+json' }).write('{"id":')
    })
    const c = client(s.url, { maxBodyBytes: 1024, timeoutMs: 300 })
    try {
      const hints = await c.send({ method: 'GET', path: '/Users/hints' }, labels)
      expect(hints.response?.status).toBe(200)
      expect(hints.response?.headers['x-seen']).toBe('one, two')
      expect(hints.response?.json).toEqual({ id: '1' })
      const big = await c.send({ method: 'GET', path: '/Users/big' }, labels)
      expect(big.response?.truncated).toBe(true)
      expect(big.response?.parseError).toMatch(/larger than 1024 bytes/)
      expect(big.response?.body.length).toBeLessThanOrEqual(1024)
      const t = Date.now()
      const stuck = await c.send({ method: 'GET', path: '/Users/stuck' }, labels)
      expect(stuck.error?.code).toBe('timeout')
      expect(Date.now() - t).toBeLessThan(2000)
      // The connection dropped after a truncated or timed-out answer is replaced: the next request still works.
      expect((await c.send({ method: 'GET', path: '/Users/hints' }, labels)).response?.status).toBe(200)
    } finally {
      c.destroy()
      await s.close()
    }
  })

  it('cuts the oldest large bodies nobody points at, keeps pinned and recent ones whole', () => {
    const big = (index: number): Exchange => ({
      index,
      request: { method: 'GET', url: 'http://x/scim/v2/Users', headers: {} },
      response: { status: 200, headers: {}, body: `{"Resources":[${'"x",'.repeat(5000)}"y"]}`, json: { Resources: [] } },
      startedAt: '',
      durationMs: 0,
      scenario: 's',
      idp: 'generic',
    })
    const r = new Retention({ keepAll: false, budget: 350_000 })
    const xs = Array.from({ length: 12 }, (_, i) => big(i))
    r.pin(1)
    for (const x of xs) r.add(x)
    const whole = xs.filter((x) => x.response!.omitted === undefined).map((x) => x.index)
    expect(whole).toContain(1)
    expect(whole).toEqual(expect.arrayContaining([10, 11]))
    const cut = xs.find((x) => x.index === 0)!.response!
    expect(cut.omitted).toBeGreaterThan(20_000)
    expect(cut.body.length).toBe(2048)
    expect(cut.json).toBeUndefined()

    const all = new Retention({ keepAll: true, budget: 0 })
    const kept = Array.from({ length: 5 }, (_, i) => big(i))
    for (const x of kept) all.add(x)
    expect(kept.every((x) => x.response!.omitted === undefined)).toBe(true)
  })
})
