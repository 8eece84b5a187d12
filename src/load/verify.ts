import type { Finding } from '../checks/define.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import { encodeQuery, literal, resourcePath } from '../idp/wire.js'
import type { Level, Source } from '../result/types.js'
import { pool } from './pace.js'

/** What the load sent and the server accepted: the end state the endpoint must hold. */
export interface Expected {
  users: { userName: string; id?: string; offboarded?: 'deactivated' | 'deleted' }[]
  groups: { displayName: string; id?: string; accepted: Set<string> }[]
}

export interface Judged {
  def: { id: string; title: string; level: Level; source: Source; requirement?: string }
  finding: Finding
  exchange?: Exchange
}

export interface Verification {
  results: Judged[]
  /** Users found on the server that the ledger does not know (duplicates, creates answered with an error): cleanup removes them. */
  adopt: { id: string; name: string }[]
  /** The end-state verdict in a few lines. */
  lines: string[]
}

export const CHECKS = {
  missing: {
    id: 'load.user-present',
    title: 'Every user created under load is there afterwards, found by the lookup filter',
    level: 'MUST' as const,
    source: { rfc: 7644, section: '3.3' },
    requirement: 'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).',
  },
  duplicate: {
    id: 'load.user-unique',
    title: 'Every user exists exactly once after a sync at volume (no duplicates from retried or concurrent creates)',
    level: 'MUST' as const,
    source: { rfc: 7643, section: '4.1' },
    requirement: "This identifier MUST be unique across the service provider's entire set of Users.",
  },
  phantom: {
    id: 'load.create-failed-but-created',
    title: 'A create answered with an error leaves no user behind',
    level: 'MUST' as const,
    source: { rfc: 7644, section: '3.12' },
    requirement: 'When returning HTTP error status codes, the server SHOULD return a SCIM error response; an IdP treats the user as not created and creates it again (a duplicate) or gives up on it.',
  },
  members: {
    id: 'load.group-members',
    title: 'Every group holds exactly the members whose adds were accepted, also when PATCHes to it arrive side by side',
    level: 'MUST' as const,
    source: { rfc: 7644, section: '3.5.2.1' },
    requirement: 'If the target location specifies a multi-valued attribute, a new value is added to the attribute.',
  },
  deactivated: {
    id: 'load.deactivation',
    title: 'Users deactivated in the offboarding wave are inactive and still findable',
    level: 'MUST' as const,
    source: { rfc: 7644, section: '3.5.2' },
    requirement: 'A PATCH request, regardless of the number of operations, SHALL be treated as atomic.',
  },
}

type Key = keyof typeof CHECKS

/**
 * Read the end state back, concurrently: each user by the lookup filter IdPs use (userName eq), each group by id.
 * One result per kind of defect, with a count, examples and the first read-back as evidence.
 */
