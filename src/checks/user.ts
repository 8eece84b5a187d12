import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import {
  applied,
  attributeIn as attributeDef,
  cannot,
  detailOf,
  isObject,
  json,
  key,
  list,
  pathOf,
  refersTo,
  refused,
  requestLine,
  same,
  show,
  skipped as skip,
  values,
  type Json,
} from './verify.js'

/** RFC 7643 §4.1, the User resource: password, active, emails, phones, addresses and the read-only groups. */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

const user = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, rest: Pick<CheckDef, 'judge' | 'ambient' | 'breaks'>): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'user', level, source: rfc(Number(m[1]), m[2]), requirement, ...rest })
}

/** User resources in a body: the resource itself or the Resources of a ListResponse. */
function usersIn(body: Json | undefined): Json[] {
  if (!body) return []
  if (Array.isArray(body.Resources)) return body.Resources.filter(isObject) as Json[]
  return typeof body.id === 'string' || key(body, 'userName') !== undefined ? [body] : []
}

/** Is `attr` undeclared on the server's User schema? Then its check is skipped (catalogue §1.3 `attr:<name>`). */
function undeclared(ctx: Parameters<NonNullable<CheckDef['judge']>>[1], ...attrs: string[]): Finding | undefined {
  const missing = attrs.filter((a) => attributeDef(ctx, USER, a) === null)
  return missing.length ? skip(`the server's /Schemas does not declare User.${missing.join(', User.')}`) : undefined
}

/** A password attribute in any spelling (§2.1); runs on every user of every page, so it allocates nothing. */
function hasPassword(u: Json): boolean {
  for (const k in u) if (Object.prototype.hasOwnProperty.call(u, k) && k.length === 8 && k.toLowerCase() === 'password') return true
  return false
}

const typed = (r: Json, attr: string, type: string) => list(r, attr).filter((e) => same(key(e, 'type'), type))

