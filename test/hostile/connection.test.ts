import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT, broken, expectBounded, report, runArgs, runCli, SPAWNS } from './cli.js'
import { SILENT_AFTER, startHostile, type HostileServer, type Mode } from './server.js'

/**
 * Peers that misbehave at the connection: the run must end on its own, quickly, with exit 2 and one line saying
 * why (the target could not be tested), never a hang or a stack trace.
 */
let server: HostileServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function against(mode: Mode, extra: string[] = [], timeoutMs = 400) {
  server = await startHostile(mode)
  return runCli(runArgs(server.url, extra, timeoutMs))
}

describe('a peer that breaks the connection', SPAWNS, () => {
  it('accepts the connection and never answers: exit 2 naming the timeout', async () => {
    const r = await against('silent')
    expectBounded(r, 6000, [2])
    expect(r.stderr).toMatch(/no complete response from 127\.0\.0\.1:\d+ within 400 ms/)
    expect(r.stderr).toMatch(/--timeout/)
  })

  it('sends headers and never finishes the body: exit 2', async () => {
    const r = await against('headers-only')
    expectBounded(r, 6000, [2])
    expect(r.stderr).toMatch(/within 400 ms/)
  })

  it('trickles one byte a second: the deadline covers the whole exchange, not each byte', async () => {
    const r = await against('trickle', [], 1500)
    expectBounded(r, 8000, [2])
    expect(r.stderr).toMatch(/no complete response .* within 1500 ms/)
    // Two requests at most before giving up: the trickle never holds the run for longer than their deadlines.
    expect(server!.requests.length).toBeLessThanOrEqual(2)
  })

  it('resets the connection mid-body: exit 2 naming the reset', async () => {
    const r = await against('reset-mid-body')
    expectBounded(r, 6000, [2])
    expect(r.stderr).toMatch(/closed or reset before the response was complete/)
  })

  it('closes the connection before the headers: exit 2', async () => {
    const r = await against('close-before-headers')
    expectBounded(r, 6000, [2])
    expect(r.stderr).toMatch(/closed or reset/)
  })

  it('stops answering halfway through a run: the run stops after a few unanswered requests, cleans up, and reports', async () => {
    const r = await against('goes-silent', ['--idp', 'generic'], 300)
    expectBounded(r, 10_000)
    expect(r.stdout + r.stderr).toMatch(/stopped answering|no complete response/)
    // After it went silent, the run gave up within a handful of requests (five unanswered in a row, then at most two
    // more per cleanup pass) rather than trying every remaining step of every scenario.
    expect(server!.requests.length).toBeLessThanOrEqual(SILENT_AFTER + 5 + 2 + 2)
  })
})

describe('a target that cannot be reached', SPAWNS, () => {
  it('connection refused: exit 2 at once', async () => {
    const port = await freePort()
    const r = await runCli(runArgs(`http://127.0.0.1:${port}/scim/v2`))
    expectBounded(r, 5000, [2])
    expect(r.stderr).toMatch(/connection refused by 127\.0\.0\.1:\d+/)
  })

  it('a host name that does not resolve: exit 2 naming the host', async () => {
    const r = await runCli(runArgs('http://scim-check-test.invalid/scim/v2', [], 2000))
    expectBounded(r, 8000, [2])
    expect(r.stderr).toMatch(/scim-check-test\.invalid/)
  })
})

describe('TLS with a self-signed certificate', SPAWNS, () => {
  const tls = { key: readFileSync(join(ROOT, 'fixtures/tls/key.pem')), cert: readFileSync(join(ROOT, 'fixtures/tls/cert.pem')) }

  it('is refused with one line that points at --ca and --insecure', async () => {
    server = await startHostile('ok', { tls })
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection']))
    expectBounded(r, 5000, [2])
    expect(r.stderr).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/)
    expect(r.stderr).toMatch(/--ca <file>/)
    expect(r.stderr).toMatch(/--insecure/)
    expect(server.requests).toHaveLength(0)
  })

  it('is accepted with --ca naming the certificate', async () => {
    server = await startHostile('ok', { tls })
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection', '--ca', 'fixtures/tls/cert.pem'], 2000))
    expectBounded(r, 8000, [0, 1])
    expect(server.requests.length).toBeGreaterThan(0)
    expect(broken(report(r)).filter((x) => x.id === 'transport.response')).toEqual([])
  })

  it('is accepted with --insecure', async () => {
    server = await startHostile('ok', { tls })
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection', '--insecure'], 2000))
    expectBounded(r, 8000, [0, 1])
    expect(server.requests.length).toBeGreaterThan(0)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}
