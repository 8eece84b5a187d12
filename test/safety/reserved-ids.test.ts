import { describe, expect, it } from 'vitest'
import { PROFILE_NAMES } from '../../src/idp/registry.js'
import { run } from '../../src/runner/run.js'
import { segment, UnsafeSegment } from '../../src/idp/wire.js'
import { startServer } from '../../src/server/index.js'
import { config, problems } from '../helpers/run.js'

/**
 * A correct server may hand out any id (RFC 7643 §3.1 asks only that it be unique): the variant
 * ids-with-reserved-chars gives ids holding '/', '?', '#', '%', a space and 'é'. Every request of every profile,
 * cleanup included, must address exactly the resource meant: each id one percent-encoded path segment.
 */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'
const SHAPE = /^[ug]\/\d+\?a#b c%2Fé-[0-9a-f]{8}$/

describe('ids with reserved characters', () => {
  it('are percent-encoded in every request, cleanup included, and the run is green', async () => {
    const server = await startServer({ port: 0, quiet: true, variants: ['ids-with-reserved-chars'] })
    try {
      const all = await run(config({ url: server.url, token: server.token, idps: ['all'] }))
      const life = await run(config({ url: server.url, token: server.token, idps: ['all'], scenarios: [LIFECYCLE] }))
      for (const r of [all, life]) {
        expect(problems(r)).toEqual([])
        expect(r.leftovers).toEqual([])
        expect(new Set(r.results.map((x) => x.idp))).toEqual(new Set(PROFILE_NAMES))
      }
      // Cleanup deleted everything: its DELETEs reached the very resources the run created.
      expect(server.store.listUsers()).toEqual([])
      expect(server.store.listGroups()).toEqual([])

      // Each request's target exactly as it went on the wire.
      const requests = [...all.exchanges, ...life.exchanges].filter((x) => x.response).map((x) => ({ method: x.request.method, target: requestTarget(x.request.url) }))
      const base = new URL(server.url).pathname.replace(/\/+$/, '')
      const addressed = requests.filter((q) => /^\/(Users|Groups)\/(?!\.search)[^?]+/.test(q.target.slice(base.length)))
      expect(addressed.length).toBeGreaterThan(100)
      for (const q of addressed) {
        expect(q.target, `${q.method} ${q.target}`).not.toMatch(/[# é]/)
        const path = q.target.slice(base.length).split('?')[0]
        const segs = path.split('/').filter(Boolean)
        expect(segs.length, `${q.method} ${q.target}`).toBe(2)
        const id = decodeURIComponent(segs[1])
        // The catalogue's probes of unknown ids use ids of their own; every other id is one the server handed out.
        if (/^[ug]%2F/.test(segs[1])) expect(id, `${q.method} ${q.target}`).toMatch(SHAPE)
      }
      const deletes = [...all.exchanges, ...life.exchanges].filter((x) => x.step === 'cleanup' && x.request.method === 'DELETE')
      expect(deletes.length).toBeGreaterThan(0)
      for (const x of deletes) expect(decodeURIComponent(new URL(x.request.url).pathname.split('/').pop()!)).toMatch(SHAPE)
    } finally {
      await server.close()
    }
  }, 120_000)

  it('a value that cannot be one path segment is refused, never sent', () => {
    for (const bad of ['', '.', '..', 'a\nb', 'x'.repeat(2000), undefined]) expect(() => segment(bad), JSON.stringify(bad)).toThrow(UnsafeSegment)
    expect(segment('a/b')).toBe('a%2Fb')
    expect(segment('a?b')).toBe('a%3Fb')
    expect(segment('a#b')).toBe('a%23b')
    expect(segment('a b')).toBe('a%20b')
    expect(segment('é')).toBe('%C3%A9')
  })
})

function requestTarget(url: string): string {
  const u = new URL(url)
  return u.pathname + u.search
}
