import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { cannot, json, requestLine, skipped as skip, stepExchange, type Json } from './verify.js'

/**
 * What a delete or a create leaves behind in the references around it (scenarios/rfc/integrity.yaml). The RFCs
 * define `members` and `groups` but never say what a delete does to them, and let a server alter what a client
 * POSTs, so these checks record (MAY: info) rather than fail; an IdP that re-reads a group still trips over a
 * dangling member, which is why they are worth knowing.
 */

const check = (id: string, title: string, section: string, requirement: string, judge: CheckDef['judge']): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'integrity', level: 'MAY', source: rfc(Number(m[1]), m[2]), requirement, judge })
}

/** The named delete step was answered with a success: otherwise there is nothing to judge. */
function deleted(ctx: CheckContext): Finding | undefined {
  const name = String(ctx.args.deleted ?? '')
  const del = stepExchange(ctx, name)
  if (!del) return skip(`step "${name}" sent no DELETE`)
  const s = del.response?.status
  if (s === undefined) return cannot(`${requestLine(del)} got no response`)
  if (s < 200 || s >= 300) return skip(`the DELETE answered ${s}, so the resource was not deleted`)
  return undefined
}

function read(x: Exchange): Json | Finding {
  if (!x.response) return cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`)
  if (x.response.status !== 200) return cannot(`reading it back answered ${x.response.status}`)
  return json(x) ?? cannot('the read-back body is not a JSON object')
}

const isFinding = (v: Json | Finding): v is Finding => 'ok' in v && 'message' in v && !('schemas' in v)

const values = (list: unknown): string[] => (Array.isArray(list) ? list.map((m) => String((m as { value?: unknown })?.value)) : [])

export const checks: CheckDef[] = [
  check('integrity.deleted-user-not-member', "A deleted user is gone from its groups' members", '7644 §3.6', 'Service providers MAY choose not to permanently delete the resource, but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource. (RFC 7643 §4.2 and RFC 7644 §3.6 say nothing of the members that pointed at it: a member left behind points at a resource that answers 404.)', (x, ctx) => {
    const gone = deleted(ctx)
    if (gone) return gone
    const group = read(x)
    if (isFinding(group)) return group
    const id = String(ctx.args.id)
    return values(group.members).includes(id)
      ? { ok: false, message: `the deleted user ${id} is still listed in the group's members: a dangling reference to a resource that answers 404`, expected: `members without ${id}`, actual: JSON.stringify(values(group.members)) }
      : { ok: true, message: 'the deleted user is no longer a member' }
  }),

  check('integrity.deleted-group-not-in-user', "A deleted group is gone from its members' User.groups", '7643 §4.1.2', 'groups: A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated. (RFC 7644 §3.6 says nothing of references to a deleted group.)', (x, ctx) => {
    const gone = deleted(ctx)
    if (gone) return gone
    const user = read(x)
    if (isFinding(user)) return user
    if (!Object.keys(user).some((k) => k.toLowerCase() === 'groups') && !ctx.args.groupsKnown) return skip('the server returns no User.groups (it is optional)')
    const id = String(ctx.args.id)
    const groups = user[Object.keys(user).find((k) => k.toLowerCase() === 'groups') ?? 'groups']
    return values(groups).includes(id)
      ? { ok: false, message: `User.groups still lists the deleted group ${id}`, expected: `groups without ${id}`, actual: JSON.stringify(values(groups)) }
      : { ok: true, message: 'User.groups no longer lists the deleted group' }
  }),

  check('integrity.created-inactive', 'A user created with active false reads back inactive', '7644 §3.3', 'Since the server is free to alter and/or ignore POSTed content, returning the full representation can be useful to the client, enabling it to correlate the client\'s and server\'s views of the new resource.', (x) => {
    const user = read(x)
    if (isFinding(user)) return user
    const active = user.active
    if (active === false) return { ok: true, message: 'created inactive, reads back inactive' }
    if (active === undefined) return skip('the server returns no active attribute')
    return { ok: false, message: `a user POSTed with "active": false reads back with active ${JSON.stringify(active)}: an IdP that provisions a disabled account gets an enabled one`, expected: 'false', actual: JSON.stringify(active) }
  }),
]
