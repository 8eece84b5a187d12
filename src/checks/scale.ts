import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import { requestUrl, type Exchange } from '../http/exchange.js'
import { getCI, idpLevelAfterValueList, json, requestLine, sentValueListRemove, type Json } from './verify.js'

/**
 * Big groups (the group-scale scenario): every member the IdP added is in the group, a removal takes only what it
 * names, and the time each operation took. Members are judged where the IdP's own read can see them: the group
 * (GET /Groups/{id}, or the group inside a GET /Groups list, as OneLogin and Ping read groups) or, where the IdP reads
 * groups without members (Entra's excludedAttributes=members), each member's User.groups.
 */

const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

/** Member ids from what a scenario passes: ids, {value}, or saved resources ({id}); lists of lists are joined. */
function idsOf(arg: unknown): string[] {
  const list = Array.isArray(arg) ? arg.flat() : arg === undefined || arg === null ? [] : [arg]
  return list.map((m) => (typeof m === 'string' ? m : String((m as { value?: unknown; id?: unknown })?.value ?? (m as { id?: unknown })?.id)))
}

/** The group in a read: the resource itself, or the one with this id in a ListResponse. */
function groupIn(x: Exchange, id: string): Json | undefined {
  const body = json(x)
  if (!body) return undefined
  if (String(body.id) === id) return body
  const list = getCI(body, 'Resources')
  return Array.isArray(list) ? (list.find((r) => r && typeof r === 'object' && String((r as Json).id) === id) as Json | undefined) : undefined
}

function isUser(body: Json): boolean {
  const schemas = getCI(body, 'schemas')
  return (Array.isArray(schemas) && schemas.some((s) => String(s).toLowerCase() === URN_USER.toLowerCase())) || getCI(body, 'userName') !== undefined
}

/** Did the request itself ask the server to leave members out (RFC 7644 §3.4.2.5)? */
function membersExcluded(x: Exchange): boolean {
  const q = requestUrl(x)?.searchParams
  if (!q) return false
  const param = (name: string) => [...q.entries()].filter(([k]) => k.toLowerCase() === name.toLowerCase()).flatMap(([, v]) => v.split(',').map((s) => s.trim().toLowerCase()))
  const names = (list: string[]) => list.some((a) => a === 'members' || a.endsWith(':members'))
  const attributes = param('attributes')
  return names(param('excludedAttributes')) || (attributes.length > 0 && !names(attributes))
}

function memberIds(group: Json): string[] | undefined {
  const m = getCI(group, 'members')
  if (m === undefined || m === null) return undefined
  return Array.isArray(m) ? m.map((e) => String((e as Json)?.value)) : []
}

function userGroups(user: Json): string[] | undefined {
  const g = getCI(user, 'groups')
  if (g === undefined || g === null) return undefined
  return Array.isArray(g) ? g.map((e) => String((e as Json)?.value)) : []
}

/** Positions (from 1, in the order the scenario added them) of the ids, shortened: "#101, #102, … (902 in all)". */
function positions(ids: string[], all: string[]): string {
  const at = ids.map((id) => `#${all.indexOf(id) + 1}`)
  return at.length > 8 ? `${at.slice(0, 8).join(', ')}, … (${at.length} in all)` : at.join(', ')
}

const cannotSee = (why: string): Finding => ({ ok: 'skip', message: `skipped: ${why}`, reason: why })

/** Another member's User.groups in this scenario listed the group: the server maintains User.groups for it. */
function shownOnOthers(ctx: CheckContext, x: Exchange, userId: string, group: string): boolean {
  return ctx.history.some((h) => {
    if (h === x || h.scenario !== ctx.scenario || h.idp !== ctx.idp || h.setting !== ctx.setting || h.response?.status !== 200) return false
    const body = json(h)
    return !!body && String(body.id) !== userId && isUser(body) && (userGroups(body)?.includes(group) ?? false)
  })
}

