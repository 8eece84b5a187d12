// The baseline for the harness-overhead figure: the requests of a recorded run (a HAR transcript), replayed with
// nothing but undici, in order, one at a time, on one keep-alive connection, bodies read in full. Ids the server
// assigns differ from the recorded ones, so each replayed create's id replaces the recorded one in later requests.
//
//   node test/bench/replay.mjs <transcript.har> <base-url> <token>
//
// Prints one JSON line: { requests, ms } where ms is the replay loop alone (process start-up excluded).
import { readFileSync } from 'node:fs'
import { Agent, request } from 'undici'

const [file, baseUrl, token] = process.argv.slice(2)
const entries = JSON.parse(readFileSync(file, 'utf8')).log.entries
const recordedBase = new URL(entries[0].request.url).origin
const target = new URL(baseUrl).origin
const agent = new Agent({ keepAliveTimeout: 10_000 })
const ids = new Map()

const swap = (text) => {
  let out = text.split(recordedBase).join(target)
  for (const [from, to] of ids) if (out.includes(from)) out = out.split(from).join(to)
  return out
}

const started = performance.now()
let sent = 0
for (const e of entries) {
  if (e.response.status === 0) continue // never left the machine (refused by the safety guard) or got no answer
  const headers = {}
  for (const { name, value } of e.request.headers) headers[name] = name === 'authorization' ? `Bearer ${token}` : value
  const body = e.request.postData?.text
  const res = await request(swap(e.request.url), { dispatcher: agent, method: e.request.method, headers, body: body === undefined ? undefined : swap(body) })
  const text = await res.body.text()
  sent++
  if (e.request.method === 'POST' && res.statusCode === 201) {
    try {
      const was = JSON.parse(e.response.content.text ?? '{}').id
      const now = JSON.parse(text).id
      if (typeof was === 'string' && typeof now === 'string' && was !== now) ids.set(was, now)
    } catch {
      // not JSON: nothing to map
    }
  }
}
const ms = performance.now() - started
await agent.close()
process.stdout.write(`${JSON.stringify({ requests: sent, ms })}\n`)
