import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import {
  bodyOf,
  declaresCore as declares,
  excerpt,
  getCI,
  hasCI,
  info,
  is2xx,
  isListResponse,
  isObject,
  listView,
  req,
  resourceType,
  skip,
  status,
  unjudgeable,
  type Json,
} from './verify.js'

/**
 * RFC 7644 §3.4.2.5 and §3.9: attributes / excludedAttributes, which "MUST be supported by SCIM service
 * providers". Judged on the probes of scenarios/rfc/attrs.yaml.
 */

type Kind = 'User' | 'Group'

/** The reduced representation must keep `id`; `schemas` and `meta` are tolerated (catalogue §4 #25), as is anything the server declares returned "always". */
function tolerated(ctx: CheckContext, kind: Kind): Set<string> {
  const always = resourceType(ctx, kind).type.schema.attributes.filter((a) => a.returned === 'always').map((a) => a.name.toLowerCase())
  return new Set(['id', 'schemas', 'meta', ...always])
}

/** Top-level keys beyond what `attributes=<requested>` allows. */
export function extras(resource: Json, requested: string[], ctx: CheckContext, kind: Kind): string[] {
  const allowed = tolerated(ctx, kind)
  for (const r of requested) allowed.add(r.toLowerCase())
  return Object.keys(resource).filter((k) => !allowed.has(k.toLowerCase()))
}

/** 200 (201 for a create) with a JSON resource, or why there is nothing to judge. */
function resourceOf(x: Exchange): { body: Json } | { finding: Finding } {
  const u = unjudgeable(x)
  if (u) return { finding: u }
  const s = status(x)!
  if (!is2xx(x)) return { finding: skip(`${req(x)} answered ${s}, so there is no representation to judge`) }
  const b = bodyOf(x)
  if (!b) return { finding: skip(`${req(x)} answered ${s} without a body`) }
  return { body: b }
}

