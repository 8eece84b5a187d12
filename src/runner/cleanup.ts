import type { HttpClient } from '../http/client.js'
import type { Exchange } from '../http/exchange.js'
import { encodeQuery, literal, patchOp, resourcePath, segment } from '../idp/wire.js'
import type { Ledger, Owned } from './ledger.js'
import type { Leftover } from './report.js'

const HEADERS = { accept: 'application/scim+json', 'content-type': 'application/scim+json' }
/** Deletes in a row that got no answer before cleanup stops asking a dead target (the rest are listed). */
const GIVE_UP_AFTER = 2

/**
 * Delete what the run created (all of it, or one scenario's), newest first so groups go before their members.
 * A resource that cannot be deleted is deactivated (users) and reported with its id. These requests are the
 * harness's own housekeeping, labelled step "cleanup", never part of an IdP profile's traffic.
 */
export async function cleanup(client: HttpClient, ledger: Ledger, only: { scenario: string; idp: string } | undefined, budgetMs: number): Promise<Leftover[]> {
  const deadline = Date.now() + budgetMs
  const budget = new Budget(deadline)
  const left: Leftover[] = await adoptUncertain(client, ledger, only, budget)
  // What the server said it created but never proved is the run's: listed so someone can look, never deleted.
  for (const u of ledger.unproven.filter((o) => !only || (o.scenario === only.scenario && o.idp === only.idp))) {
    ledger.unproven.splice(ledger.unproven.indexOf(u), 1)
    left.push({ type: u.type, id: u.id, name: u.name, state: 'left', reason: `not deleted: ${u.reason}` })
  }
  const mine = ledger.list().filter((o) => !only || (o.scenario === only.scenario && o.idp === only.idp)).reverse()
  for (const o of mine) {
    const stop = budget.exhausted()
    if (stop) {
      ledger.abandon(o.id)
      left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: stop })
      continue
    }
    const labels = { scenario: o.scenario, step: 'cleanup', idp: o.idp, action: 'cleanup', headers: HEADERS }
    const unsafe = unsafeId(o.id)
    if (unsafe) {
      // An id that cannot be one path segment would address another resource (the collection, a parent): not sent.
      ledger.abandon(o.id)
      left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: `not deleted: ${unsafe}` })
      continue
    }
    if (o.verify) {
      const doubt = await unlessProven(client, o, labels)
      if (doubt) {
        ledger.abandon(o.id)
        left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: `not deleted: ${doubt}` })
        continue
      }
    }
    const del = await client.send({ method: 'DELETE', path: resourcePath(o.type === 'User' ? 'Users' : 'Groups', o.id), purpose: 'cleanup' }, labels)
    const status = del.response?.status
    budget.saw(del)
    if (status !== undefined && (status < 300 || status === 404)) {
      ledger.forget(o.id)
      continue
    }
    const why = status !== undefined ? `DELETE answered ${status}` : del.error?.message ?? 'no response'
    ledger.abandon(o.id)
    if (o.type === 'User' && del.response) {
      const off = await client.send({ method: 'PATCH', path: resourcePath('Users', o.id), body: patchOp([{ op: 'replace', path: 'active', value: false }]), purpose: 'cleanup' }, labels)
      const ok = off.response && off.response.status < 300
      left.push({ type: o.type, id: o.id, name: o.name, state: ok ? 'deactivated' : 'left', reason: ok ? `${why}; deactivated instead` : `${why}; deactivation failed too` })
    } else left.push({ type: o.type, id: o.id, name: o.name, state: 'left', reason: why })
  }
  return left
}

/** Cleanup is bounded twice: by time, and by a target that stopped answering (the rest is listed, not retried). */
class Budget {
  private silent = 0
  constructor(private deadline: number) {}

  saw(x: Exchange): void {
    // A request scim-check itself refused to send says nothing about the target.
    if (x.error && (x.error.code.startsWith('refused-') || x.error.code === 'other-origin')) return
    this.silent = x.response ? 0 : this.silent + 1
  }

