import type { HttpClient } from '../http/client.js'
import type { Exchange } from '../http/exchange.js'
import { encodeQuery, literal, patchOp, resourcePath } from '../idp/wire.js'
import type { Ledger, Owned } from './ledger.js'
import type { Leftover } from './report.js'

const HEADERS = { accept: 'application/scim+json', 'content-type': 'application/scim+json' }

/**
 * Delete what the run created (all of it, or one scenario's), newest first so groups go before their members.
 * A resource that cannot be deleted is deactivated (users) and reported with its id. These requests are the
 * harness's own housekeeping, labelled step "cleanup", never part of an IdP profile's traffic.
 */
export async function cleanup(client: HttpClient, ledger: Ledger, only: { scenario: string; idp: string } | undefined, budgetMs: number): Promise<Leftover[]> {
  const deadline = Date.now() + budgetMs
  await adoptUncertain(client, ledger, only)
  const mine = ledger.list().filter((o) => !only || (o.scenario === only.scenario && o.idp === only.idp)).reverse()
  const left: Leftover[] = []
  for (const o of mine) {
    if (Date.now() > deadline) {
      left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: 'cleanup ran out of time' })
      continue
    }
    const labels = { scenario: o.scenario, step: 'cleanup', idp: o.idp, action: 'cleanup', headers: HEADERS }
    const del = await client.send({ method: 'DELETE', path: resourcePath(o.type === 'User' ? 'Users' : 'Groups', o.id) }, labels)
    const status = del.response?.status
    if (status !== undefined && (status < 300 || status === 404)) {
      ledger.forget(o.id)
      continue
    }
    const why = status !== undefined ? `DELETE answered ${status}` : del.error?.message ?? 'no response'
    ledger.forget(o.id)
    if (o.type === 'User') {
      const off = await client.send({ method: 'PATCH', path: resourcePath('Users', o.id), body: patchOp([{ op: 'replace', path: 'active', value: false }]) }, labels)
      const ok = off.response && off.response.status < 300
      left.push({ type: o.type, id: o.id, name: o.name, state: ok ? 'deactivated' : 'left', reason: ok ? `${why}; deactivated instead` : `${why}; deactivation failed too` })
    } else left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: why })
  }
  return left
}

/** A create whose answer never came may still have happened: find it by its unique name and take ownership. */
async function adoptUncertain(client: HttpClient, ledger: Ledger, only?: { scenario: string; idp: string }): Promise<void> {
  const pending = ledger.uncertain.filter((u) => !only || (u.scenario === only.scenario && u.idp === only.idp))
  for (const u of pending) {
    ledger.uncertain.splice(ledger.uncertain.indexOf(u), 1)
    const attr = u.type === 'User' ? 'userName' : 'displayName'
    const x: Exchange = await client.send(
      { method: 'GET', path: u.type === 'User' ? '/Users' : '/Groups', rawQuery: encodeQuery([['filter', `${attr} eq ${literal(u.name)}`]]) },
      { scenario: u.scenario, step: 'cleanup', idp: u.idp, action: 'cleanup', headers: HEADERS },
    )
    const found = ((x.response?.json as { Resources?: Record<string, unknown>[] } | undefined)?.Resources ?? []).filter(
      (r) => typeof r.id === 'string' && String(r[attr]).toLowerCase() === u.name.toLowerCase(),
    )
    for (const r of found) ledger.adopt({ type: u.type, id: r.id as string, name: u.name, scenario: u.scenario, idp: u.idp } satisfies Owned)
  }
}
