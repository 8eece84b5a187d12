import { describe, expect, it } from 'vitest'
import { problems, runBuiltin } from '../helpers/run.js'

// Every correct variant of the reference server, under every profile: no check may fire. The minimal variant declares
// only the RFC core schemas and few features, so anything scim-check assumed rather than discovered shows up here.
describe('every profile on every correct variant of the built-in server', () => {
  const LONG = 240_000

  it('minimal: green under every profile, and what it does not declare is skipped with the reason', async () => {
    const r = await runBuiltin({ idps: ['all'], builtinVariants: ['minimal'] })
    expect(problems(r)).toEqual([])
    const reasons = r.results.filter((x) => x.status === 'skip').map((x) => x.reason ?? '')
    expect(reasons.some((x) => x.startsWith('the server does not declare the enterprise User extension'))).toBe(true)
    expect(reasons.some((x) => x.startsWith('the server does not declare User.nickName'))).toBe(true)
    expect(reasons.some((x) => x.includes('declares no custom User extension'))).toBe(true)
    // Discovery ran once, as the generic profile's traffic; the other profiles judged the same model.
    const discovery = r.exchanges.filter((x) => x.scenario === 'discovery')
    expect(discovery.map((x) => `${x.idp} ${new URL(x.request.url).pathname.split('/').pop()} ${x.response?.status}`)).toEqual(['generic ServiceProviderConfig 200', 'generic ResourceTypes 200', 'generic Schemas 200'])
  }, LONG)

  it('the other variants together, and discovery behind the token (its one SHOULD warning)', async () => {
    const together = await runBuiltin({ idps: ['all'], builtinVariants: ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort', 'no-bulk', 'no-search', 'remove-unmatched-ok', 'discovery-filter-ignored'] })
    expect(problems(together)).toEqual([])
    const auth = await runBuiltin({ idps: ['all'], builtinVariants: ['discovery-auth'] })
    expect(problems(auth).map((p) => p.replace(/ \[warn\].*/, ''))).toEqual(['generic/rfc-auth/discovery-without-credentials auth.discovery-public'])
  }, LONG)
})

describe('the server’s own custom extension', () => {
  it('is round-tripped on the default server under every profile that sends extensions, and a fault that silently drops it is caught', async () => {
    const ok = await runBuiltin({ idps: ['all'] })
    expect(problems(ok)).toEqual([])
    const roundtrips = ok.results.filter((x) => x.id === 'lifecycle.custom-roundtrip')
    expect(new Set(roundtrips.filter((x) => x.status === 'pass').map((x) => x.idp))).toEqual(new Set(['generic', 'okta', 'entra', 'onelogin', 'ping']))
    expect(roundtrips.find((x) => x.status === 'pass')?.message).toMatch(/custom attributes read back as written/)

    const dropped = await runBuiltin({ idps: ['all'], builtinFaults: ['custom-extension-dropped'] })
    const failed = dropped.results.filter((x) => x.id === 'lifecycle.custom-roundtrip' && x.status === 'fail')
    expect(new Set(failed.map((x) => x.idp))).toEqual(new Set(['generic', 'okta', 'entra', 'onelogin', 'ping']))
    expect(failed[0].message).toContain('urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User')
  }, 240_000)

  it('under an IdP profile alone, discovery is scim-check’s own traffic (purpose discovery) and judges nothing', async () => {
    const r = await runBuiltin({ idps: ['okta'], scenarios: ['custom-attributes'] })
    expect(problems(r)).toEqual([])
    const discovery = r.exchanges.filter((x) => /\/(ServiceProviderConfig|ResourceTypes|Schemas)$/.test(x.request.url))
    expect(discovery.map((x) => x.purpose)).toEqual(['discovery', 'discovery', 'discovery'])
    expect(discovery[0].request.headers['user-agent']).toMatch(/^scim-check\/\S+ \(discovery\)$/)
    expect(r.results.filter((x) => x.scenario === 'discovery')).toEqual([])
    expect(r.results.filter((x) => x.id === 'lifecycle.custom-roundtrip').map((x) => x.status)).toEqual(['pass', 'pass', 'pass'])
  }, 60_000)
})