  /** Why cleanup must stop asking, or undefined while it may go on. */
  exhausted(): string | undefined {
    if (this.silent >= GIVE_UP_AFTER) return 'the target stopped answering during cleanup'
    if (Date.now() > this.deadline) return 'cleanup ran out of time'
    return undefined
  }
}

/**
 * A create whose answer never came may still have happened: find it by its unique name and take ownership.
 * When even the lookup gets no answer, the name is listed as a possible leftover (there is no id to give).
 */
async function adoptUncertain(client: HttpClient, ledger: Ledger, only: { scenario: string; idp: string } | undefined, budget: Budget): Promise<Leftover[]> {
  const pending = ledger.uncertain.filter((u) => !only || (u.scenario === only.scenario && u.idp === only.idp))
  const unknown: Leftover[] = []
  for (const u of pending) {
    ledger.uncertain.splice(ledger.uncertain.indexOf(u), 1)
    const attr = u.type === 'User' ? 'userName' : 'displayName'
    const x: Exchange | undefined =
      budget.exhausted()
        ? undefined
        : await client.send(
            { method: 'GET', path: u.type === 'User' ? '/Users' : '/Groups', rawQuery: encodeQuery([['filter', `${attr} eq ${literal(u.name)}`]]), purpose: 'ledger' },
            { scenario: u.scenario, step: 'cleanup', idp: u.idp, action: 'cleanup', headers: HEADERS },
          )
    if (x) budget.saw(x)
    if (x?.response?.status !== 200) {
      unknown.push({ type: u.type, id: '(unknown)', name: u.name, state: 'left', reason: `its create got no answer and a lookup by ${attr} ${x?.response ? `answered ${x.response.status}` : 'was not possible'}: it may exist` })
      continue
    }
    const listed = (x.response.json as { Resources?: unknown } | undefined)?.Resources
    // Whatever shape the server answers with, only an exact match on the run's own unique name is adopted, and never
    // an id the server has shown the run as someone else's (a look-alike it answers with instead).
    const found = (Array.isArray(listed) ? listed : []).filter(
      (r): r is Record<string, unknown> =>
        !!r && typeof r === 'object' && typeof r.id === 'string' && !ledger.isForeign(r.id) && ledger.isRunValue(u.name) && typeof r[attr] === 'string' && (r[attr] as string).toLowerCase() === u.name.toLowerCase(),
    )
    for (const r of found) ledger.adopt({ type: u.type, id: r.id as string, name: u.name, scenario: u.scenario, idp: u.idp } satisfies Owned)
  }
  return unknown
}

/**
 * A resource known only from a location (a Bulk answer) is read back first: it is deleted only when the server shows
 * it with the id asked for and the run's own name. Returns why not, or undefined when it is proven the run's.
 */
async function unlessProven(client: HttpClient, o: Owned, labels: Parameters<HttpClient['send']>[1]): Promise<string | undefined> {
  const x = await client.send({ method: 'GET', path: resourcePath(o.type === 'User' ? 'Users' : 'Groups', o.id), purpose: 'ledger' }, labels)
  const r = x.response?.json as Record<string, unknown> | undefined
  if (x.response?.status !== 200 || !r) return `the server named it only in a Bulk answer and reading it back ${x.response ? `answered ${x.response.status}` : 'got no answer'}, so it could not be proven the run's`
  const attr = o.type === 'User' ? 'userName' : 'displayName'
  const key = Object.keys(r).find((k) => k.toLowerCase() === attr.toLowerCase())
  const name = key === undefined ? undefined : r[key]
  if (r.id !== o.id || typeof name !== 'string' || name.toLowerCase() !== o.name?.toLowerCase()) return `the server named it in a Bulk answer, but reading it back shows ${o.type} ${String(r.id)} ${attr} ${JSON.stringify(name)}, not the ${JSON.stringify(o.name)} the run sent`
  return undefined
}

function unsafeId(id: string): string | undefined {
  try {
    segment(id)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}
