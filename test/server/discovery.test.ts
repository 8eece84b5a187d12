import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, start, URN_ENTERPRISE, URN_LIST, URN_SCIMCHECK, URN_USER, type Json } from './helpers.js'

const TYPES = new Set(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex'])
const MUTABILITY = new Set(['readOnly', 'readWrite', 'immutable', 'writeOnly'])
const RETURNED = new Set(['always', 'never', 'default', 'request'])
const UNIQUENESS = new Set(['none', 'server', 'global'])

/** The `schemas.definition-valid` rules, applied recursively. */
function problems(attrs: Json[], path = ''): string[] {
  const out: string[] = []
  for (const a of attrs) {
    const p = `${path}${a.name}`
    if (typeof a.name !== 'string') out.push(`${p}: name`)
    if (!TYPES.has(a.type)) out.push(`${p}: type ${a.type}`)
    for (const k of ['multiValued', 'required', 'caseExact']) if (typeof a[k] !== 'boolean') out.push(`${p}: ${k}`)
    if (!MUTABILITY.has(a.mutability)) out.push(`${p}: mutability`)
    if (!RETURNED.has(a.returned)) out.push(`${p}: returned`)
    if (!UNIQUENESS.has(a.uniqueness)) out.push(`${p}: uniqueness`)
    if (a.referenceTypes && a.type !== 'reference') out.push(`${p}: referenceTypes on ${a.type}`)
    if (a.type === 'complex') {
      if (!Array.isArray(a.subAttributes)) out.push(`${p}: subAttributes`)
      else out.push(...problems(a.subAttributes, `${p}.`))
    }
    for (const [k, v] of Object.entries(a)) if (v === null) out.push(`${p}: ${k} is null`)
  }
  return out
}

describe('discovery', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('serves a complete ServiceProviderConfig', async () => {
    const r = await c.get('/ServiceProviderConfig')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('application/scim+json; charset=utf-8')
    const spc = r.json
    expect(spc.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'])
    expect(spc.patch).toEqual({ supported: true })
    expect(spc.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1048576 })
    expect(spc.filter).toEqual({ supported: true, maxResults: 1000 })
    expect(spc.changePassword).toEqual({ supported: false })
    expect(spc.sort).toEqual({ supported: true })
    expect(spc.etag).toEqual({ supported: true })
    expect(spc.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', name: expect.any(String), description: expect.any(String) })
    expect(spc.Resources).toBeUndefined()
  })

  it('ignores query parameters on /ServiceProviderConfig', async () => {
    const plain = await c.get('/ServiceProviderConfig')
    const q = await c.get('/ServiceProviderConfig?startIndex=3&count=1&sortBy=x')
    expect(q.status).toBe(200)
    expect(q.json).toEqual(plain.json)
  })

  it('lists resource types with resolvable schemas and the custom extension', async () => {
    const r = await c.get('/ResourceTypes')
    expect(r.status).toBe(200)
    expect(r.json.schemas).toEqual([URN_LIST])
    expect(r.json.totalResults).toBe(2)
    const user = r.json.Resources.find((x: Json) => x.name === 'User')
    expect(user).toMatchObject({ id: 'User', endpoint: '/Users', schema: URN_USER, schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'] })
    expect(user.schemaExtensions).toEqual([
      { schema: URN_ENTERPRISE, required: false },
      { schema: URN_SCIMCHECK, required: false },
    ])
    const schemas = await c.get('/Schemas')
    const ids = new Set(schemas.json.Resources.map((s: Json) => s.id))
    for (const rt of r.json.Resources) {
      expect(ids.has(rt.schema)).toBe(true)
      for (const e of rt.schemaExtensions ?? []) expect(ids.has(e.schema)).toBe(true)
      const one = await c.get(`/ResourceTypes/${rt.id}`)
      expect(one.json).toEqual(rt)
    }
  })

  it('serves every schema with valid attribute definitions and no protocol message schemas', async () => {
    const r = await c.get('/Schemas')
    expect(r.status).toBe(200)
    const list: Json[] = r.json.Resources
    expect(list.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        URN_USER,
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        URN_ENTERPRISE,
        URN_SCIMCHECK,
        'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
        'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
        'urn:ietf:params:scim:schemas:core:2.0:Schema',
      ]),
    )
    for (const s of list) {
      expect(s.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema'])
      expect(s.id.startsWith('urn:ietf:params:scim:api:')).toBe(false)
      expect(problems(s.attributes), s.id).toEqual([])
    }
  })

  it('declares the RFC shape of core User attributes and the corrected Group schema', async () => {
    const user = (await c.get(`/Schemas/${URN_USER}`)).json
    const attr = (name: string) => user.attributes.find((a: Json) => a.name === name)
    expect(attr('userName')).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' })
    expect(attr('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' })
    expect(attr('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true })
    const group = (await c.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group')).json
    expect(group.attributes.find((a: Json) => a.name === 'displayName').required).toBe(true)
    const members = group.attributes.find((a: Json) => a.name === 'members')
    expect(members.subAttributes.map((s: Json) => s.name)).toEqual(['value', '$ref', 'type', 'display'])
    const ext = (await c.get(`/Schemas/${URN_SCIMCHECK}`)).json
    const types = Object.fromEntries(ext.attributes.map((a: Json) => [a.name, a.type]))
    expect(types).toMatchObject({ approvalLimit: 'decimal', spendLimit: 'integer', costApprover: 'boolean', approvalTier: 'string' })
    const spcSchema = (await c.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig')).json
    expect(spcSchema.attributes.map((a: Json) => a.name)).toContain('etag')
  })

  it('looks schemas up case-insensitively and answers 404 for unknown ones', async () => {
    expect((await c.get(`/Schemas/${URN_USER.toUpperCase()}`)).json.id).toBe(URN_USER)
    const r = await c.get('/Schemas/urn:example:scimcheck:nope')
    expect(r.status).toBe(404)
    expect(r.json.status).toBe('404')
    expect((await c.get('/ResourceTypes/Nope')).status).toBe(404)
  })

  it('answers a filter on discovery lists with 403', async () => {
    const r = await c.get(`/ResourceTypes?filter=${encodeURIComponent('name eq "scimcheckNoSuchType"')}`)
    expect(r.status).toBe(403)
    expect(r.json.status).toBe('403')
    expect((await c.get(`/Schemas?filter=${encodeURIComponent('id eq "urn:example:none"')}`)).status).toBe(403)
  })

  it('refuses writes to discovery endpoints with 405 and Allow, leaving them unchanged', async () => {
    const before = (await c.get('/Schemas')).json
    for (const [method, path] of [
      ['POST', '/Schemas'],
      ['PUT', '/ResourceTypes/User'],
      ['PATCH', '/ServiceProviderConfig'],
      ['DELETE', `/Schemas/${URN_USER}`],
    ] as const) {
      const r = await c.req(method, path, method === 'DELETE' ? undefined : { schemas: [] })
      expect(r.status, `${method} ${path}`).toBe(405)
      expect(r.headers.get('allow')).toBe('GET')
      expect(r.json.status).toBe('405')
    }
    expect((await c.get('/Schemas')).json).toEqual(before)
  })

  it('answers /Me with 501 and unknown endpoints with a 404 SCIM Error', async () => {
    const me = await c.get('/Me')
    expect(me.status).toBe(501)
    expect(me.json.status).toBe('501')
    const r = await c.get('/scimcheckNoSuchEndpoint')
    expect(r.status).toBe(404)
    expect(r.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error'])
  })
})
