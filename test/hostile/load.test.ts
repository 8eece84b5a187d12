import { afterEach, describe, expect, it } from 'vitest'
import { broken, expectBounded, report, runArgs, runCli, SPAWNS } from './cli.js'
import { startForeign, startHostile, type HostileServer } from './server.js'

/** A server under load or in trouble, and one that sends the run elsewhere: bounded waits, prompt ends, no token abroad. */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'

let server: HostileServer | undefined
let foreign: Awaited<ReturnType<typeof startForeign>> | undefined
afterEach(async () => {
  await server?.close()
  await foreign?.close()
  server = undefined
  foreign = undefined
})

describe('rate limiting (429 with Retry-After)', SPAWNS, () => {
  it('is honoured, as IdPs do: the request is sent again after the wait, and the report says so', async () => {
    server = await startHostile('rate-limit-once')
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection'], 2000))
    expectBounded(r, 10_000, [0, 1])
    const [first, again] = server.requests
    expect(again.method).toBe(first.method)
    expect(again.target).toBe(first.target)
    const info = report(r).results.filter((x) => x.id === 'transport.rate-limit')
    expect(info.map((x) => x.status)).toEqual(['info'])
    expect(info[0].message).toMatch(/waited 1000 ms as Retry-After asked/)
    expect(broken(report(r)).filter((x) => x.id.startsWith('transport.'))).toEqual([])
  })

  it('on every request: waited out a few times only, then reported, and the run ends promptly', async () => {
    server = await startHostile('rate-limit-forever')
    const r = await runCli(runArgs(server.url, [], 2000))
    expectBounded(r, 10_000, [1])
    const limited = broken(report(r)).filter((x) => x.id === 'transport.rate-limit')
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0].message).toMatch(/still 429 after 2 retries/)
    // Only the first request was waited out (twice, a second each); the storm was not waited out again and again.
    const waits = server.requests.filter((q, i) => i > 0 && q.at - server!.requests[i - 1].at >= 900)
    expect(waits.length).toBe(2)
    const [first, second, third] = server.requests
    expect([second.target, third.target]).toEqual([first.target, first.target])
  })

  it('asking for an hour: not waited for, reported at once', async () => {
    server = await startHostile('rate-limit-long')
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection'], 2000))
    expectBounded(r, 5000, [1])
    expect(broken(report(r)).some((x) => x.id === 'transport.rate-limit' && /Retry-After asks for 3600 s, more than scim-check waits/.test(x.message))).toBe(true)
  })
})

describe('a server in trouble', SPAWNS, () => {
  it('503 on every request: no retries, the run ends promptly with results', async () => {
    server = await startHostile('unavailable')
    const r = await runCli(runArgs(server.url, ['--idp', 'all'], 2000))
    expectBounded(r, 10_000, [1])
    expect(broken(report(r)).length).toBeGreaterThan(0)
    // No waiting and resending: a 503 is reported as it is (IdPs document retries for 429 only).
    expect(server.requests.filter((q, i) => i > 0 && q.at - server!.requests[i - 1].at >= 900)).toEqual([])
  })

  it('500 on every write: the run ends promptly with results naming the failed steps', async () => {
    server = await startHostile('write-500')
    const r = await runCli(runArgs(server.url, ['--idp', 'all', '--scenario', 'create', '--scenario', LIFECYCLE], 2000))
    expectBounded(r, 10_000, [1])
    const failed = broken(report(r))
    expect(failed.some((x) => /answered 500/.test(x.message))).toBe(true)
  })
})

describe('a redirect to another origin', SPAWNS, () => {
  it('is reported, not followed: the other origin never receives the token (nor any request)', async () => {
    foreign = await startForeign()
    server = await startHostile('redirect', { foreign: foreign.url })
    const r = await runCli(runArgs(server.url, ['--idp', 'all'], 2000))
    expectBounded(r, 10_000, [1])
    expect(foreign.requests).toEqual([])
    const redirected = broken(report(r)).filter((x) => x.id === 'transport.no-redirect')
    expect(redirected.length).toBeGreaterThan(0)
    expect(redirected[0].message).toMatch(/was redirected \(307\) to http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/\S+ \(another origin: the token was not sent there\)/)
    expect(redirected[0].message).toMatch(/point --url at the final address/)
  })
})
