import { describe, expect, it } from 'vitest'
import { Ledger } from '../../src/runner/ledger.js'
import type { RequestSpec } from '../../src/http/exchange.js'
import { exchange } from '../helpers/exchange.js'

/**
 * The guard's rules for the catalogue's probes: writes to an id the server said does not exist (PUT never creates,
 * DELETE of an unknown id), to a resource the run deleted (every operation answers 404), and Bulk requests whose
 * bulkId references name resources the same request creates. Anything else stays refused.
 */

const BASE = 'http://127.0.0.1:1/scim/v2'
const url = (path: string) => new URL(`${BASE}${path}`)

function observe(ledger: Ledger, method: string, path: string, status: number, body?: unknown, requestBody?: unknown): void {
  const spec: RequestSpec = { method, path, body: requestBody }
  ledger.observe({ ...exchange({ method, path, status, body, requestBody }) }, spec, url(path))
}
const refuse = (ledger: Ledger, method: string, path: string, body?: unknown) => ledger.refuse({ method, path, body }, url(path))

describe('the ledger and the catalogue probes', () => {
  it('refuses a write to an id nobody asked about, and allows it once a GET of that id answered 404', () => {
    const l = new Ledger()
    expect(refuse(l, 'PUT', '/Users/9f1c')).toMatch(/did not create/)
    observe(l, 'GET', '/Users/9f1c', 404)
    expect(refuse(l, 'PUT', '/Users/9f1c')).toBeUndefined()
    expect(refuse(l, 'DELETE', '/Users/9f1c')).toBeUndefined()
    // The id exists again (someone created it): refused again.
    observe(l, 'GET', '/Users/9f1c', 200, { id: '9f1c' })
    expect(refuse(l, 'PUT', '/Users/9f1c')).toMatch(/did not create/)
  })

  it('a 404 on a sub-path or a list says nothing about a resource', () => {
    const l = new Ledger()
    observe(l, 'GET', '/Users/9f1c/extra', 404)
    expect(refuse(l, 'DELETE', '/Users/9f1c')).toMatch(/did not create/)
  })

  it('takes ownership of what a PUT to an absent id created, so cleanup deletes it', () => {
    const l = new Ledger()
    observe(l, 'GET', '/Users/9f1c', 404)
    observe(l, 'PUT', '/Users/9f1c', 201, { id: '9f1c' })
    expect(l.list().map((o) => o.id)).toEqual(['9f1c'])
  })

  it('lets probes address a resource the run created and deleted, but never one it did not create', () => {
    const l = new Ledger()
    observe(l, 'POST', '/Users', 201, { id: 'u-3' }, { userName: 'scimcheck-x-u3' })
    observe(l, 'DELETE', '/Users/u-3', 204)
    expect(l.list()).toEqual([])
    expect(refuse(l, 'PATCH', '/Users/u-3')).toBeUndefined()
    expect(refuse(l, 'PATCH', '/Users/u-4')).toMatch(/did not create/)
  })

  it('allows group members that are absent ids or bulkId references of the same request, and nothing else', () => {
    const l = new Ledger()
    observe(l, 'POST', '/Groups', 201, { id: 'g-1' }, { displayName: 'scimcheck-x-g' })
    const add = (value: string) => ({ schemas: [], Operations: [{ op: 'add', path: 'members', value: [{ value }] }] })
    expect(refuse(l, 'PATCH', '/Groups/g-1', add('someone'))).toMatch(/into a group/)
    observe(l, 'GET', '/Users/someone', 404)
    expect(refuse(l, 'PATCH', '/Groups/g-1', add('someone'))).toBeUndefined()

    const bulk = (ref: string) => ({
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'b2', data: { userName: 'scimcheck-x-b2' } },
        { method: 'POST', path: '/Groups', bulkId: 'g2', data: { displayName: 'scimcheck-x-g2', members: [{ value: ref }] } },
      ],
    })
    expect(refuse(l, 'POST', '/Bulk', bulk('bulkId:b2'))).toBeUndefined()
    expect(refuse(l, 'POST', '/Bulk', bulk('bulkId:elsewhere'))).toMatch(/refused bulk request/)
  })

  it('holds what a BulkResponse says its POST operations created, to be read back before cleanup deletes it', () => {
    const l = new Ledger()
    const sent = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'b1', data: { userName: 'scimcheck-x-b1' } },
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: 'scimcheck-x-g1' } },
        { method: 'POST', path: '/Users', bulkId: 'b2', data: { userName: 'scimcheck-x-b2' } },
      ],
    }
    const response = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
      Operations: [
        { method: 'POST', bulkId: 'b1', location: `${BASE}/Users/u-9`, status: '201' },
        { method: 'POST', bulkId: 'g1', location: `${BASE}/Groups/g-9`, status: { code: '201' } },
        { method: 'POST', bulkId: 'b2', status: '400' },
        { method: 'PUT', location: `${BASE}/Users/u-8`, status: '200' },
      ],
    }
    observe(l, 'POST', '/Bulk', 200, response, sent)
    expect(l.list().map((o) => `${o.type} ${o.id} ${o.name} ${o.verify}`)).toEqual(['User u-9 scimcheck-x-b1 true', 'Group g-9 scimcheck-x-g1 true'])
    // Known only from a location: no write reaches it before cleanup has read it back as the run's.
    expect(refuse(l, 'PATCH', '/Users/u-9')).toMatch(/only in a Bulk answer/)
  })
})

