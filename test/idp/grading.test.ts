import { describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checks as idpChecks } from '../../src/checks/idp.js'
import { checks as importChecks } from '../../src/checks/import.js'
import type { CheckDef, Finding } from '../../src/checks/define.js'
import { run } from '../../src/runner/run.js'
import { loadScenarioText } from '../../src/scenario/loader.js'
import { context, exchange } from '../helpers/exchange.js'
import { config } from '../helpers/run.js'

/**
 * Graded from the exact words: where RFC 7643/7644 leave the server a choice, or where an IdP's behaviour is only
 * inferred, scim-check records information instead of failing (each shown both ways).
 */

const find = (list: CheckDef[], id: string) => list.find((c) => c.id === id)!
const verdicts = (out: Finding | Finding[] | undefined | void) => (Array.isArray(out) ? out : out ? [out] : []).map((f) => f.ok)

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const schemasWith = (uniqueness: string) => [{ id: GROUP, name: 'Group', attributes: [{ name: 'displayName', type: 'string', uniqueness }] }]

describe('idp.group-displayName-unique', () => {
  const check = find(idpChecks, 'idp.group-displayName-unique')
  const duplicate = exchange({ method: 'POST', path: '/Groups', status: 201, body: { schemas: [GROUP], id: 'g-2', displayName: 'Sales' } })

  it('is information when the server declares displayName uniqueness "none", which RFC 7643 allows', () => {
    const out = check.judge!(duplicate, context({ idp: 'entra', discovery: { schemas: schemasWith('none') } }))
    expect(verdicts(out)).toEqual(['info'])
    expect((out as Finding).message).toMatch(/uniqueness "none".*RFC 7643 §2\.1/)
  })

  it('stays an Entra failure when the server declares no such choice (or declares server uniqueness)', () => {
    expect(verdicts(check.judge!(duplicate, context({ idp: 'entra' })))).toEqual([false])
    expect(verdicts(check.judge!(duplicate, context({ idp: 'entra', discovery: { schemas: schemasWith('server') } })))).toEqual([false])
  })

  it('passes on a 409', () => {
    const refused = exchange({ method: 'POST', path: '/Groups', status: 409, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' } })
    expect(verdicts(check.judge!(refused, context({ idp: 'entra', discovery: { schemas: schemasWith('none') } })))).toEqual([true])
  })
})

describe('import walk under an IdP whose paging is inferred', () => {
  const walkComplete = find(importChecks, 'import.walk-complete')
  const totals = find(importChecks, 'import.totals-consistent')
  const list = exchange({ method: 'GET', path: '/Users', status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 3, Resources: [{ id: 'u-1' }] } })
  const walk = (inferred?: string) => ({ totalResults: [3], ids: ['u-1'], pages: 1, ...(inferred ? { inferred } : {}) })

  it('is information when the walk is a guess at the IdP\'s paging (OneLogin, JumpCloud)', () => {
    const inferred = "OneLogin does not document how it pages an import (one unfiltered GET /Users is scim-check's guess)"
    const out = walkComplete.judge!(list, context({ idp: 'onelogin', args: { walk: walk(inferred), ids: ['u-1', 'u-2', 'u-3'] } })) as Finding
    expect(out.ok).toBe('info')
    expect(out.reason).toBe('inferred onelogin paging: recorded, not failed')
    expect((totals.judge!(list, context({ idp: 'onelogin', args: { walk: walk(inferred) } })) as Finding).ok).toBe('info')
  })

  it('fails when the IdP documents its paging (Okta) and the walk misses run resources', () => {
    expect((walkComplete.judge!(list, context({ idp: 'okta', args: { walk: walk(), ids: ['u-1', 'u-2', 'u-3'] } })) as Finding).ok).toBe(false)
    expect((totals.judge!(list, context({ idp: 'okta', args: { walk: walk() } })) as Finding).ok).toBe(false)
  })
})

describe('idp.ping.group-list-unfiltered', () => {
  const LIST_GROUPS = `
name: list-groups
title: Ping lists groups
source: RFC 7644 §3.4.2
writes: false
steps:
  - name: list
    action: listGroups
`

  /** A stub whose GET /Groups answers an empty ListResponse, with or without "Resources". */
  async function stub(body: Record<string, unknown>) {
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/scim+json' })
        res.end(JSON.stringify(body))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
      close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }),
    }
  }

  const statusOn = async (body: Record<string, unknown>) => {
    const server = await stub(body)
    try {
      const report = await run(config({ url: server.url, token: 't', idps: ['ping'], scenarios: [] }), { scenarios: [loadScenarioText(LIST_GROUPS, 'list-groups.yaml')] })
      return report.results.filter((r) => r.id === 'idp.ping.group-list-unfiltered').map((r) => r.status)
    } finally {
      await server.close()
    }
  }

  const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

  it('passes on an empty ListResponse without Resources (RFC 7644 §3.4.2: REQUIRED only when totalResults is non-zero)', async () => {
    expect(await statusOn({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0 })).toEqual(['pass'])
  }, 30_000)

  it('still fails when a non-empty list leaves Resources out', async () => {
    expect(await statusOn({ schemas: [LIST], totalResults: 2, startIndex: 1, itemsPerPage: 2 })).toEqual(['fail'])
  }, 30_000)
})
