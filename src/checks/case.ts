import { defineCheck, rfc, type CheckDef } from './define.js'
import { applied, at, cannot, detailOf, isFinding, isObject, json, readBack, requestLine, same, show, values } from './verify.js'

/**
 * Case-insensitivity of names in requests (RFC 7643 §2.1, RFC 7644 §3.10): attribute names, schema URIs and PATCH
 * paths compare without regard to case. Most JSON stacks compare keys exactly, so these are warnings or records.
 */


const kase = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge']): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'case', level, source: rfc(Number(m[1]), m[2]), requirement, judge })
}

export const checks: CheckDef[] = [
  kase('case.body-attr-names', 'Attribute names in a request body are case-insensitive', 'SHOULD', '7643 §2.1', 'Attribute names are case insensitive and are often "camel-cased" (e.g., "camelCase").', (x, ctx) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    if (s !== 201) return { ok: false, message: `Attribute names in request bodies treated case-sensitively: UserName/Name.GivenName answered ${s}${detailOf(x)}`, expected: '201', actual: String(s) }
    const body = json(x)
    if (!body) return cannot('the 201 has no body to show what was stored')
    // Returned with the declared spelling: the keys themselves, not a case-insensitive lookup.
    const name = body.name
    if (!same(body.userName, ctx.args.userName) || !isObject(name) || !same(name.givenName, ctx.args.givenName)) {
      return { ok: false, message: 'Attribute names in request bodies treated case-sensitively: not returned as userName / name.givenName', expected: show({ userName: ctx.args.userName, name: { givenName: ctx.args.givenName } }), actual: show({ userName: body.userName, name: body.name, UserName: body.UserName, Name: body.Name }) }
    }
    return { ok: true, message: 'UserName and Name.GivenName were stored and returned as userName and name.givenName' }
  }),

  // RFC 7644 §3.10 makes the facets of an attribute *name* case-insensitive; the values of "schemas" are URIs, and no
  // sentence says how a server compares them (a URN's namespace-specific string may be case-sensitive, RFC 8141).
  kase('case.schema-uri', 'Schema URIs are compared case-insensitively (recorded)', 'MAY', '7644 §3.10', 'All facets (URN, attribute, and sub-attribute name) of the fully encoded attribute name are case insensitive. (This covers attribute names; the URIs in "schemas" are values, for which the RFCs set no comparison rule.)', (x) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    return s === 201 ? { ok: true, message: 'an upper-cased User schema URI was accepted' } : { ok: false, message: `Schema URI compared case-sensitively: the upper-cased User URI answered ${s}${detailOf(x)}`, expected: '201', actual: String(s) }
  }),

  kase('case.patch-path', 'PATCH paths are case-insensitive', 'SHOULD', '7644 §3.10', 'Attribute names in PATCH paths follow the attribute notation of RFC 7644 §3.10, and attribute names (with their schema URI prefix) are case insensitive (RFC 7643 §2.1).', applied((r, a) => {
    if (a.member !== undefined) {
      return values(r, 'members').includes(String(a.member)) ? undefined : { ok: false, message: 'PATCH path compared case-sensitively: "Members" did not add the member', expected: `members with ${a.member}`, actual: show(values(r, 'members')) }
    }
    const got = at(r, String(a.path))
    return same(got, a.value) ? undefined : { ok: false, message: `PATCH path compared case-sensitively: ${a.sent ?? a.path} not applied`, expected: show(a.value), actual: show(got) }
  })),

  kase('case.message-attrs', 'A PatchOp with a lower-case "operations" key', 'MAY', '7643 §2.1', 'Attribute names are case insensitive (RFC 7643 §2.1), which in principle also covers message keys such as "Operations"; most JSON stacks compare keys exactly (catalogue §4 #21).', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    if (s >= 400) return { ok: 'info', message: `a PatchOp with "operations" answered ${s}${detailOf(rb.write)}`, reason: 'recorded: message keys compared case-sensitively' }
    if (!rb.resource) return cannot(`reading the resource back answered ${x.response?.status}`)
    return same(rb.resource.nickName, ctx.args.nickName) ? { ok: true, message: 'a PatchOp with "operations" was applied' } : { ok: 'info', message: `a PatchOp with "operations" answered ${s} but changed nothing`, reason: 'recorded: the lower-case key was ignored' }
  }),
]

