import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/media.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, findings, finder, listBody, verdict } from './support.js'
import { failing as failingOf, runFiles } from './rfc-run.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const list = listBody([])
const get = (over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/Users?count=1', body: list, ...over })
const post = (contentType: string, status: number, body: unknown = { schemas: [USER], id: 'u', userName: 'u' }) =>
  exchange({ method: 'POST', path: '/Users', status, requestHeaders: { 'content-type': contentType }, requestBody: { schemas: [USER], userName: 'u' }, body })
const withoutAccept = (over: Parameters<typeof exchange>[0] = {}) => {
  const x = get(over)
  delete x.request.headers.accept
  return x
}

describe('media checks on crafted exchanges', () => {
  it('media.json-object: JSON objects and empty 204s pass; HTML, arrays and truncated bodies do not', () => {
    const c = check('media.json-object')
    expect(verdict(c, get())).toBe('pass')
    expect(findings(c, exchange({ method: 'DELETE', path: '/Users/u', status: 204 }))).toEqual([])
    expect(verdict(c, get({ status: 404, body: '<html><body>Not found</body></html>', headers: { 'content-type': 'text/html' } }))).toBe('fail')
    expect(verdict(c, get({ body: [1, 2] }))).toBe('fail')
    const big = get()
    big.response!.truncated = true
    big.response!.parseError = 'body larger than the cap'
    expect(verdict(c, big)).toBe('skip')
  })

  it('media.response-type: application/scim+json with a charset passes; application/json warns; errors are left to errors.content-type', () => {
    const c = check('media.response-type')
    expect(verdict(c, get({ headers: { 'content-type': 'application/scim+json; charset=utf-8' } }))).toBe('pass')
    expect(verdict(c, get({ headers: { 'content-type': 'application/json' } }))).toBe('warn')
    expect(findings(c, get({ status: 404, body: errorBody(404), headers: { 'content-type': 'application/json' } }))).toEqual([])
  })

  it('media.accept-scim: a JSON 2xx passes; 406 fails; a probe sent with another Accept is not judged', () => {
    const c = check('media.accept-scim')
    expect(verdict(c, get())).toBe('pass')
    expect(verdict(c, get({ status: 406, body: errorBody(406) }))).toBe('fail')
    expect(verdict(c, get({ body: '<html></html>', headers: { 'content-type': 'text/html' } }))).toBe('fail')
    expect(verdict(c, get({ requestHeaders: { accept: 'application/json' } }))).toBe('skip')
  })

  it('media.accept-json: a JSON 2xx passes; 406 warns', () => {
    const c = check('media.accept-json')
    expect(verdict(c, get({ requestHeaders: { accept: 'application/json' } }))).toBe('pass')
    expect(verdict(c, get({ requestHeaders: { accept: 'application/json' }, status: 406, body: errorBody(406) }))).toBe('warn')
  })

  it('media.accept-absent: judged only on a request without Accept (a request that sent one is skipped, never passed)', () => {
    const c = check('media.accept-absent')
    expect(verdict(c, get())).toBe('skip')
    expect(verdict(c, withoutAccept())).toBe('pass')
    expect(verdict(c, withoutAccept({ status: 406, body: errorBody(406) }))).toBe('warn')
  })

  it('media.request-scim / request-json / request-charset: 2xx passes; 415 fails or warns; a 406 is the Accept check’s, not theirs', () => {
    expect(verdict(check('media.request-scim'), post('application/scim+json', 201))).toBe('pass')
    expect(verdict(check('media.request-scim'), post('application/scim+json', 415, errorBody(415)))).toBe('fail')
    expect(verdict(check('media.request-scim'), post('application/scim+json', 406, errorBody(406)))).toBe('skip')
    expect(verdict(check('media.request-scim'), post('application/json', 201))).toBe('skip')
    expect(verdict(check('media.request-json'), post('application/json', 201))).toBe('pass')
    expect(verdict(check('media.request-json'), post('application/json', 415, errorBody(415)))).toBe('warn')
    expect(verdict(check('media.request-charset'), post('application/scim+json; charset=utf-8', 201))).toBe('pass')
    expect(verdict(check('media.request-charset'), post('application/scim+json; charset=utf-8', 415, errorBody(415)))).toBe('warn')
    expect(verdict(check('media.request-charset'), post('application/scim+json', 201))).toBe('skip')
  })

  it('media.utf8: the same code points pass; "?" for "ë" fails; a 415 is the media-type check’s', () => {
    const c = check('media.utf8')
    const args = { givenName: 'Zoë', familyName: 'Ångström-李' }
    const user = (givenName: string, familyName: string) => exchange({ path: '/Users/u', body: { schemas: [USER], id: 'u', userName: 'u', name: { givenName, familyName } } })
    expect(verdict(c, user('Zoë', 'Ångström-李'), { args })).toBe('pass')
    const broken = findings(c, user('Zo?', 'Ångström-李'), { args })
    expect(broken).toMatchObject([{ ok: false, message: 'Non-ASCII value not preserved: sent "Zoë", got "Zo?"' }])
    // NFD is a different sequence of code points: not "the same code points".
    expect(verdict(c, user('Zoë'.normalize('NFD'), 'Ångström-李'), { args })).toBe('fail')
    expect(verdict(c, post('application/scim+json', 415, errorBody(415)), { args })).toBe('skip')
    expect(verdict(c, post('application/scim+json', 400, errorBody(400, 'invalidValue')), { args })).toBe('fail')
  })

  it('transport.tls: plain http on loopback is info, elsewhere a warning; https is not tested (skip, never pass)', () => {
    const c = check('transport.tls')
    expect(verdict(c, get(), { baseUrl: 'http://127.0.0.1:8080/scim/v2/' })).toBe('info')
    expect(verdict(c, get(), { baseUrl: 'http://localhost/scim/' })).toBe('info')
    expect(verdict(c, get(), { baseUrl: 'http://scim.example.com/scim/v2/' })).toBe('warn')
    expect(verdict(c, get(), { baseUrl: 'https://scim.example.com/scim/v2/' })).toBe('skip')
  })

  it('transport.base-uri: a base URL with a query string fails', () => {
    const c = check('transport.base-uri')
    expect(verdict(c, get(), { baseUrl: 'https://scim.example.com/scim/v2/' })).toBe('pass')
    expect(verdict(c, get(), { baseUrl: 'https://scim.example.com/scim/v2?tenant=7/' })).toBe('fail')
  })

  it('query.unknown-param: 200 ListResponse passes; 400 warns; a 406 is not its finding', () => {
    const c = check('query.unknown-param')
    expect(verdict(c, get())).toBe('pass')
    expect(verdict(c, get({ status: 400, body: errorBody(400, 'invalidSyntax') }))).toBe('warn')
    expect(verdict(c, get({ body: { id: 'x' } }))).toBe('warn')
    expect(verdict(c, get({ status: 406, body: errorBody(406) }))).toBe('skip')
  })
})

describe('rfc-media against the built-in server', () => {
  const files = ['scenarios/rfc/media.yaml', 'scenarios/rfc/media-write.yaml']
  const failing = (r: Awaited<ReturnType<typeof runFiles>>) => failingOf(r, (x) => `${x.id}:${x.status}`)

  it('is green on the reference server and its variants', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag']]) {
      const r = await runFiles(files, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      const judged = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      for (const id of ['media.accept-scim', 'media.accept-json', 'query.unknown-param', 'media.request-scim', 'media.request-json', 'media.request-charset', 'media.utf8', 'transport.base-uri', 'media.json-object', 'media.response-type']) expect(judged, id).toContain(id)
    }
  })

  it('fails on faults that refuse media types or mangle characters', async () => {
    const r = await runFiles(files, { builtinFaults: ['accept-json-refused', 'charset-refused', 'unknown-param-rejected', 'utf8-mangled', 'wrong-content-type'] })
    // wrong-content-type also relabels the error responses the other faults cause: errors.content-type's finding.
    expect(failing(r)).toEqual(['errors.content-type:warn', 'media.accept-json:warn', 'media.request-charset:warn', 'media.response-type:warn', 'media.utf8:fail', 'query.unknown-param:warn'])
  })

  it('names the media type the server refuses, once', async () => {
    expect(failing(await runFiles(files, { builtinFaults: ['accept-scim-refused'] }))).toEqual(['media.accept-scim:fail'])
    expect(failing(await runFiles(files, { builtinFaults: ['scim-content-type-refused'] }))).toEqual(['media.request-scim:fail'])
  })
})
