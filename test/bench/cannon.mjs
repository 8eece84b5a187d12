// The baseline for the load-throughput figure: autocannon sending the request mix of `scim-check load --idp entra`
// (per user a lookup by userName, then a create; one user in ten deactivated by PATCH) with the same number of
// requests in flight, to the same built-in server. autocannon is not a dependency: main.mjs installs a pinned
// version into a temporary directory and passes its path.
//
//   node test/bench/cannon.mjs <autocannon-dir> <base-url> <token> <connections> <requests>
//
// Prints one JSON line: { requests, errors, non2xx, ms, rps } (rps: completed requests per second of the run).
import { createRequire } from 'node:module'
import { join } from 'node:path'

const [dir, baseUrl, token, connections, amount] = process.argv.slice(2)
const autocannon = createRequire(join(dir, 'package.json'))('autocannon')
const base = new URL(baseUrl)
const path = base.pathname.replace(/\/+$/, '')
const headers = { authorization: `Bearer ${token}`, accept: 'application/scim+json', 'content-type': 'application/scim+json' }

// One counter for every connection, so no two creates share a userName (the server answers 409 to a repeat).
let next = 0
const run = `bench${process.pid}`
const userName = (n) => `${run}-u${n}@example.com`

/** One connection's cycle: ten lookups and creates, then a deactivation of the last user it created. */
const cycle = []
for (let i = 0; i < 10; i++) {
  cycle.push({
    method: 'GET',
    setupRequest(req, ctx) {
      ctx.n = next++
      return { ...req, path: `${path}/Users?filter=userName+eq+%22${encodeURIComponent(userName(ctx.n))}%22` }
    },
  })
  cycle.push({
    method: 'POST',
    setupRequest(req, ctx) {
      const name = userName(ctx.n)
      const body = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        externalId: `${run}-${ctx.n}`,
        userName: name,
        active: true,
        displayName: `Bench User ${ctx.n}`,
        emails: [{ primary: true, type: 'work', value: name }],
        name: { formatted: `Bench User ${ctx.n}`, familyName: 'User', givenName: 'Bench' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Bench', employeeNumber: String(ctx.n) },
      }
      return { ...req, path: `${path}/Users`, body: JSON.stringify(body) }
    },
    onResponse(status, body, ctx) {
      if (status === 201) ctx.id = JSON.parse(body).id
    },
  })
}
cycle.push({
  method: 'PATCH',
  setupRequest(req, ctx) {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: false }] }
    return { ...req, path: `${path}/Users/${encodeURIComponent(ctx.id ?? 'missing')}`, body: JSON.stringify(body) }
  },
})

const started = performance.now()
const result = await autocannon({
  url: base.origin,
  connections: Number(connections),
  pipelining: 1,
  amount: Number(amount),
  timeout: 10,
  headers,
  requests: cycle,
})
const ms = performance.now() - started
const requests = result.requests.total
process.stdout.write(`${JSON.stringify({ requests, errors: result.errors + result.timeouts, non2xx: result.non2xx, ms, rps: requests / (ms / 1000) })}\n`)
