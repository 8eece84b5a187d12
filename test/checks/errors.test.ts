import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/errors.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, findings, finder, listBody, statuses, verdict } from './support.js'
import { failing as failingOf, runFiles } from './rfc-run.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const err = (status: number, body: unknown = errorBody(status), over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/Users/nope', status, body, ...over })

describe('ambient error checks on crafted exchanges', () => {
  it('errors.schema: a SCIM Error passes; a bare JSON or HTML error fails; 401s and unknown routes are left to their own checks', () => {
    const c = check('errors.schema')
    expect(verdict(c, err(404))).toBe('pass')
    expect(verdict(c, err(404, { status: '404', detail: 'gone' }))).toBe('fail')
    expect(verdict(c, err(500, '<html>oops</html>'))).toBe('fail')
    expect(findings(c, err(401, ''))).toEqual([])
    expect(findings(c, err(404, '<html/>', { path: '/nowhere' }))).toEqual([])
    expect(verdict(c, err(405, '', { method: 'DELETE', path: '/nowhere' }))).toBe('fail')
    expect(findings(c, exchange({ path: '/Users/u', body: { id: 'u' } }))).toEqual([])
  })

  it('errors.schema reports one line per route, not per resource id', () => {
    const c = check('errors.schema')
    const a = findings(c, err(404, {}, { path: '/Users/a' }))[0].message
    const b = findings(c, err(404, {}, { path: '/Users/b' }))[0].message
    expect(a).toBe('404 response to GET /Users/{id} has no SCIM Error body')
    expect(b).toBe(a)
  })

  it('errors.status-string and status-match: "404" on a 404 passes; 404 (number) and "400" on a 404 fail', () => {
    expect(verdict(check('errors.status-string'), err(404))).toBe('pass')
    expect(verdict(check('errors.status-string'), err(404, { ...errorBody(404), status: 404 }))).toBe('fail')
    expect(verdict(check('errors.status-string'), err(404, { schemas: errorBody(404).schemas }))).toBe('fail')
    expect(verdict(check('errors.status-match'), err(404, { ...errorBody(404), status: 404 }))).toBe('pass')
    expect(verdict(check('errors.status-match'), err(404, { ...errorBody(404), status: '400' }))).toBe('fail')
  })

  it('errors.scimtype-valid: Table 9 keywords pass; others warn; RFC 9865 keywords only where cursor paging is advertised', () => {
    const c = check('errors.scimtype-valid')
    expect(verdict(c, err(400, errorBody(400, 'invalidFilter')))).toBe('pass')
    expect(verdict(c, err(400, errorBody(400, 'invalidRequest')))).toBe('warn')
    expect(verdict(c, err(400, errorBody(400, 'invalidCursor')))).toBe('warn')
    expect(verdict(c, err(400, errorBody(400, 'invalidCursor')), { discovery: { spc: { pagination: { cursor: true } } } })).toBe('pass')
    expect(findings(c, err(404))).toEqual([])
  })

  it('errors.detail-type: a string passes; an object is recorded (OPTIONAL: info, never a failure)', () => {
    const c = check('errors.detail-type')
    expect(verdict(c, err(404))).toBe('pass')
    expect(verdict(c, err(404, { ...errorBody(404), detail: { message: 'x' } }))).toBe('info')
  })

  it('errors.content-type: application/scim+json passes; application/json warns', () => {
    const c = check('errors.content-type')
    expect(verdict(c, err(404))).toBe('pass')
    expect(verdict(c, err(404, errorBody(404), { headers: { 'content-type': 'application/json' } }))).toBe('warn')
  })

  it('errors.no-5xx: 500 warns; 501 (an unsupported operation, RFC 7644 Table 8) does not', () => {
    const c = check('errors.no-5xx')
    expect(verdict(c, err(500))).toBe('warn')
    expect(verdict(c, err(503))).toBe('warn')
    expect(verdict(c, err(501, errorBody(501), { method: 'PATCH' }))).toBe('pass')
  })
})

