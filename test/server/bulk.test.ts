import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, start, URN_GROUP, URN_USER, type Json } from './helpers.js'

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest'
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse'

describe('POST /Bulk', () => {
  let server: RunningServer
  let c: Client
  const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => c.post('/Bulk', { schemas: [BULK_REQUEST], Operations, ...extra })

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('creates a user and reports method, bulkId, location, version and a string status', async () => {
    const r = await bulk([{ method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [URN_USER], userName: 'bulk-u1' } }])
    expect(r.status).toBe(200)
    expect(r.json.schemas).toEqual([BULK_RESPONSE])
    const op = r.json.Operations[0]
    expect(op).toMatchObject({ method: 'POST', bulkId: 'b1', status: '201' })
    expect(op.location).toMatch(new RegExp(`^${server.url}/Users/`))
    expect(op.version).toMatch(/^W\//)
    expect((await c.get(op.location)).json.userName).toBe('bulk-u1')
  })

  it('resolves bulkId references in either order', async () => {
    const forward = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'u', data: { userName: 'bulk-ref-1' } },
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [URN_GROUP], displayName: 'bulk-ref-group-1', members: [{ type: 'User', value: 'bulkId:u' }] } },
    ])
    const userId = forward.json.Operations[0].location.split('/').pop()
    const group = await c.get(forward.json.Operations[1].location)
    expect(group.json.members.map((m: Json) => m.value)).toEqual([userId])

    const reverse = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'g2', data: { displayName: 'bulk-ref-group-2', members: [{ value: 'bulkId:u2' }] } },
      { method: 'POST', path: '/Users', bulkId: 'u2', data: { userName: 'bulk-ref-2' } },
    ])
    expect(reverse.json.Operations.map((o: Json) => o.status)).toEqual(['201', '201'])
    expect(reverse.json.Operations[0].bulkId).toBe('g2')
    const g2 = await c.get(reverse.json.Operations[0].location)
    expect(g2.json.members[0].value).toBe(reverse.json.Operations[1].location.split('/').pop())
  })

  it('answers circular references with 409', async () => {
    const r = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'a', data: { displayName: 'bulk-circ-a', members: [{ value: 'bulkId:b' }] } },
      { method: 'POST', path: '/Groups', bulkId: 'b', data: { displayName: 'bulk-circ-b', members: [{ value: 'bulkId:a' }] } },
    ])
    expect(r.json.Operations.map((o: Json) => o.status)).toEqual(['409', '409'])
  })

  it('reports a failed operation with a SCIM Error and no location, and continues', async () => {
    const r = await bulk([
      { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [URN_USER] } },
      { method: 'POST', path: '/Users', bulkId: 'good', data: { userName: 'bulk-after-error' } },
    ])
    const [bad, good] = r.json.Operations
    expect(bad.status).toBe('400')
    expect(bad.location).toBeUndefined()
    expect(bad.response).toMatchObject({ status: '400', scimType: 'invalidValue' })
    expect(good.status).toBe('201')
  })

  it('stops after failOnErrors errors', async () => {
    const r = await bulk(
      [
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [URN_USER] } },
        { method: 'POST', path: '/Users', bulkId: 'skipped', data: { userName: 'bulk-skipped' } },
      ],
      { failOnErrors: 1 },
    )
    expect(r.json.Operations).toHaveLength(1)
    expect(server.store.findUserByUserName('bulk-skipped')).toBeUndefined()
  })

  it('runs PUT, PATCH and DELETE operations', async () => {
    const u = await c.createUser('bulk-methods')
    const r = await bulk([
      { method: 'PUT', path: `/Users/${u.id}`, data: { userName: 'bulk-methods', title: 'put' } },
      { method: 'PATCH', path: `/Users/${u.id}`, data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'nickName', value: 'n' }] } },
    ])
    expect(r.json.Operations.map((o: Json) => o.status)).toEqual(['200', '200'])
    expect((await c.get(`/Users/${u.id}`)).json).toMatchObject({ title: 'put', nickName: 'n' })
    const d = await bulk([{ method: 'DELETE', path: `/Users/${u.id}` }])
    expect(d.json.Operations[0]).toMatchObject({ method: 'DELETE', status: '204', location: `${server.url}/Users/${u.id}` })
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404)
    const stale = await bulk([{ method: 'DELETE', path: `/Users/${u.id}` }])
    expect(stale.json.Operations[0].status).toBe('404')
  })

  it('refuses more than maxOperations with 413 and executes nothing', async () => {
    const ops = Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: '/Users/00000000-0000-4000-8000-000000000000' }))
    const r = await bulk(ops)
    expect(r.status).toBe(413)
    expect(r.json.detail).toContain('1000')
  })

  it('refuses a payload above maxPayloadSize with 413', async () => {
    const r = await bulk([{ method: 'POST', path: '/Users', bulkId: 'big', data: { userName: 'bulk-big', nickName: 'x'.repeat(1_100_000) } }])
    expect(r.status).toBe(413)
    expect(r.json.detail).toContain('1048576')
    expect(server.store.findUserByUserName('bulk-big')).toBeUndefined()
  })

  it('rejects malformed bulk requests', async () => {
    expect((await bulk([])).json.scimType).toBe('invalidSyntax')
    const r = await bulk([{ method: 'GET', path: '/Users' }])
    expect(r.json.Operations[0].status).toBe('400')
    const wrongPath = await bulk([{ method: 'POST', path: '/Schemas', data: {} }])
    expect(wrongPath.json.Operations[0].status).toBe('400')
  })
})