export const checks: CheckDef[] = [
  user('user.password-never-returned', 'password is never returned', 'MUST', '7643 §4.1.1', 'The cleartext value or the hashed value of a password SHALL NOT be returnable by a service provider (password is declared "returned": "never").', {
    breaks: ['okta'],
    ambient(x) {
      if (!x.response || x.response.status >= 400) return
      const users = usersIn(json(x))
      if (!users.length) return
      const leaked = users.find(hasPassword)
      if (leaked) return { ok: false, message: `password returned by ${x.request.method} ${pathOf(x)}`, expected: 'no password attribute', actual: `password present on ${String(leaked.id ?? 'a user')}` }
      return { ok: true, message: 'no password in the response' }
    },
  }),

  user('user.password-accepted', 'A create carrying a password', 'MAY', '7643 §4.1.1', 'password is writeOnly; whether a server must accept it on create (Okta always sends one) is not stated (catalogue §4 #20).', {
    breaks: ['okta'],
    judge(x) {
      if (!x.response) return cannot(`${requestLine(x)} got no response`)
      const s = x.response.status
      if (s === 201) return { ok: true, message: 'a create with a password answered 201' }
      return { ok: 'info', message: `a create with a password answered ${s}${detailOf(x)}`, reason: 'Create with password rejected: Okta sends password on create' }
    },
  }),

  user('user.active-toggle', 'active round-trips false and true', 'MUST', '7643 §4.1.1', 'active: A Boolean value indicating the user\'s administrative status. The definitive meaning of this attribute is determined by the service provider; it is written and read as a boolean.', {
    breaks: ['okta', 'entra', 'jumpcloud'],
    judge: applied((r, a) => {
      const want = a.active === true || a.active === 'true'
      const got = key(r, 'active')
      return got === want ? undefined : { ok: false, message: `active not round-tripped: set ${want}, reads back ${show(got)}`, expected: String(want), actual: show(got) }
    }),
  }),

  user('user.emails-roundtrip', 'emails round-trip with type and primary', 'MUST', '7643 §4.1.2', 'emails: Email addresses for the User ... Canonical type values of "work", "home", and "other"; the "primary" attribute indicates the preferred value (RFC 7643 §2.4).', {
    breaks: ['okta', 'entra'],
    judge(x, ctx) {
      const gate = undeclared(ctx, 'emails')
      if (gate) return gate
      if (x.response?.status !== 200) return cannot(`reading the user answered ${x.response?.status ?? x.error?.message ?? 'nothing'}`)
      const r = json(x) ?? {}
      const work = typed(r, 'emails', 'work').find((e) => same(key(e, 'value'), ctx.args.work))
      const home = typed(r, 'emails', 'home').find((e) => same(key(e, 'value'), ctx.args.home))
      if (!work || !home) return { ok: false, message: `emails not round-tripped: ${!work ? 'work' : 'home'} email missing or without its type`, expected: show([{ value: ctx.args.work, type: 'work', primary: true }, { value: ctx.args.home, type: 'home' }]), actual: show(key(r, 'emails')) }
      if (key(work, 'primary') !== true) return { ok: false, message: 'emails not round-tripped: the work email lost primary: true', expected: 'primary: true', actual: show(key(work, 'primary')) }
      if (key(home, 'primary') === true) return { ok: false, message: 'emails not round-tripped: the home email came back primary', expected: 'primary absent or false', actual: 'true' }
      return { ok: true, message: 'both emails came back with type and primary' }
    },
  }),

  user('user.two-primaries', 'Two primary emails are refused or reduced to one', 'MUST', '7643 §2.4', 'primary: A Boolean value indicating the "primary" or preferred attribute value for this attribute ... The primary attribute value "true" MUST appear no more than once.', {
    judge(x, ctx) {
      const gate = undeclared(ctx, 'emails')
      if (gate) return gate
      if (!x.response) return cannot(`${requestLine(x)} got no response`)
      const s = x.response.status
      if (s === 400) return { ok: true, message: 'a user with two primary emails was refused with 400' }
      if (s < 200 || s >= 300) return { ok: false, message: `a user with two primary emails answered ${s}${detailOf(x)}`, expected: '400, or 201 with one primary', actual: String(s) }
      const body = json(x)
      if (!body) return cannot(`the ${s} response has no body to show what was stored`)
      const n = list(body, 'emails').filter((e) => key(e, 'primary') === true).length
      return n <= 1 ? { ok: true, message: `stored with ${n} primary email` } : { ok: false, message: `Two primary emails stored (${n})`, expected: 'at most one primary', actual: show(key(body, 'emails')) }
    },
  }),

  user('user.phones-addresses', 'phoneNumbers and addresses round-trip', 'SHOULD', '7643 §4.1.2', 'phoneNumbers: Phone numbers for the user ... addresses: A physical mailing address for this user ... country: The country name component ... in ISO 3166-1 "alpha-2" code format.', {
    breaks: ['entra'],
    judge(x, ctx) {
      const gate = undeclared(ctx, 'phoneNumbers', 'addresses')
      if (gate) return gate
      if (x.response?.status !== 200) return cannot(`reading the user answered ${x.response?.status ?? x.error?.message ?? 'nothing'}`)
      const r = json(x) ?? {}
      const out: Finding[] = []
      for (const [type, value] of [['work', ctx.args.workPhone], ['mobile', ctx.args.mobilePhone]] as const) {
        const hit = typed(r, 'phoneNumbers', type).some((e) => same(key(e, 'value'), value))
        out.push(hit ? { ok: true, message: `phoneNumbers ${type} round-tripped` } : { ok: false, message: `phoneNumbers not round-tripped: no ${type} number ${show(value)}`, expected: show({ value, type }), actual: show(key(r, 'phoneNumbers')) })
      }
      const addr = typed(r, 'addresses', 'work')[0]
      const ok = addr && same(key(addr, 'country'), ctx.args.country) && same(key(addr, 'locality'), ctx.args.locality)
      out.push(ok ? { ok: true, message: 'addresses round-tripped' } : { ok: false, message: 'addresses not round-tripped', expected: show({ type: 'work', locality: ctx.args.locality, country: ctx.args.country }), actual: show(key(r, 'addresses')) })
      return out
    },
  }),

  user('user.groups-readonly', 'User.groups cannot be written', 'MUST', '7643 §4.1.2', 'Since this attribute has a mutability of "readOnly", group membership changes MUST be applied via the "Group" Resource (Section 4.2); a PATCH incompatible with mutability SHALL return an error (RFC 7644 §3.5.2).', {
    judge(x, ctx) {
      const gate = undeclared(ctx, 'groups')
      if (gate) return gate
      return refused({ status: [400], scimType: 'mutability' }, 'User.groups modified directly', (g, a) =>
        values(g, 'members').includes(String(a.user)) ? { ok: false, message: 'User.groups modified directly: the user is now a member of the group', expected: 'no membership change', actual: show(values(g, 'members')) } : undefined,
      )(x, ctx)
    },
  }),

  user('user.groups-reflect', 'User.groups reflects group membership', 'MUST', '7643 §4.1.2', 'groups: A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.', {
    judge(x, ctx) {
      const gate = undeclared(ctx, 'groups')
      if (gate) return gate
      if (x.response?.status !== 200) return cannot(`reading the user answered ${x.response?.status ?? x.error?.message ?? 'nothing'}`)
      const r = json(x) ?? {}
      const group = String(ctx.args.group)
      const entry = list(r, 'groups').find((e) => String(key(e, 'value')) === group)
      if (!entry) return { ok: false, message: `User.groups does not reflect membership in ${group}`, expected: `groups[].value containing ${group}`, actual: show(key(r, 'groups')) }
      const ref = key(entry, '$ref')
      if (ref !== undefined && !refersTo(ref, 'Groups', group)) return { ok: false, message: `User.groups $ref ${show(ref)} does not point at group ${group}`, expected: `…/Groups/${group}`, actual: show(ref) }
      return { ok: true, message: 'User.groups lists the group' }
    },
  }),

  user('user.changePassword', 'A password change through PATCH', 'MUST', '7643 §5', 'changePassword: A complex type that specifies configuration options related to changing a password ... supported: A Boolean value specifying whether or not changing a password is supported; when advertised, a PATCH of password succeeds and the password is never returned.', {
    breaks: ['okta'],
    judge(x) {
      if (!x.response) return cannot(`${requestLine(x)} got no response`)
      const s = x.response.status
      if (s !== 200 && s !== 204) return { ok: false, message: `Password change answered ${s}${detailOf(x)}`, expected: '200 or 204', actual: String(s) }
      const body = json(x)
      if (body && Object.keys(body).some((k) => k.toLowerCase() === 'password')) return { ok: false, message: 'the password change response returned the password', expected: 'no password', actual: 'password present' }
      return { ok: true, message: `the password change answered ${s}` }
    },
  }),
]