export async function verify(expected: Expected, read: (spec: RequestSpec) => Promise<Exchange>, concurrency: number, signal: AbortSignal | undefined, progress: (done: number, total: number) => void): Promise<Verification> {
  const bad = new Map<Key, { count: number; examples: string[]; exchange?: Exchange }>()
  const note = (k: Key, example: string, x?: Exchange) => {
    const b = bad.get(k) ?? { count: 0, examples: [] }
    bad.set(k, b)
    b.count++
    if (b.examples.length < 3) b.examples.push(example)
    b.exchange ??= x
  }
  const adopt: { id: string; name: string }[] = []
  const unreadable: { what: string; x: Exchange }[] = []
  const deleted = new Set(expected.users.filter((u) => u.offboarded === 'deleted' && u.id).map((u) => u.id!))
  const total = expected.users.length + expected.groups.filter((g) => g.id).length
  let done = 0
  let present = 0
  let inactive = 0
  await pool(expected.users, concurrency, async (u) => {
    const x = await read({ method: 'GET', path: '/Users', rawQuery: encodeQuery([['filter', `userName eq ${literal(u.userName)}`]]) })
    progress(++done, total)
    const list = (x.response?.json as { Resources?: unknown } | undefined)?.Resources
    if (x.response?.status !== 200 || !Array.isArray(list)) {
      unreadable.push({ what: u.userName, x })
      return
    }
    const found = list.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as { id?: unknown }).id === 'string' && String((r as { userName?: unknown }).userName).toLowerCase() === u.userName.toLowerCase())
    for (const r of found) if (r.id !== u.id) adopt.push({ id: r.id as string, name: u.userName })
    if (!u.id) {
      if (found.length) note('phantom', `${u.userName} (every create attempt was refused, yet ${found.length} exist${found.length === 1 ? 's' : ''})`, x)
      return
    }
    if (u.offboarded === 'deleted') {
      if (found.length) note('deactivated', `${u.userName} was deleted (answered 2xx) but is still found`, x)
      return
    }
    if (found.length === 0) return note('missing', `${u.userName} (id ${u.id}) is not found`, x)
    if (found.length > 1) note('duplicate', `${u.userName} exists ${found.length} times (ids ${found.map((r) => r.id).join(', ')})`, x)
    else present++
    const active = found.find((r) => r.id === u.id)?.active ?? found[0].active
    if (u.offboarded === 'deactivated') {
      if (active === false) inactive++
      else note('deactivated', `${u.userName}: its deactivation was answered 2xx but active is ${JSON.stringify(active)}`, x)
    }
  }, signal)
  let held = 0
  let sent = 0
  await pool(expected.groups.filter((g) => g.id), concurrency, async (g) => {
    const x = await read({ method: 'GET', path: resourcePath('Groups', g.id) })
    progress(++done, total)
    const members = (x.response?.json as { members?: unknown } | undefined)?.members
    if (x.response?.status !== 200) {
      unreadable.push({ what: g.displayName, x })
      return
    }
    const actual = new Set((Array.isArray(members) ? members : []).map((m) => String((m as { value?: unknown })?.value)))
    const want = [...g.accepted].filter((id) => !deleted.has(id))
    sent += want.length
    const lost = want.filter((id) => !actual.has(id))
    const extra = [...actual].filter((id) => !g.accepted.has(id))
    held += want.length - lost.length
    if (lost.length) note('members', `${g.displayName} lost ${lost.length} of ${want.length} accepted members (e.g. ${lost.slice(0, 2).join(', ')})`, x)
    if (extra.length) note('members', `${g.displayName} holds ${extra.length} member${extra.length === 1 ? '' : 's'} never added (e.g. ${extra.slice(0, 2).join(', ')})`, x)
  }, signal)

  const created = expected.users.filter((u) => u.id && u.offboarded !== 'deleted').length
  const offboarded = expected.users.filter((u) => u.offboarded === 'deactivated').length
  const results: Judged[] = []
  const judge = (k: Key, applies: boolean, passMessage: string, unit: string) => {
    const b = bad.get(k)
    if (b) results.push({ def: CHECKS[k], finding: { ok: false, message: `${b.count} ${unit}: ${b.examples.join('; ')}${b.count > b.examples.length ? '; …' : ''}` }, exchange: b.exchange })
    else if (applies) results.push({ def: CHECKS[k], finding: { ok: true, message: passMessage } })
  }
  judge('missing', created > 0, `all ${created} users found by the lookup filter`, `of ${created} created users are missing`)
  judge('duplicate', created > 0, `each of ${created} users exists once`, `users exist more than once`)
  judge('phantom', bad.has('phantom'), '', 'users exist although their create was refused')
  judge('members', sent > 0, `${sent} accepted memberships held in ${expected.groups.filter((g) => g.id).length} groups`, `group${(bad.get('members')?.count ?? 0) === 1 ? '' : 's'} differ from what was sent`)
  judge('deactivated', offboarded > 0 || bad.has('deactivated'), `${offboarded} deactivated users are inactive and still findable`, 'offboarded users are not in the state their 2xx promised')
  if (unreadable.length) {
    const first = unreadable[0]
    results.push({ def: { id: 'load.read-back', title: 'The end state can be read back', level: 'MUST', source: { rfc: 7644, section: '3.4' } }, finding: { ok: 'error', message: `${unreadable.length} read-backs got no usable answer (first: ${first.what}, ${first.x.response ? `status ${first.x.response.status}` : first.x.error?.message ?? 'no response'}): those were not judged`, reason: 'the end state could not be read' }, exchange: first.x })
  }
  const lines = [
    `users: ${present} of ${created} present exactly once${bad.get('duplicate') ? `, ${bad.get('duplicate')!.count} duplicated` : ''}${bad.get('missing') ? `, ${bad.get('missing')!.count} missing` : ''}`,
    `groups: ${held} of ${sent} accepted memberships held`,
    `offboarding: ${inactive} of ${offboarded} deactivated users inactive and findable`,
  ]
  return { results, adopt, lines }
}