function reduced(x: Exchange, ctx: CheckContext, requested: string[], kind: Kind, label: string): Finding {
  const r = resourceOf(x)
  if ('finding' in r) return r.finding
  if (!hasCI(r.body, 'id')) return { ok: false, message: `${label} dropped id`, expected: 'id present', actual: Object.keys(r.body).join(', ') }
  const missing = requested.filter((a) => !hasCI(r.body, a))
  if (missing.length) return { ok: false, message: `${label} did not return ${missing.join(', ')}`, expected: `${requested.join(', ')} present`, actual: Object.keys(r.body).join(', ') }
  const more = extras(r.body, requested, ctx, kind)
  if (more.length) return { ok: false, message: `${label} still returned ${more.join(', ')}`, expected: `id, ${requested.join(', ')} (schemas, meta tolerated)`, actual: Object.keys(r.body).join(', ') }
  return { ok: true, message: `${label} returned ${Object.keys(r.body).join(', ')}` }
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'attrs.include',
    title: 'attributes=userName returns only id and userName',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5, §3.9'),
    requirement: 'attributes: A multi-valued list of strings indicating the names of resource attributes to return in the response, overriding the set of attributes that would be returned by default. (These parameters MUST be supported by SCIM service providers.)',
    judge: (x, ctx) => reduced(x, ctx, ['userName'], 'User', 'attributes=userName'),
  }),
  defineCheck({
    id: 'attrs.include-list',
    title: 'attributes= reduces every element of a list',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5'),
    requirement: 'attributes: the names of resource attributes to return in the response, overriding the set returned by default; on a query it applies to every resource returned.',
    judge(x, ctx) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s !== 200 || !isListResponse(bodyOf(x))) return { ok: false, message: `${req(x)} answered ${s} without a ListResponse`, expected: '200 ListResponse', actual: excerpt(x) }
      const items = listView(x)!.resources
      if (!items.length) return skip('the list came back empty, so there is nothing to judge')
      const bad = items.map((r) => ({ r, more: extras(r, ['userName'], ctx, 'User') })).filter((e) => e.more.length || !hasCI(e.r, 'id'))
      if (bad.length) {
        const first = bad[0]
        return { ok: false, message: `List ignores attributes parameter: ${bad.length} of ${items.length} resources ${first.more.length ? `still carry ${first.more.join(', ')}` : 'lack id'}`, expected: 'id, userName (schemas, meta tolerated)', actual: Object.keys(first.r).join(', ') }
      }
      return { ok: true, message: `all ${items.length} resources reduced to the requested attributes` }
    },
  }),
  defineCheck({
    id: 'attrs.include-subattr',
    title: 'attributes=name.givenName returns name with only givenName',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5, §3.10'),
    requirement: 'Attribute names MUST be in standard attribute notation (Section 3.10) form; a sub-attribute selects only that part of a complex attribute.',
    judge(x, ctx) {
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      const name = getCI(r.body, 'name')
      if (!isObject(name)) return { ok: false, message: 'Sub-attribute selection name.givenName returned no name', expected: 'name: {givenName}', actual: Object.keys(r.body).join(', ') }
      const subs = Object.keys(name)
      const more = extras(r.body, ['name'], ctx, 'User')
      if (subs.length !== 1 || subs[0].toLowerCase() !== 'givenname') return { ok: false, message: `Sub-attribute selection returned name.{${subs.join(', ')}}`, expected: 'name.givenName only', actual: JSON.stringify(name) }
      if (more.length) return { ok: false, message: `attributes=name.givenName still returned ${more.join(', ')}`, expected: 'id, name.givenName (schemas, meta tolerated)', actual: Object.keys(r.body).join(', ') }
      return { ok: true, message: 'name holds only givenName' }
    },
  }),
  defineCheck({
    id: 'attrs.include-urn',
    title: 'A URN-qualified name in attributes= is honoured',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.10'),
    requirement: 'Attributes are uniquely identified by prefixing the attribute name with its schema URN separated by a colon (":") character, e.g. "urn:ietf:params:scim:schemas:core:2.0:User:userName"; attributes= accepts that form.',
    judge: (x, ctx) => {
      const f = reduced(x, ctx, ['userName'], 'User', 'attributes=urn:…:User:userName')
      return f.ok === false ? { ...f, message: `URN-qualified attribute name not honoured: ${f.message}` } : f
    },
  }),
  defineCheck({
    id: 'attrs.include-case',
    title: 'Attribute names in attributes= are case-insensitive',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.10'),
    requirement: 'All facets (URN, attribute, and sub-attribute name) of the fully encoded attribute name are case insensitive.',
    judge(x) {
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      if (hasCI(r.body, 'userName')) return { ok: true, message: 'attributes=USERNAME returned userName' }
      return { ok: false, message: 'Attribute names in attributes= treated case-sensitively: attributes=USERNAME returned no userName', expected: 'userName present', actual: Object.keys(r.body).join(', ') }
    },
  }),
  defineCheck({
    id: 'attrs.exclude',
    title: 'excludedAttributes=emails removes emails and nothing else',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5'),
    requirement: 'excludedAttributes: A multi-valued list of strings indicating the names of resource attributes to be removed from the default set of attributes to return.',
    judge(x) {
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      if (hasCI(r.body, 'emails')) return { ok: false, message: 'excludedAttributes=emails ignored: emails still returned', expected: 'no emails', actual: JSON.stringify(getCI(r.body, 'emails')) }
      const lost = ['userName', 'name'].filter((a) => !hasCI(r.body, a))
      if (lost.length) return { ok: false, message: `excludedAttributes=emails removed more: ${lost.join(', ')} missing`, expected: 'userName and name present', actual: Object.keys(r.body).join(', ') }
      return { ok: true, message: 'emails removed; userName and name kept' }
    },
  }),
  defineCheck({
    id: 'attrs.exclude-always',
    title: 'excludedAttributes does not remove an always-returned attribute (id)',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5'),
    requirement: 'excludedAttributes: This parameter SHALL have no effect on attributes whose schema "returned" setting is "always".',
    judge(x) {
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      if (hasCI(r.body, 'id')) return { ok: true, message: 'id kept' }
      return { ok: false, message: 'excludedAttributes removed an always-returned attribute (id)', expected: 'id present', actual: Object.keys(r.body).join(', ') }
    },
  }),
  defineCheck({
    id: 'attrs.exclude-members',
    title: 'excludedAttributes=members on GET /Groups/{id}',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5'),
    requirement: 'excludedAttributes: the names of resource attributes to be removed from the default set of attributes to return.',
    breaks: ['entra'],
    judge(x) {
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      if (hasCI(r.body, 'members')) return { ok: false, message: 'excludedAttributes=members ignored on /Groups/{id}', expected: 'no members', actual: `members: ${JSON.stringify(getCI(r.body, 'members')).slice(0, 120)}` }
      const lost = ['id', 'displayName'].filter((a) => !hasCI(r.body, a))
      if (lost.length) return { ok: false, message: `excludedAttributes=members also removed ${lost.join(', ')}`, expected: 'id and displayName present', actual: Object.keys(r.body).join(', ') }
      return { ok: true, message: 'members removed; id and displayName kept' }
    },
  }),
  defineCheck({
    id: 'attrs.exclude-members-query',
    title: 'excludedAttributes=members in a group query',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.5'),
    requirement: 'excludedAttributes applies to every resource a query returns.',
    breaks: ['entra'],
    judge(x, ctx) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s !== 200 || !isListResponse(bodyOf(x))) return { ok: false, message: `${req(x)} answered ${s} without a ListResponse`, expected: '200 ListResponse', actual: excerpt(x) }
      const items = listView(x)!.resources
      const want = ctx.args.group === undefined ? undefined : String(ctx.args.group)
      if (want && !items.some((g) => g.id === want)) return skip('the group was not in the query result (filter.group-displayName judges the filter)')
      const withMembers = items.filter((g) => hasCI(g, 'members'))
      if (withMembers.length) return { ok: false, message: `excludedAttributes=members ignored in group query (${withMembers.length} of ${items.length} groups carry members)`, expected: 'no members', actual: Object.keys(withMembers[0]).join(', ') }
      return { ok: true, message: `${items.length} group(s) returned without members` }
    },
  }),
  defineCheck({
    id: 'attrs.never-stays-hidden',
    title: 'attributes=password still returns no password',
    area: 'attrs',
    level: 'MUST',
    source: rfc(7643, '§4.1.1, §7'),
    requirement: 'returned "never": the attribute is never returned (RFC 7643 §7); User.password is "returned": "never" (§4.1.1), so naming it in attributes= does not reveal it.',
    judge(x, ctx) {
      if (declares(ctx, 'User', 'password') === false) return skip('the server does not declare User.password')
      const r = resourceOf(x)
      if ('finding' in r) return r.finding
      if (hasCI(r.body, 'password')) return { ok: false, message: 'password returned when requested by name', expected: 'no password', actual: 'password present' }
      return { ok: true, message: 'password not returned' }
    },
  }),
  defineCheck({
    id: 'attrs.on-write',
    title: 'attributes= on POST and PUT reduces the response',
    area: 'attrs',
    level: 'SHOULD',
    source: rfc(7644, '§3.9'),
    requirement: 'Clients MAY request a partial resource representation on any operation that returns a resource within the response by specifying either of the mutually exclusive URL query parameters "attributes" or "excludedAttributes".',
    judge(x, ctx) {
      const f = reduced(x, ctx, ['userName'], 'User', `${x.request.method} …?attributes=userName`)
      return f.ok === false ? { ...f, message: `attributes= ignored on ${x.request.method}: ${f.message}` } : f
    },
  }),
  defineCheck({
    id: 'attrs.both',
    title: 'attributes and excludedAttributes together (recorded)',
    area: 'attrs',
    level: 'MAY',
    source: rfc(7644, '§3.9'),
    requirement: 'The RFC calls the two parameters mutually exclusive without saying what a server does when both are sent.',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const why = 'RFC 7644 §3.9 calls the parameters mutually exclusive but does not say how a server answers both'
      if (s === 400) return info('both parameters refused with 400', why)
      const b = bodyOf(x)
      if (s !== 200 || !b) return info(`both parameters answered ${s}`, why)
      const emails = hasCI(b, 'emails')
      const name = hasCI(b, 'name')
      const applied = !emails && !name ? 'both applied' : emails && !name ? 'attributes applied, excludedAttributes ignored' : !emails && name ? 'excludedAttributes applied, attributes ignored' : 'neither applied'
      return info(`both parameters accepted (200): ${applied}`, why)
    },
  }),
]
