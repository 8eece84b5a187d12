import { defineCheck, rfc, type CheckDef } from './define.js'
import { cannot, detailOf, json, key, list, readBack, isFinding, refersTo, requestLine, show, values } from './verify.js'

/** RFC 7643 §4.2, the Group resource: what a member looks like, members carrying `display`, nested groups. */

const group = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge'], breaks?: string[]): CheckDef =>
  defineCheck({ id, title, area: 'group', level, source: rfc(7643, section), requirement, judge, ...(breaks ? { breaks } : {}) })

export const checks: CheckDef[] = [
  group('group.member-shape', 'Group members carry the member id, type and $ref', 'MUST', '§4.2', 'members: A list of members of the Group ... value: Identifier of the member of this Group; $ref: The URI corresponding to a SCIM resource that is a member of this Group; type: A label indicating the type of resource, e.g., "User" or "Group".', (x, ctx) => {
    if (x.response?.status !== 200) return cannot(`reading the group answered ${x.response?.status ?? x.error?.message ?? 'nothing'}`)
    const member = String(ctx.args.member)
    const m = list(json(x), 'members').find((e) => String(key(e, 'value')) === member)
    if (!m) return { ok: false, message: `Group member value wrong: ${member} is not among ${show(values(json(x), 'members'))}`, expected: member, actual: show(values(json(x), 'members')) }
    const type = key(m, 'type')
    if (type !== undefined && type !== 'User') return { ok: false, message: `Group member type wrong: ${show(type)} for a user`, expected: '"User"', actual: show(type) }
    const ref = key(m, '$ref')
    if (ref !== undefined && !refersTo(ref, 'Users', member)) return { ok: false, message: `Group member $ref wrong: ${show(ref)} does not point at user ${member}`, expected: `…/Users/${member}`, actual: show(ref) }
    return { ok: true, message: 'the member carries its id, and type/$ref agree with it' }
  }, ['okta', 'entra']),

  group('group.member-display', 'Member objects carrying display are accepted', 'SHOULD', '§2.4', 'display: A human-readable name, primarily used for display purposes (one of the default sub-attributes of a multi-valued attribute, RFC 7643 §2.4); Okta sends it with every member.', (x) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    return s >= 200 && s < 300 ? { ok: true, message: `members with display accepted (${s})` } : { ok: false, message: `Member object with display rejected (${s})${detailOf(x)}`, expected: '2xx', actual: String(s) }
  }, ['okta']),

  group('group.nested', 'A group as a member of a group', 'MAY', '§4.2', 'members: ... Values MAY be a User or a Group (nested groups are the service provider\'s choice).', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    if (s >= 400) return { ok: 'info', message: `adding a group as a member answered ${s}${detailOf(rb.write)}`, reason: 'recorded: nested groups are not supported' }
    if (!rb.resource) return cannot(`reading the group back answered ${x.response?.status}`)
    const m = list(rb.resource, 'members').find((e) => String(key(e, 'value')) === String(ctx.args.group))
    if (!m) return { ok: 'info', message: `adding a group as a member answered ${s} but it is not listed`, reason: 'recorded: nested group accepted but not kept' }
    return { ok: 'info', message: `nested groups are supported (member type ${show(key(m, 'type'))})`, reason: 'recorded: nested groups are supported' }
  }),
]