describe('the ledger follows a resource whose id a write changed', () => {
  it('owns the new id, so cleanup deletes the resource instead of leaving it behind', () => {
    const l = new Ledger()
    observe(l, 'POST', '/Users', 201, { id: 'u-1' }, { userName: 'scimcheck-x-u1' })
    observe(l, 'PUT', '/Users/u-1', 200, { id: 'u-99', userName: 'scimcheck-x-u1' })
    expect(l.list().map((o) => `${o.id} ${o.name}`)).toEqual(['u-99 scimcheck-x-u1'])
    expect(refuse(l, 'DELETE', '/Users/u-99')).toBeUndefined()
  })
})

describe('ownership is proven from the answer', () => {
  const PREFIX = 'scimcheck-run1-'
  const post = (l: Ledger, path: string, sent: Record<string, unknown>, answer: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const x = exchange({ method: 'POST', path, status: 201, body: answer, requestBody: sent })
    Object.assign(x.response!.headers, headers)
    return l.observe(x, { method: 'POST', path, body: sent }, url(path))
  }

  it('owns a create whose answer echoes the run-prefixed userName, compared case-insensitively', () => {
    const l = new Ledger(false, PREFIX)
    expect(post(l, '/Users', { userName: `${PREFIX}a@example.com` }, { id: 'u1', userName: `${PREFIX.toUpperCase()}A@example.com` })).toBeUndefined()
    expect(l.has('u1')).toBe(true)
  })

  it('reports a create answered with another resource, and never writes to it', () => {
    const l = new Ledger(false, PREFIX)
    const f = post(l, '/Users', { userName: `${PREFIX}a@example.com` }, { id: 'theirs', userName: 'ada@example.com' })
    expect(f?.check).toBe('safety.foreign-answer')
    expect(f?.message).toMatch(/^POST \/Users answered with a different resource/)
    expect(f?.expected).toContain(`${PREFIX}a@example.com`)
    expect(f?.actual).toContain('ada@example.com')
    expect(l.has('theirs')).toBe(false)
    expect(refuse(l, 'DELETE', '/Users/theirs')).toMatch(/someone else's/)
    // Even a later 404 does not unlock it, and the name the run sent is looked up by cleanup.
    observe(l, 'GET', '/Users/theirs', 404)
    expect(refuse(l, 'PATCH', '/Users/theirs')).toMatch(/someone else's/)
    expect(l.uncertain.map((u) => u.name)).toEqual([`${PREFIX}a@example.com`])
  })

  it('a different displayName and externalId is another resource; an externalId folded to lower case is a defect, not a stranger', () => {
    const l = new Ledger(false, PREFIX)
    const f = post(l, '/Groups', { displayName: `${PREFIX}g`, externalId: 'ScimCheck-run1-g' }, { id: 'g1', displayName: 'Engineering', externalId: 'ScimCheck-run1-other' })
    expect(f?.check).toBe('safety.foreign-answer')
    expect(post(l, '/Groups', { displayName: `${PREFIX}h`, externalId: 'ScimCheck-run1-h' }, { id: 'g2', displayName: `${PREFIX}h`, externalId: 'scimcheck-run1-h' })).toBeUndefined()
    expect(l.has('g2')).toBe(true)
  })

  it('one echoed run-prefixed value is proof, even when the server rewrote another', () => {
    const l = new Ledger(false, PREFIX)
    expect(post(l, '/Users', { userName: `${PREFIX}a`, externalId: 'ScimCheck-run1-a' }, { id: 'u1', userName: `${PREFIX}a@corp.example`, externalId: 'ScimCheck-run1-a' })).toBeUndefined()
    expect(l.has('u1')).toBe(true)
  })

  it('a Location naming another id than the body is another resource', () => {
    const l = new Ledger(false, PREFIX)
    const f = post(l, '/Users', { userName: `${PREFIX}a` }, { id: 'u1', userName: `${PREFIX}a` }, { location: `${BASE}/Users/theirs` })
    expect(f?.check).toBe('safety.foreign-answer')
    expect(refuse(l, 'DELETE', '/Users/theirs')).toMatch(/someone else's/)
  })

  it('a name without this run\'s prefix proves nothing: the resource is listed for cleanup, never touched', () => {
    const l = new Ledger(false, PREFIX)
    expect(post(l, '/Users', { userName: 'bjensen' }, { id: 'u9', userName: 'bjensen' })).toBeUndefined()
    expect(l.has('u9')).toBe(false)
    expect(l.unproven.map((u) => u.id)).toEqual(['u9'])
  })

  it('follows a re-keyed resource of its own, but never onto someone else\'s id', () => {
    const l = new Ledger(false, PREFIX)
    post(l, '/Users', { userName: `${PREFIX}a` }, { id: 'u1', userName: `${PREFIX}a` })
    observe(l, 'GET', '/Users', 200, { Resources: [{ id: 'theirs', userName: 'ada' }] })
    const moved = l.observe(exchange({ method: 'PUT', path: '/Users/u1', status: 200, body: { id: 'theirs', userName: `${PREFIX}a` } }), { method: 'PUT', path: '/Users/u1', body: { userName: `${PREFIX}a` } }, url('/Users/u1'))
    expect(moved?.check).toBe('safety.write-answered-other')
    expect(l.has('u1')).toBe(true)
    expect(refuse(l, 'PATCH', '/Users/theirs')).toMatch(/someone else's/)
    const other = l.observe(exchange({ method: 'PATCH', path: '/Users/u1', status: 200, body: { id: 'x2', userName: 'ada' } }), { method: 'PATCH', path: '/Users/u1', body: {} }, url('/Users/u1'))
    expect(other?.check).toBe('safety.write-answered-other')
    expect(refuse(l, 'DELETE', '/Users/x2')).toMatch(/someone else's/)
  })

  it('a resource created from a SearchRequest is the run\'s only when it holds the run\'s prefix', () => {
    const l = new Ledger(false, PREFIX)
    const search = (body: Record<string, unknown>) => l.observe(exchange({ method: 'POST', path: '/Users/.search', status: 201, body }), { method: 'POST', path: '/Users/.search', body: {} }, url('/Users/.search'))
    search({ id: 's1', userName: `${PREFIX}s` })
    search({ id: 's2', userName: 'ada' })
    expect(l.has('s1')).toBe(true)
    expect(l.has('s2')).toBe(false)
    expect(l.unproven.map((u) => u.id)).toEqual(['s2'])
  })

  it('refuses any write whose body names a foreign id (member, manager, filter path)', () => {
    const l = new Ledger(false, PREFIX)
    post(l, '/Users', { userName: `${PREFIX}a` }, { id: 'u1', userName: `${PREFIX}a` })
    observe(l, 'GET', '/Users', 200, { Resources: [{ id: 'boss', userName: 'boss' }] })
    expect(refuse(l, 'PATCH', '/Users/u1', { Operations: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: 'boss' }] })).toMatch(/names boss/)
    expect(refuse(l, 'POST', '/Users', { userName: `${PREFIX}b`, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 'boss' } } })).toMatch(/names boss/)
    expect(refuse(l, 'PATCH', '/Users/u1', { Operations: [{ op: 'remove', path: 'emails[value eq "boss"]' }] })).toMatch(/names boss/)
  })
})
