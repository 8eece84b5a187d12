// The baseline for the memory figure: the same import walk (GET /Users?startIndex=…&count=100 until totalResults)
// with nothing but undici and JSON.parse, keeping only the ids, as the leanest possible IdP import would.
//
//   node test/bench/walk.mjs <base-url> <token>
//
// Prints one JSON line: { pages, users, ms, rssMiB } (peak resident set size of this process).
import { Agent, request } from 'undici'

const [baseUrl, token] = process.argv.slice(2)
const agent = new Agent({ keepAliveTimeout: 10_000 })
const ids = []
let pages = 0
const started = performance.now()
for (let start = 1; ; ) {
  const res = await request(`${baseUrl}/Users?startIndex=${start}&count=100`, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json' } })
  const page = JSON.parse(await res.body.text())
  pages++
  const resources = Array.isArray(page.Resources) ? page.Resources : []
  for (const r of resources) ids.push(String(r.id))
  start += resources.length
  if (resources.length === 0 || start > page.totalResults) break
}
const ms = performance.now() - started
await agent.close()
process.stdout.write(`${JSON.stringify({ pages, users: ids.length, ms, rssMiB: process.resourceUsage().maxRSS / 1024 })}\n`)