describe('error probes on crafted exchanges', () => {
  it('errors.unknown-id-404: 404 passes; 400 or 200 fails', () => {
    const c = check('errors.unknown-id-404')
    expect(verdict(c, err(404))).toBe('pass')
    expect(verdict(c, err(400, errorBody(400, 'invalidValue')))).toBe('fail')
    expect(verdict(c, err(200, listBody([])))).toBe('fail')
  })

  it('errors.unknown-endpoint-404: 404 with an Error passes; a framework 404 page or a 200 warns', () => {
    const c = check('errors.unknown-endpoint-404')
    expect(verdict(c, err(404, errorBody(404), { path: '/scimcheckNoSuchEndpoint' }))).toBe('pass')
    expect(verdict(c, err(404, 'Cannot GET /scimcheckNoSuchEndpoint', { path: '/scimcheckNoSuchEndpoint' }))).toBe('warn')
    expect(verdict(c, err(200, { ok: true }, { path: '/scimcheckNoSuchEndpoint' }))).toBe('warn')
  })

  it('errors.malformed-json: 400 invalidSyntax passes; another scimType warns (400 is still right); 500 and 201 fail', () => {
    const c = check('errors.malformed-json')
    const post = (status: number, body: unknown) => exchange({ method: 'POST', path: '/Users', status, body })
    expect(statuses(c, post(400, errorBody(400, 'invalidSyntax')))).toEqual(['pass'])
    expect(statuses(c, post(400, errorBody(400)))).toEqual(['pass', 'warn'])
    expect(verdict(c, post(500, errorBody(500)))).toBe('fail')
    expect(verdict(c, post(201, { schemas: [USER], id: 'x' }))).toBe('fail')
  })

  it('errors.wrong-type: 400 invalidValue or invalidSyntax passes; another scimType warns; a 500 fails', () => {
    const c = check('errors.wrong-type')
    const post = (status: number, body: unknown) => exchange({ method: 'POST', path: '/Users', status, body })
    expect(verdict(c, post(400, errorBody(400, 'invalidValue')))).toBe('pass')
    expect(verdict(c, post(400, errorBody(400, 'invalidSyntax')))).toBe('pass')
    expect(statuses(c, post(400, errorBody(400, 'uniqueness')))).toEqual(['pass', 'warn'])
    expect(verdict(c, post(500, errorBody(500)))).toBe('fail')
  })

  it('errors.wrong-type: a value accepted and converted is info; stored with the wrong type fails', () => {
    const c = check('errors.wrong-type')
    const post = (status: number, body: unknown, requestBody: unknown) => exchange({ method: 'POST', path: '/Users', status, body, requestBody })
    const sent = { schemas: [USER], userName: 42 }
    expect(statuses(c, post(201, { schemas: [USER], id: 'x', userName: '42' }, sent))).toEqual(['info'])
    expect(statuses(c, post(201, { schemas: [USER], id: 'x', userName: 'u', active: true }, { ...sent, userName: 'u', active: 'yes' }))).toEqual(['info'])
    expect(statuses(c, post(201, { schemas: [USER], id: 'x', userName: 42 }, sent))).toEqual(['fail'])
    expect(statuses(c, post(201, { schemas: [USER], id: 'x', userName: 'u', active: 'yes' }, { ...sent, userName: 'u', active: 'yes' }))).toEqual(['fail'])
  })

  it('errors.method-not-allowed: 405 with Allow or 501 passes; 405 without Allow fails (RFC 7231 MUST); 404 or 204 is recorded (method_not_allowed_404_no_false_positive)', () => {
    const c = check('errors.method-not-allowed')
    const del = (status: number, headers: Record<string, string> = {}) => exchange({ method: 'DELETE', path: '/ServiceProviderConfig', status, headers, body: status === 204 ? undefined : errorBody(status) })
    expect(verdict(c, del(405, { allow: 'GET' }))).toBe('pass')
    expect(verdict(c, del(501))).toBe('pass')
    expect(verdict(c, del(405))).toBe('fail')
    expect(verdict(c, del(404))).toBe('info')
    expect(verdict(c, del(204))).toBe('info')
  })
})

describe('rfc-errors against the built-in server', () => {
  const files = ['scenarios/rfc/errors.yaml', 'scenarios/rfc/errors-write.yaml']
  const failing = (r: Awaited<ReturnType<typeof runFiles>>) => failingOf(r, (x) => `${x.id}:${x.status}`)

  it('is green on the reference server and its variants', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'discovery-auth']]) {
      const r = await runFiles(files, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      for (const id of ['errors.unknown-id-404', 'errors.unknown-endpoint-404', 'errors.malformed-json', 'errors.wrong-type', 'errors.method-not-allowed', 'discovery.read-only', 'errors.schema', 'errors.status-string', 'errors.status-match', 'errors.scimtype-valid', 'errors.detail-type', 'errors.content-type', 'errors.no-5xx']) expect(passed, id).toContain(id)
    }
  })

  it('fails on Error bodies that misstate status or scimType, and on missing Allow headers', async () => {
    const r = await runFiles(files, { builtinFaults: ['error-status-mismatch', 'unknown-scimtype', 'no-allow-header', 'unknown-id-400'] })
    expect(failing(r)).toEqual(['errors.malformed-json:warn', 'errors.method-not-allowed:fail', 'errors.scimtype-valid:warn', 'errors.status-match:fail', 'errors.unknown-id-404:fail', 'errors.wrong-type:warn'])
  })

  it('fails on a crash on bad JSON and on writable discovery', async () => {
    const r = await runFiles(files, { builtinFaults: ['malformed-json-500', 'discovery-writes-accepted'] })
    expect(failing(r)).toEqual(['discovery.read-only:fail', 'errors.malformed-json:fail', 'errors.no-5xx:warn'])
  })

  it('errors.wrong-type: no false alarm on coerced types (userName 42 stored as "42" is a choice the RFC leaves open)', async () => {
    const r = await runFiles(files, { builtinFaults: ['lenient-types'] })
    expect(failing(r)).toEqual([])
    expect(r.results.filter((x) => x.id === 'errors.wrong-type').map((x) => x.status)).toEqual(['info', 'info'])
  })

  it('fails on error bodies without the Error schema, with a numeric status, or as HTML', async () => {
    expect(failing(await runFiles(files, { builtinFaults: ['no-error-schema'] }))).toEqual(['errors.schema:fail', 'errors.unknown-endpoint-404:warn'])
    expect(failing(await runFiles(files, { builtinFaults: ['error-status-number'] }))).toEqual(['errors.status-string:fail'])
    expect(failing(await runFiles(files, { builtinFaults: ['html-errors'] }))).toEqual(expect.arrayContaining(['errors.content-type:warn', 'errors.schema:fail', 'media.json-object:fail']))
  })
})
