import { describe, expect, it } from 'vitest'
import { recordRun, type Sent } from '../helpers/recording.js'
import { runBuiltin } from '../helpers/run.js'

/**
 * Whole flows on the wire: under every IdP profile each POST /Users the IdP sends follows that IdP's own lookup of
 * the same user (the request just before it, from the same step), across the full built-in run.
 */

const IDPS = ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping']

const userNameOf = (r: Sent) => (JSON.parse(r.body) as { userName?: string }).userName

describe('lookup before every create', () => {
  it.each(IDPS)('%s looks each user up right before creating it', async (idp) => {
    const rec = await recordRun({ idp })
    // JumpCloud's connection test creates its test user outright: it documents no lookup there (JC-DOC).
    const posts = rec.sent.map((r, i) => [r, i] as const).filter(([r]) => r.method === 'POST' && /\/Users$/.test(r.target) && r.action !== 'testConnection')
    expect(posts.length).toBeGreaterThan(5)
    for (const [post, i] of posts) {
      const before = rec.sent[i - 1]
      const userName = userNameOf(post)
      expect(before?.method, `${post.scenario}/${post.step}: POST /Users without a lookup before it`).toBe('GET')
      expect(before.step).toBe(post.step)
      expect(decodeURIComponent(before.target.replace(/\+/g, ' '))).toContain(`"${userName}"`)
    }
  })

  it('a user the lookup finds is linked, not created again: no second POST, the step says why', async () => {
    const rec = await recordRun({ idp: 'okta', scenarios: ['create'] })
    expect(rec.sent.filter((r) => r.method === 'POST').length).toBe(1)
    const linked = rec.report.results.find((r) => r.id === 'idp.okta.lookup-before-create' && r.status === 'skip')
    expect(linked?.message).toMatch(/Okta's lookup found .* so Okta links that user instead of creating it; no POST is sent/)
  })

  it('a server that ignores the filter fails the flow once per create, and no create goes out', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['group-sync'], builtinFaults: ['ignore-filter'] })
    const failed = report.results.filter((r) => r.id === 'idp.entra.lookup-before-create' && r.status === 'fail')
    expect(failed.length).toBeGreaterThan(0)
    expect(failed[0].message).toMatch(/none of them that user .* Entra would link a stranger's account/)
    expect(report.exchanges.filter((x) => x.request.method === 'POST' && /\/Users$/.test(x.request.url) && !x.purpose).length).toBe(1)
  })

  it('is quiet on the built-in server', async () => {
    const report = await runBuiltin({ idps: IDPS, scenarios: ['create', 'rehire'] })
    const flow = report.results.filter((r) => r.id.endsWith('.lookup-before-create'))
    expect(flow.length).toBeGreaterThan(0)
    expect(flow.filter((r) => r.status !== 'pass' && r.status !== 'skip')).toEqual([])
  })
})
