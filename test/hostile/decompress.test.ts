import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { HttpClient } from '../../src/http/client.js'
import { Redactor } from '../../src/http/redact.js'

/**
 * Compressed responses, on a loopback server: Okta asks for gzip,deflate, so the client decodes them, applies the
 * body cap to what the body becomes (a decompression bomb stops at the cap), and names the request when a stream
 * is corrupt instead of reading binary as text.
 */

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const CAP = 64 * 1024
const labels = { scenario: 's', idp: 'okta' }
const LIST = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ id: 'u1', userName: 'ada@example.com' }] })

async function get(encoding: string | undefined, body: Buffer, status = 200) {
  let asked: string | undefined
  const s = await serve((req, res) => {
    asked = req.headers['accept-encoding']
    res.writeHead(status, { 'content-type': 'application/scim+json', ...(encoding ? { 'content-encoding': encoding } : {}) }).end(body)
  })
  const c = new HttpClient({ baseUrl: s.url, token: 't0ken-for-decompress', timeoutMs: 5000, maxBodyBytes: CAP, maxJsonDepth: 64, redactor: new Redactor() })
  try {
    const x = await c.send({ method: 'GET', path: '/Users', rawQuery: 'startIndex=1&count=100', headers: { 'accept-encoding': 'gzip,deflate' } }, labels)
    return { x, asked }
  } finally {
    await c.close()
    await s.close()
  }
}

describe('compressed responses', () => {
  it('decodes gzip, zlib-wrapped deflate and raw deflate into the same JSON', async () => {
    for (const [enc, packed] of [['gzip', gzipSync(LIST)], ['x-gzip', gzipSync(LIST)], ['deflate', deflateSync(LIST)], ['deflate', deflateRawSync(LIST)], ['GZIP', gzipSync(LIST)]] as const) {
      const { x, asked } = await get(enc, packed)
      expect(asked).toBe('gzip,deflate')
      expect(x.error, enc).toBeUndefined()
      expect(x.response?.json, enc).toEqual(JSON.parse(LIST))
      expect(x.response?.body).toBe(LIST)
      expect(x.response?.headers['content-encoding']).toBe(enc)
    }
  })

  it('stops a decompression bomb at the body cap, with a message that says so', async () => {
    // 32 MiB of zeros packs to about 32 KiB of gzip: within the cap on the wire, five hundred times over it inflated.
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(CAP)
    const before = process.memoryUsage().arrayBuffers
    const { x } = await get('gzip', bomb)
    expect(x.error).toBeUndefined()
    expect(x.response?.truncated).toBe(true)
    expect(x.response?.parseError).toMatch(new RegExp(`larger than ${CAP} bytes once decompressed \\(gzip, \\d+ bytes on the wire`))
    expect(x.response?.json).toBeUndefined()
    // Decompression stopped near the cap: nothing like the bomb's full size was ever held.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024)
  })

  it('caps the compressed body on the wire too', async () => {
    const { x } = await get('gzip', Buffer.alloc(CAP + 10, 7))
    expect(x.response?.truncated).toBe(true)
    expect(x.response?.parseError).toMatch(/even before decompression \(gzip\)/)
    expect(x.response?.body).toBe('')
  })

  it('a corrupt or truncated stream is an error naming the request, not a body read as text', async () => {
    const packed = gzipSync(LIST)
    for (const [enc, body] of [['gzip', Buffer.from('this is not gzip at all')], ['gzip', packed.subarray(0, packed.length - 12)], ['deflate', Buffer.from([0xff, 0xff, 0xff, 0xff])]] as const) {
      const { x } = await get(enc, body)
      expect(x.response, enc).toBeUndefined()
      expect(x.error?.code).toBe('decode')
      expect(x.error?.message).toMatch(new RegExp(`^GET /scim/v2/Users\\?startIndex=1&count=100: the 200 response's ${enc} body could not be decompressed`))
    }
  })

  it('a coding it never offered is named as such; an empty body needs no decoding', async () => {
    const { x } = await get('br', Buffer.from('abc'))
    expect(x.error).toEqual({ code: 'decode', message: expect.stringMatching(/GET \/scim\/v2\/Users.*encoded as "br", which scim-check does not decode/) })
    const empty = await get('gzip', Buffer.alloc(0), 204)
    expect(empty.x.error).toBeUndefined()
    expect(empty.x.response?.status).toBe(204)
  })

  it('a plain JSON body under a coding label it never offered ("utf-8") is read as it came, not a dead target', async () => {
    const { x } = await get('utf-8', Buffer.from(LIST))
    expect(x.error).toBeUndefined()
    expect(x.response?.json).toEqual(JSON.parse(LIST))
  })

  it('a plain body is read as before', async () => {
    const { x } = await get(undefined, Buffer.from(LIST))
    expect(x.response?.json).toEqual(JSON.parse(LIST))
  })
})
