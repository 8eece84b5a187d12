import { describe, expect, it } from 'vitest'
import { TargetModel } from '../../src/target/model.js'
import { checks, parseChallenges } from '../../src/checks/auth.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, findings, finder, listBody, verdict } from './support.js'
import { failing as failingOf, runFiles } from './rfc-run.js'

const check = finder(checks)
const SPC = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'x' }] }

/** A request as the auth probes send it: without Authorization, or with the made-up token (redacted, so only the step knows). */
function probe(over: Parameters<typeof exchange>[0] & { credentials?: 'none' | 'token' } = {}) {
  const x = exchange({ path: '/Users?count=1', status: 401, body: errorBody(401), headers: { 'www-authenticate': 'Bearer realm="scim"' }, ...over })
  if (over.credentials !== 'token') delete x.request.headers.authorization
  return x
}
const invalid = { args: { credentials: 'invalid' } }

describe('auth checks on crafted exchanges', () => {
  it('auth.missing-401: 401 passes; 200 fails and says the endpoint is open; an authenticated request is not judged', () => {
    const c = check('auth.missing-401')
    expect(verdict(c, probe())).toBe('pass')
    expect(findings(c, probe({ status: 200, body: listBody([]) }))[0]).toMatchObject({ ok: false, message: 'Request without credentials answered 200: endpoint readable without credentials' })
    expect(verdict(c, probe({ status: 403, body: errorBody(403) }))).toBe('fail')
    expect(verdict(c, probe({ credentials: 'token' }))).toBe('skip')
  })

  it('auth.invalid-401: 401 passes; 200 fails; a request without the made-up token is not judged', () => {
    const c = check('auth.invalid-401')
    expect(verdict(c, probe({ credentials: 'token' }), invalid)).toBe('pass')
    expect(verdict(c, probe({ credentials: 'token', status: 200, body: listBody([]) }), invalid)).toBe('fail')
    expect(verdict(c, probe({ credentials: 'token' }))).toBe('skip')
  })

  it('auth.www-authenticate: a Bearer challenge passes; none fails; invalid_token missing on a bad token warns', () => {
    const c = check('auth.www-authenticate')
    expect(verdict(c, probe())).toBe('pass')
    expect(verdict(c, probe({ headers: { 'www-authenticate': '' } }))).toBe('fail')
    expect(verdict(c, probe({ headers: { 'www-authenticate': 'Basic realm="x"' } }))).toBe('fail')
    expect(verdict(c, probe({ credentials: 'token' }), invalid)).toBe('warn')
    expect(verdict(c, probe({ credentials: 'token', headers: { 'www-authenticate': 'Bearer realm="scim", error="invalid_token"' } }), invalid)).toBe('pass')
    expect(verdict(c, probe({ status: 200, body: listBody([]) }))).toBe('skip')
  })

  it('parses several challenges and quoted parameters (RFC 7235 §2.1)', () => {
    expect(parseChallenges('Basic realm="a, b", Bearer realm="scim", error="invalid_token", error_description="The \\"token\\" expired"')).toEqual({
      schemes: ['Basic', 'Bearer'],
      bearer: { realm: 'scim', error: 'invalid_token', error_description: 'The "token" expired' },
    })
    expect(parseChallenges('Bearer').bearer).toEqual({})
  })

  it('auth.error-body: a SCIM Error with status "401" passes; an empty or HTML body fails', () => {
    const c = check('auth.error-body')
    expect(verdict(c, probe())).toBe('pass')
    expect(verdict(c, probe({ body: '' }))).toBe('fail')
    expect(verdict(c, probe({ body: '<html>401</html>', headers: { 'content-type': 'text/html' } }))).toBe('fail')
    expect(verdict(c, probe({ body: { ...errorBody(401), status: 401 } }))).toBe('fail')
  })

  it('auth.write-rejected: 401 passes; an accepted write fails; the follow-up lookups prove nothing changed', () => {
    const c = check('auth.write-rejected')
    expect(verdict(c, probe({ method: 'POST', path: '/Users' }))).toBe('pass')
    expect(verdict(c, probe({ method: 'POST', path: '/Users', status: 201, body: { id: 'x' } }))).toBe('fail')
    expect(verdict(c, probe({ method: 'DELETE', path: '/Users/x', status: 204, body: undefined }))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users/x', body: { id: 'x' } }), { args: { verify: 'exists' } })).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users/x', status: 404, body: errorBody(404) }), { args: { verify: 'exists' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([]) }), { args: { verify: 'absent' } })).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([{ id: 'x' }]) }), { args: { verify: 'absent' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', status: 400, body: errorBody(400) }), { args: { verify: 'absent' } })).toBe('error')
  })

  it('auth.discovery-public: 200 with authenticationSchemes passes; 401 warns', () => {
    const c = check('auth.discovery-public')
    expect(verdict(c, probe({ path: '/ServiceProviderConfig', status: 200, body: SPC }))).toBe('pass')
    expect(verdict(c, probe({ path: '/ServiceProviderConfig' }))).toBe('warn')
    expect(verdict(c, probe({ path: '/ServiceProviderConfig', status: 200, body: { schemas: SPC.schemas } }))).toBe('warn')
  })

  it('auth_discovery_public_no_false_positive: a 404 is not "requires authentication" unless the token gets the document', () => {
    const c = check('auth.discovery-public')
    const absent = probe({ path: '/ServiceProviderConfig', status: 404, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' } })
    const noSpc = { model: new TargetModel({ spc: { status: 404, withToken: true } }) }
    const [f] = findings(c, absent, { discovery: noSpc })
    expect(f.ok).toBe('skip')
    expect(f.message).not.toContain('requires authentication')
    expect(f.reason).toContain('not found (404) with them')
    // Served with the token but 404 without: hidden from anonymous callers, which is the SHOULD broken.
    const hidden = { model: new TargetModel({ spc: { status: 200, body: SPC, withToken: true } }) }
    expect(verdict(c, absent, { discovery: hidden })).toBe('warn')
  })

  it('auth.forbidden-403: needs a restricted token scim-check has no input for: always skip with a reason, never pass', () => {
    const c = check('auth.forbidden-403')
    expect(findings(c, probe())).toMatchObject([{ ok: 'skip', reason: expect.stringContaining('restricted token') }])
  })
})

