import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startServer } from '../../src/server/index.js'
import { resolveRunConfig } from '../../src/config/resolve.js'
import { okta } from '../../src/idp/okta.js'
import { runBuiltin } from '../helpers/run.js'

/**
 * An IdP profile's own deadline: Okta gives up on a response after 60 s, so Okta's requests wait that long unless the
 * user chose a timeout; scim-check's own requests (discovery, cleanup) keep the run's.
 */

/** The reference server behind a proxy that holds Okta's connection test (count=2) for `holdMs`. */
async function slowConnectionTest(holdMs: number) {
  const up = await startServer({ port: 0, quiet: true })
  const target = new URL(up.url)
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const forward = () => {
        const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers)
          r.pipe(res)
        })
        out.end(Buffer.concat(chunks))
      }
      if (/[?&]count=2(&|$)/.test(req.url ?? '')) setTimeout(forward, holdMs)
      else forward()
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`
  return {
    url,
    token: up.token,
    close: async () => {
      proxy.closeAllConnections()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      await up.close()
    },
  }
}

const connectionTest = (report: Awaited<ReturnType<typeof runBuiltin>>) => report.exchanges.find((x) => x.step === 'test-connection')

describe('an IdP profile declares its own deadline', () => {
  it('Okta declares 60 s, the socket timeout Okta documents', () => {
    expect(okta.deadlineMs).toBe(60_000)
  })

  it("Okta's requests outlast the run's default timeout; the user's --timeout still wins", async () => {
    const s = await slowConnectionTest(1500)
    try {
      const base = { url: s.url, token: s.token, idps: ['okta'], scenarios: ['connection'], timeoutMs: 700 }
      const byDefault = connectionTest(await runBuiltin(base))
      expect(byDefault?.error).toBeUndefined()
      expect(byDefault?.response?.status).toBe(200)
      const chosen = connectionTest(await runBuiltin({ ...base, timeoutFromUser: true }))
      expect(chosen?.response).toBeUndefined()
      expect(chosen?.error).toEqual({ code: 'timeout', message: expect.stringMatching(/within 700 ms/) })
    } finally {
      await s.close()
    }
  }, 30_000)

  it('a timeout is "from the user" only when --timeout or the config file set it', () => {
    expect(resolveRunConfig({ builtin: true }, {}).timeoutFromUser).toBe(false)
    expect(resolveRunConfig({ builtin: true, timeoutMs: 2000 }, {}).timeoutFromUser).toBe(true)
    expect(resolveRunConfig({ builtin: true }, {}, { timeoutMs: 2000 }).timeoutFromUser).toBe(true)
  })
})
