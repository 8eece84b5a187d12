// 100k users must seed in seconds, stay small in memory, and page without
// copying the store.

import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, start, userNames } from './helpers.js'

const N = 100_000

function forceGc(): () => void {
  v8.setFlagsFromString('--expose_gc')
  return vm.runInNewContext('gc') as () => void
}

const seedUser = (i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `scale-user-${i}@example.com`,
  externalId: `ext-${i}`,
  name: { givenName: 'Given', familyName: `Family${i}` },
  emails: [{ value: `scale-user-${i}@example.com`, type: 'work', primary: true }],
  active: true,
})

describe('100k users', () => {
  let server: RunningServer
  let c: Client
  let seedMs = 0
  let bytesPerUser = 0

  beforeAll(async () => {
    ;({ server, c } = await start())
    const gc = forceGc()
    gc()
    const before = process.memoryUsage().heapUsed
    const t = Date.now()
    for (let i = 0; i < N; i++) server.store.createUser(seedUser(i))
    seedMs = Date.now() - t
    gc()
    bytesPerUser = (process.memoryUsage().heapUsed - before) / N
  }, 60_000)
  afterAll(() => server.close())

  it('seeds in seconds', () => {
    expect(server.store.userCount).toBe(N)
    expect(seedMs).toBeLessThan(15_000)
  })

  it('keeps each seeded user small', () => {
    // About 600 bytes today; the guard leaves room for runtime differences.
    expect(bytesPerUser).toBeLessThan(1000)
  })

  it('pages deep into the store in insertion order', async () => {
    const t = Date.now()
    const r = await c.get(`/Users?startIndex=${N - 1}&count=100`)
    expect(r.json).toMatchObject({ totalResults: N, startIndex: N - 1, itemsPerPage: 2 })
    expect(userNames(r)).toEqual([`scale-user-${N - 2}@example.com`, `scale-user-${N - 1}@example.com`])
    expect(Date.now() - t).toBeLessThan(1000)
  })

  it('answers the IdP lookup filter quickly', async () => {
    const t = Date.now()
    const r = await c.filterUsers(`userName eq "SCALE-USER-${N - 1}@EXAMPLE.COM"`, '&startIndex=1&count=100')
    expect(r.json.totalResults).toBe(1)
    expect(Date.now() - t).toBeLessThan(2000)
  })

  it('walks every page without duplicates', async () => {
    const seen = new Set<string>()
    for (let start = 1; start <= N; start += 1000) {
      const r = await c.get(`/Users?startIndex=${start}&count=1000&attributes=id`)
      for (const res of r.json.Resources) seen.add(res.id)
    }
    expect(seen.size).toBe(N)
  }, 60_000)
})
