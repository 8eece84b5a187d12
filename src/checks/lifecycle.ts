import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { idpLevelAfterValueList, sentValueListRemove } from './verify.js'

/**
 * Judges the lifecycle scenarios need that an `expect:` cannot say: a membership that must be absent, and custom
 * extension values whose names come from the config file (keys a scenario cannot spell out).
 */

function resource(x: Exchange): Record<string, any> | undefined {
  const j = x.response?.json
  return x.response?.status === 200 && j && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, any>) : undefined
}

function key(obj: Record<string, any>, name: string): unknown {
  if (name in obj) return obj[name]
  const lower = name.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k]
  return undefined
}

function groupIds(user: Record<string, any>): string[] | undefined {
  const g = key(user, 'groups')
  if (g === undefined || g === null) return undefined
  return Array.isArray(g) ? g.map((e) => String((e as { value?: unknown })?.value)) : []
}

/** Did this exchange show user `id` as a member of `group`? */
function listsGroup(x: Exchange, id: string, group: string): boolean {
  const j = x.response?.json as Record<string, any> | undefined
  if (!j || typeof j !== 'object' || j.id !== id) return false
  return groupIds(j)?.includes(group) ?? false
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** The same value as written: a dateTime may come back in another valid form of the same instant (RFC 7643 §2.3.5). */
function sameValue(got: unknown, wrote: unknown): boolean {
  if (JSON.stringify(got) === JSON.stringify(wrote)) return true
  if (typeof got === 'string' && typeof wrote === 'string' && DATE_TIME.test(got) && DATE_TIME.test(wrote)) return Date.parse(got) === Date.parse(wrote)
  return false
}

const notRead = (x: Exchange): Finding => ({ ok: 'error', message: `the user could not be read (${x.response?.status ?? x.error?.message ?? 'no response'})`, reason: 'no user representation to judge' })

export const checks: CheckDef[] = [
  defineCheck({
    id: 'lifecycle.user-groups-joined',
    title: "A member's User.groups lists the group",
    area: 'lifecycle',
    level: 'SHOULD',
    source: rfc(7643, '§4.1.2'),
    requirement:
      'groups: a list of groups to which the user belongs, either through direct membership or through nested groups; membership is changed through the Group resource and shows on the User.',
    judge(x, ctx): Finding {
      const user = resource(x)
      if (!user) return notRead(x)
      const group = String(ctx.args.group ?? '')
      const ids = groupIds(user)
      if (ids === undefined) return { ok: false, message: `User ${user.id} has no "groups" attribute although it is a member of group ${group}`, expected: `groups containing ${group}`, actual: '(absent)' }
      return ids.includes(group)
        ? { ok: true, message: `User.groups lists group ${group}` }
        : { ok: false, message: `User ${user.id}.groups does not list group ${group}, which it was added to`, expected: `groups containing ${group}`, actual: JSON.stringify(ids) }
    },
  }),
  defineCheck({
    id: 'lifecycle.user-groups-left',
    title: 'A removed member is no longer listed in the group',
    area: 'lifecycle',
    level: 'MUST',
    source: rfc(7644, '§3.5.2.2'),
    requirement:
      'After a PATCH remove of a member, that user is no longer a member: a stale membership keeps access the identity provider took away.',
    judge(x, ctx): Finding {
      const user = resource(x)
      if (!user) return notRead(x)
      const group = String(ctx.args.group ?? '')
      const ids = groupIds(user)
      if (ids === undefined) {
        // Servers leave out an empty groups list; absence proves the removal only if this server has shown the membership before.
        const shown = ctx.history.some((h) => listsGroup(h, String(user.id), group))
        return shown
          ? { ok: true, message: `User.groups no longer lists group ${group} (the attribute is now left out)` }
          : { ok: 'skip', message: 'skipped: the server never returned User.groups for this user, so the removal cannot be seen on the user', reason: 'User.groups is not returned' }
      }
      return ids.includes(group)
        ? { ok: false, message: `User ${user.id}.groups still lists group ${group} after the user was removed from it`, expected: `groups without ${group}`, actual: JSON.stringify(ids) }
        : { ok: true, message: `User.groups no longer lists group ${group}` }
    },
  }),
  defineCheck({
    id: 'lifecycle.user-groups-kept',
    title: 'Removing one member leaves the other members in the group',
    area: 'lifecycle',
    level: 'MUST',
    source: rfc(7644, '§3.5.2.2'),
    requirement:
      'A PATCH that removes some members removes only those: the remaining members keep their membership (and the access that comes with it).',
    breaks: ['entra', 'jumpcloud'],
    judge(x, ctx): Finding {
      const user = resource(x)
      if (!user) return notRead(x)
      const group = String(ctx.args.group ?? '')
      const ids = groupIds(user)
      const shown = ctx.history.some((h) => listsGroup(h, String(user.id), group))
      if (ids === undefined && !shown) return { ok: 'skip', message: 'skipped: the server never returned User.groups for this user', reason: 'User.groups is not returned' }
      if (ids?.includes(group)) return { ok: true, message: `User.groups still lists group ${group}` }
      // Name the request shape that usually causes this, "remove" on "members" with a value list read as "remove
      // all": RFC 7644 §3.5.2.2 allows that reading, so the loss is then the IdP's incompatibility (IdP level).
      const why = sentValueListRemove(ctx) ? ' after a "remove" of "members" with a value list (Entra without aadOptscim062020 and JumpCloud send it to mean "remove these members"; the server removed every member)' : ''
      return idpLevelAfterValueList(ctx, { ok: false, message: `User ${user.id} lost its membership in group ${group} although only another member was removed${why}`, expected: `groups containing ${group}`, actual: JSON.stringify(ids ?? []) })
    },
  }),
  defineCheck({
    id: 'lifecycle.custom-roundtrip',
    title: 'Custom extension values read back as written',
    area: 'lifecycle',
    level: 'MUST',
    source: rfc(7643, '§3.3'),
    requirement:
      'Extension attributes are held under their schema URN and returned as stored: what the IdP wrote (on create, PATCH or PUT) reads back with the same value and type.',
    judge(x, ctx): Finding {
      const user = resource(x)
      if (!user) return notRead(x)
      const urn = String(ctx.args.urn ?? '')
      const want = (ctx.args.attributes ?? {}) as Record<string, unknown>
      if (!urn || !Object.keys(want).length) return { ok: 'error', message: 'no custom extension was given to compare', reason: 'the check needs `urn` and `attributes`' }
      // An IdP that never sends custom extensions (JumpCloud's custom connector) wrote nothing to read back.
      const writes = ctx.history.filter((h) => h.scenario === ctx.scenario && h.idp === ctx.idp && h.setting === ctx.setting && h.step !== 'cleanup' && ['POST', 'PUT', 'PATCH'].includes(h.request.method))
      if (writes.length && !writes.some((h) => (h.request.body ?? '').toLowerCase().includes(urn.toLowerCase()))) return { ok: 'skip', message: `skipped: ${ctx.idp} sent no ${urn} attributes in this scenario`, reason: 'the profile does not send custom extension attributes' }
      const ext = key(user, urn) as Record<string, unknown> | undefined
      if (!ext || typeof ext !== 'object') return { ok: false, message: `User ${user.id} has no ${urn} object; the custom attributes written were lost`, expected: JSON.stringify(want), actual: '(absent)' }
      const wrong = Object.entries(want).filter(([k, v]) => !sameValue(key(ext, k), v))
      if (wrong.length) {
        const actual = Object.fromEntries(wrong.map(([k]) => [k, key(ext, k) ?? '(absent)']))
        return { ok: false, message: `custom attributes read back differently: ${wrong.map(([k, v]) => `${k} wrote ${JSON.stringify(v)}, read ${JSON.stringify(key(ext, k)) ?? '(absent)'}`).join('; ')}`, expected: JSON.stringify(Object.fromEntries(wrong)), actual: JSON.stringify(actual) }
      }
      return { ok: true, message: `${Object.keys(want).length} custom attributes read back as written` }
    },
  }),
]