describe('rfc-auth against the built-in server', () => {
  const files = ['scenarios/rfc/auth.yaml', 'scenarios/rfc/auth-write.yaml']
  const failing = (r: Awaited<ReturnType<typeof runFiles>>) => failingOf(r, (x) => `${x.step}:${x.id}:${x.status}`)

  it('is green on the reference server', async () => {
    const r = await runFiles(files)
    expect(problems(r)).toEqual([])
    expect(r.results.filter((x) => x.id.startsWith('auth.') && x.status !== 'pass').map((x) => `${x.id}:${x.status}`)).toEqual(['auth.forbidden-403:skip'])
  })

  it('discovery behind the token (variant discovery-auth) is exactly one warning', async () => {
    const r = await runFiles(files, { builtinVariants: ['discovery-auth'] })
    expect(failing(r)).toEqual(['discovery-without-credentials:auth.discovery-public:warn'])
  })

  it('an open endpoint fails every credential check, writes included', async () => {
    const r = await runFiles(files, { builtinFaults: ['auth-disabled'] })
    expect(failing(r)).toEqual([
      'invalid-token:auth.invalid-401:fail',
      'no-credentials:auth.missing-401:fail',
      'nothing-created:auth.write-rejected:fail',
      'target-still-there:auth.write-rejected:fail',
      'unauthenticated-create:auth.write-rejected:fail',
      'unauthenticated-delete:auth.write-rejected:fail',
    ])
  })

  it('401s without a challenge or a SCIM body fail, and a wrong token accepted fails', async () => {
    const r = await runFiles(files, { builtinFaults: ['auth-no-www-authenticate', 'html-errors'] })
    expect(failing(r).filter((x) => x.includes(':auth.'))).toEqual([
      'invalid-token:auth.error-body:fail',
      'invalid-token:auth.www-authenticate:fail',
      'no-credentials:auth.error-body:fail',
      'no-credentials:auth.www-authenticate:fail',
    ])
    expect(failing(await runFiles(files, { builtinFaults: ['auth-200-on-bad-token'] }))).toEqual(['invalid-token:auth.invalid-401:fail'])
  })
})
