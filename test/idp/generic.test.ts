import { describe, expect, it } from 'vitest'
import { LIFECYCLE, pinnedVariant, recordRun } from '../helpers/recording.js'

/**
 * The strict RFC client over the lifecycle scenarios: its traffic pinned against fixtures/idp/generic/, and its
 * RFC-only shapes asserted. (The RFC catalogue's probes in scenarios/rfc/ are pinned by their own tests.)
 */

describe('generic: traffic matches the pinned fixtures', () => {
  it('is green against the reference server and sends exactly the pinned requests', async () => {
    const { pairs, problems } = await pinnedVariant('generic', 'default', {}, LIFECYCLE)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/generic/default/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `generic ${scenario}`).toEqual(expected!.requests)
    }
  }, 60_000)
})

describe('generic sends only what RFC 7644 defines', () => {
  it('discovery first, lower-case ops with a path, JSON booleans, filtered member removal, application/scim+json', async () => {
    const { sent } = await recordRun({ idp: 'generic', scenarios: LIFECYCLE })
    expect(sent.slice(0, 3).map((r) => r.target)).toEqual(['/scim/v2/ServiceProviderConfig', '/scim/v2/ResourceTypes', '/scim/v2/Schemas'])
    for (const r of sent) {
      if (r.body) expect(r.headers['content-type']).toBe('application/scim+json')
      else expect(r.headers['content-type']).toBeUndefined()
      if (r.method !== 'PATCH') continue
      for (const op of JSON.parse(r.body).Operations) {
        expect(op.op).toBe(op.op.toLowerCase())
        expect(typeof op.path).toBe('string')
        if (op.path === 'active') expect(typeof op.value).toBe('boolean')
        if (op.op === 'remove') expect(op.value).toBeUndefined()
      }
    }
    for (const r of sent.filter((x) => x.method === 'POST')) {
      const body = JSON.parse(r.body)
      for (const readOnly of ['id', 'meta', 'groups']) expect(body[readOnly]).toBeUndefined()
    }
    expect(sent.some((r) => r.method === 'DELETE' && /\/Users\//.test(r.target))).toBe(true)
  }, 60_000)
})
