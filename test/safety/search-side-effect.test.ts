import { afterAll, beforeAll, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { run } from '../../src/runner/run.js'
import { config } from '../helpers/run.js'

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ faults: ['search-creates'] })
})
afterAll(() => server.close())

it('cleans up a resource that a server created from a POST /.search (search.no-side-effect fails, nothing is left)', async () => {
  const report = await run(config({ url: server.url, token: server.token, scenarios: ['scenarios/rfc/search.yaml'] }))
  expect(report.results.some((r) => r.id === 'search.no-side-effect' && r.status === 'fail')).toBe(true)
  expect(report.leftovers).toEqual([])
  expect(server.store.listUsers()).toEqual([])
})