/**
 * A value-list removal ("remove" on "members" with a value, no filter) sent earlier in this scenario: Entra and
 * JumpCloud mean "remove these", a literal reading of RFC 7644 §3.5.2.2 removes them all; a member lost after one is
 * named as such rather than as a dropped add.
 */
function afterValueListRemove(ctx: CheckContext): string {
  return sentValueListRemove(ctx) ? ' (after a "remove" of "members" with a value list, which Entra and JumpCloud send to mean "remove these members" and a server may read as "remove all")' : ''
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'scale.members-present',
    title: 'Every member added to a large group is in it',
    area: 'scale',
    level: 'MUST',
    source: rfc(7644, '§3.5.2.1'),
    requirement:
      'If the target location specifies a multi-valued attribute, a new value is added to the attribute (RFC 7644 §3.5.2.1); members is returned by default (RFC 7643 §7, §4.2), and only the client may ask for it to be left out ("excludedAttributes", §3.4.2.5); no RFC text lets a server page or cap a multi-valued attribute (pagination, §3.4.2.4, is for query results).',
    args: ['group', 'members'],
    judge(x, ctx): Finding {
      const group = String(ctx.args.group ?? '')
      const given = ctx.args.members
      if (!group || !(Array.isArray(given) ? given.length : given)) return { ok: 'error', message: 'could not judge: the step gave no group or no members', reason: 'the check needs `group` and `members`' }
      if (x.response?.status !== 200) return cannotSee(`${requestLine(x)} answered ${x.response?.status ?? x.error?.message ?? 'nothing'}, so there is nothing to read members from`)
      const body = json(x)
      if (body && String(body.id) !== group && isUser(body)) {
        // A member's own read: the membership shows on User.groups (RFC 7643 §4.1.2), when the server keeps it.
        // Judged once per member of a large group, so the member list is only read when something is wrong.
        const user = String(body.id)
        const groups = userGroups(body)
        if (groups?.includes(group)) return { ok: true, message: `User ${user}.groups lists group ${group}` }
        if (!shownOnOthers(ctx, x, user, group)) return cannotSee(`User.groups lists group ${group} for no member read so far, so it cannot show this membership (lifecycle.user-groups-joined judges User.groups itself)`)
        return idpLevelAfterValueList(ctx, { ok: false, message: `member ${positions([user], idsOf(given))} (${user}) was added to group ${group} like the others, and its User.groups does not list the group while User.groups of members read earlier did: the server lost this membership${afterValueListRemove(ctx)}`, expected: `groups containing ${group}`, actual: JSON.stringify(groups ?? []) })
      }
      const expected = idsOf(given)
      const g = groupIn(x, group)
      if (!g) return cannotSee(`${requestLine(x)} does not hold group ${group}`)
      const present = memberIds(g)
      if (present === undefined) {
        if (membersExcluded(x)) return cannotSee(`the read asked the server to leave members out (${requestLine(x)}), as the IdP reads groups; membership is judged on each member's User.groups`)
        return cannotSee(`the server returned the group without "members" (whether members is returned by default is judged by the attrs checks); membership is judged on each member's User.groups`)
      }
      const have = new Set(present)
      const missing = expected.filter((id) => !have.has(id))
      if (!missing.length) return { ok: true, message: `group ${group} lists all ${expected.length} members` }
      // Kept exactly the first members added and nothing else: the shape of a cap on the member count.
      const capped = present.length > 0 && present.every((id, i) => id === expected[i])
      return idpLevelAfterValueList(ctx, {
        ok: false,
        message: `group ${group} lists ${have.size} members and misses ${missing.length} of the ${expected.length} added: ${positions(missing, expected)}${capped ? `; it kept exactly the first ${have.size} added, as a server that caps groups at ${have.size} members would` : ''}${afterValueListRemove(ctx)}`,
        expected: `${expected.length} members`,
        actual: `${have.size} members; missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      })
    },
  }),
  defineCheck({
    id: 'scale.members-removed',
    title: 'A removal from a large group takes out the members it names',
    area: 'scale',
    level: 'MUST',
    source: rfc(7644, '§3.5.2.2'),
    requirement:
      'If the target location is a multi-valued attribute and a complex filter is specified comparing a "value", the values matched by the filter are removed (RFC 7644 §3.5.2.2); the members the removal does not name stay (scale.members-present judges them on the same read).',
    args: ['group', 'removed'],
    judge(x, ctx): Finding {
      const group = String(ctx.args.group ?? '')
      const removed = idsOf(ctx.args.removed)
      if (!group || !removed.length) return { ok: 'error', message: 'could not judge: the step gave no group or no removed members', reason: 'the check needs `group` and `removed`' }
      if (x.response?.status !== 200) return cannotSee(`${requestLine(x)} answered ${x.response?.status ?? x.error?.message ?? 'nothing'}, so there is nothing to read members from`)
      const g = groupIn(x, group)
      if (!g) return cannotSee(`${requestLine(x)} does not hold group ${group}`)
      const present = memberIds(g)
      // Without "members" nothing can be seen: the group still holds the others, so an absent list is not an empty one.
      if (present === undefined) return cannotSee(membersExcluded(x) ? `the read asked the server to leave members out (${requestLine(x)}); the removal is judged on the removed members' User.groups` : `the server returned the group without "members"; the removal is judged on the removed members' User.groups`)
      const still = removed.filter((id) => present.includes(id))
      if (!still.length) return { ok: true, message: `the ${removed.length} removed member${removed.length === 1 ? ' is' : 's are'} no longer in group ${group}` }
      return { ok: false, message: `group ${group} still lists ${still.length} of the ${removed.length} members the removal named: ${still.join(', ')}`, expected: 'none of the removed members', actual: still.join(', ') }
    },
  }),
  defineCheck({
    id: 'scale.operation-time',
    title: 'How long each group-scale operation took',
    area: 'scale',
    level: 'MAY',
    source: { scenario: 'group-scale', note: 'a measurement, not a requirement: no RFC sets a time' },
    requirement: 'Recorded, never judged: the requests the step sent, how long they took in all and the slowest one, so a vendor sees where a large group gets slow (Okta and Entra give up on a request after 60 s).',
    judge(x, ctx): Finding | undefined {
      // A repeated step reports once, after its last repetition, for all of them.
      const rep = ctx.vars.repeat as { index?: number; count?: number } | undefined
      if (rep && typeof rep.index === 'number' && typeof rep.count === 'number' && rep.index < rep.count) return undefined
      const own: Exchange[] = []
      // This step's run is the block of exchanges that ends the history (its diagnostics and ledger reads included).
      for (let i = ctx.history.length - 1; i >= 0; i--) {
        const h = ctx.history[i]
        if (h.scenario !== ctx.scenario || h.idp !== ctx.idp || h.setting !== ctx.setting || (h.step !== ctx.step && !h.purpose)) break
        if (h.step === ctx.step && !h.purpose) own.unshift(h)
      }
      if (!own.length) own.push(x)
      const methods = new Map<string, number>()
      for (const h of own) methods.set(h.request.method, (methods.get(h.request.method) ?? 0) + 1)
      const sum = own.reduce((t, h) => t + h.durationMs, 0)
      const wall = Date.parse(own[own.length - 1].startedAt) + own[own.length - 1].durationMs - Date.parse(own[0].startedAt)
      const slowest = own.reduce((a, b) => (b.durationMs > a.durationMs ? b : a))
      const reps = rep?.count !== undefined ? ` in ${rep.count} repetitions` : ''
      const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`)
      const message = `${own.length} request${own.length === 1 ? '' : 's'}${reps} (${[...methods].map(([m, n]) => `${m} ${n}`).join(', ')}): ${ms(wall)} wall clock, ${ms(sum)} waiting for answers, ${ms(sum / own.length)} each on average; slowest ${ms(slowest.durationMs)} (${requestLine(slowest)})`
      return { ok: 'info', message, reason: 'measured, not judged' }
    },
  }),
]
