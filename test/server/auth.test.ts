import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { Client, start, URN_ERROR } from './helpers.js'

describe('authentication', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start({ token: 'auth-test-token' }))
  })
  afterAll(() => server.close())

  it('uses the configured token and exposes it', () => {
    expect(server.token).toBe('auth-test-token')
  })

  it('answers a request without credentials with 401, a Bearer challenge and a SCIM Error', async () => {
    const anon = new Client(server, null)
    const r = await anon.get('/Users?count=1')
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="scim-check"')
    expect(r.headers.get('content-type')).toBe('application/scim+json; charset=utf-8')
    expect(r.json.schemas).toEqual([URN_ERROR])
    expect(r.json.status).toBe('401')
    expect(typeof r.json.detail).toBe('string')
    expect(r.json.scimType).toBeUndefined()
  })

  it('adds error="invalid_token" for a wrong token', async () => {
    const r = await new Client(server, 'scimcheck-invalid-xyz').get('/Users?count=1')
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="scim-check", error="invalid_token"')
    expect(r.json.status).toBe('401')
  })

  it('treats another scheme (Basic) as missing credentials', async () => {
    const r = await c.get('/Users', { Authorization: 'Basic dXNlcjpwYXNz' })
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="scim-check"')
  })

  it('accepts the bearer scheme case-insensitively', async () => {
    const r = await c.get('/Users?count=1', { Authorization: `bearer ${server.token}` })
    expect(r.status).toBe(200)
  })

  it('refuses unauthenticated writes and does not create anything', async () => {
    const anon = new Client(server, null)
    const r = await anon.post('/Users', { userName: 'anon-write' })
    expect(r.status).toBe(401)
    const d = await anon.del('/Users/00000000-0000-4000-8000-000000000000')
    expect(d.status).toBe(401)
    expect(server.store.findUserByUserName('anon-write')).toBeUndefined()
  })

  it('serves discovery endpoints without credentials', async () => {
    const anon = new Client(server, null)
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User']) {
      expect((await anon.get(path)).status, path).toBe(200)
    }
  })
})

describe('token rotation', () => {
  it('rotateToken() makes the old token fail with 401 and the new one work', async () => {
    const { server, c } = await start()
    try {
      expect(server.token).toBe('scim-check-demo-token')
      expect((await c.get('/Users')).status).toBe(200)
      const fresh = server.rotateToken()
      expect(fresh).not.toBe('scim-check-demo-token')
      expect(server.token).toBe(fresh)
      const old = await c.get('/Users')
      expect(old.status).toBe(401)
      expect(old.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect((await new Client(server, fresh).get('/Users')).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('POST /_admin/rotate-token rotates with the current token and returns the new one', async () => {
    const { server } = await start({ token: 'admin-old' })
    try {
      const origin = new URL(server.url).origin
      const unauth = await fetch(`${origin}/_admin/rotate-token`, { method: 'POST' })
      expect(unauth.status).toBe(401)
      const wrong = await fetch(`${origin}/_admin/rotate-token`, { method: 'POST', headers: { Authorization: 'Bearer nope' } })
      expect(wrong.status).toBe(401)
      const get = await fetch(`${origin}/_admin/rotate-token`, { headers: { Authorization: 'Bearer admin-old' } })
      expect(get.status).toBe(405)
      expect(get.headers.get('allow')).toBe('POST')

      const r = await fetch(`${origin}/_admin/rotate-token`, { method: 'POST', headers: { Authorization: 'Bearer admin-old' } })
      expect(r.status).toBe(200)
      const { token } = (await r.json()) as { token: string }
      expect(token).toBe(server.token)
      expect(token).not.toBe('admin-old')
      expect((await new Client(server, 'admin-old').get('/Users')).status).toBe(401)
      expect((await new Client(server, token).get('/Users')).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('startServer options', () => {
  it('rejects unknown faults with a one-line message listing the valid names', async () => {
    await expect(startServer({ quiet: true, faults: ['no-such-fault'] })).rejects.toThrow(/Unknown fault "no-such-fault"; valid faults: .*wrong-content-type/)
    const err = await startServer({ quiet: true, faults: ['nope'] }).catch((e: Error) => e)
    expect((err as Error).message.split('\n')).toHaveLength(1)
  })

  it('rejects unknown variants the same way', async () => {
    await expect(startServer({ quiet: true, variants: ['json-media-type'] })).rejects.toThrow(/Unknown variant "json-media-type"; valid variants: .*patch-204/)
  })

  it('honours basePath and answers 404 SCIM errors outside it', async () => {
    const { server, c } = await start({ basePath: 'api/scim/' })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/scim$/)
      expect((await c.get('/Users')).status).toBe(200)
      const outside = await fetch(`${new URL(server.url).origin}/elsewhere`)
      expect(outside.status).toBe(404)
      expect(((await outside.json()) as { status: string }).status).toBe('404')
    } finally {
      await server.close()
    }
  })

  it('closes promptly even with an idle keep-alive connection', async () => {
    const { server, c } = await start()
    await c.get('/Users')
    const t = Date.now()
    await server.close()
    expect(Date.now() - t).toBeLessThan(1000)
    await server.close() // idempotent
  })
})
