import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { COMMON_ATTRIBUTES, type AttributeDef } from '../rfc/model.js'
import { URN } from '../rfc/urns.js'
import {
  bodyOf,
  declaresCore as declares,
  excerpt,
  is2xx,
  isObject,
  req,
  resourceType,
  sentBody,
  skip,
  status,
  unjudgeable,
  type Json,
  scimTypeFinding,
} from './verify.js'

/** RFC 7644 §3.3: creating resources. Judged on the probes of scenarios/rfc/create.yaml. */

const created = (x: Exchange) => is2xx(x)

/** The 201's Location header, or undefined. */
const locationOf = (x: Exchange) => x.response?.headers['location']

function absoluteHttpUri(v: string): URL | undefined {
  try {
    const u = new URL(v)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined
  } catch {
    return undefined
  }
}

function lastSegment(u: URL): string {
  const segs = u.pathname.split('/').filter(Boolean)
  const last = segs[segs.length - 1] ?? ''
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

/** "could not judge" when the create itself failed: other checks report that failure. */
function needsCreated(x: Exchange): Finding | undefined {
  const u = unjudgeable(x)
  if (u) return u
  if (!created(x)) return skip(`${req(x)} answered ${status(x)}, so there is no created resource to judge`)
  return undefined
}

/** A 400 status finding and, separately, its scimType at its own level (catalogue §1.1: combined levels). */
function rejected400(x: Exchange, what: string, scimType: string, accepted: string): Finding[] {
  const u = unjudgeable(x)
  if (u) return [u]
  const s = status(x)!
  if (is2xx(x)) return [{ ok: false, message: `${what} answered ${s}: ${accepted}`, expected: '400', actual: excerpt(x) }]
  if (s !== 400) return [{ ok: false, message: `${what} answered ${s}, expected 400`, expected: '400', actual: excerpt(x) }]
  return [{ ok: true, message: `${what} answered 400` }, scimTypeFinding(x, scimType, what)]
}

// ---- create.reflects-input: the readWrite values sent come back ----

interface Mismatch {
  path: string
  sent: unknown
  got: unknown
}

function definitionsFor(ctx: CheckContext): { core: AttributeDef[]; extensions: Map<string, AttributeDef[]>; advertised: boolean } {
  const { type, advertised } = resourceType(ctx, 'User')
  const core = [...type.schema.attributes, ...COMMON_ATTRIBUTES.filter((c) => !type.schema.attributes.some((a) => a.name === c.name))]
  return { core, extensions: new Map(type.extensions.map((e) => [e.id.toLowerCase(), e.attributes])), advertised }
}

function findDef(defs: AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase()
  return defs?.find((d) => d.name.toLowerCase() === lower)
}

function getKey(obj: Json, key: string): unknown {
  if (key in obj) return obj[key]
  const k = Object.keys(obj).find((n) => n.toLowerCase() === key.toLowerCase())
  return k === undefined ? undefined : obj[k]
}

const SKIPPED = new Set(['schemas', 'meta', 'id', 'password', 'groups'])

function sameScalar(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return caseExact ? a === b : a.toLowerCase() === b.toLowerCase()
  return a === b
}

function compareValue(path: string, sent: unknown, got: unknown, def: AttributeDef | undefined, out: Mismatch[]): void {
  if (got === undefined || got === null) {
    out.push({ path, sent, got: '(not returned)' })
    return
  }
  if (Array.isArray(sent)) {
    const list = Array.isArray(got) ? got : [got]
    for (const el of sent) {
      if (!list.some((g) => elementMatches(el, g, def))) out.push({ path, sent: el, got: list })
    }
    return
  }
  if (isObject(sent)) {
    if (!isObject(got)) return void out.push({ path, sent, got })
    for (const [k, v] of Object.entries(sent)) compareValue(`${path}.${k}`, v, getKey(got, k), findDef(def?.subAttributes, k), out)
    return
  }
  if (!sameScalar(sent, got, def?.caseExact ?? false)) out.push({ path, sent, got })
}

function elementMatches(sent: unknown, got: unknown, def: AttributeDef | undefined): boolean {
  if (!isObject(sent)) return sameScalar(sent, got, def?.caseExact ?? false)
  if (!isObject(got)) return false
  return Object.entries(sent).every(([k, v]) => {
    const sub = findDef(def?.subAttributes, k)
    const g = getKey(got, k)
    return isObject(v) || Array.isArray(v) ? JSON.stringify(v) === JSON.stringify(g) : sameScalar(v, g, sub?.caseExact ?? false)
  })
}

/** Attributes whose value the client owns: readWrite or immutable, returned by default. */
function judgedAttribute(def: AttributeDef | undefined, advertised: boolean): boolean {
  if (!def) return !advertised
  if (def.mutability === 'readOnly' || def.mutability === 'writeOnly') return false
  return def.returned !== 'never' && def.returned !== 'request'
}

export function reflectsInput(sent: Json, got: Json, ctx: CheckContext): Mismatch[] {
  const { core, extensions, advertised } = definitionsFor(ctx)
  const out: Mismatch[] = []
  for (const [key, value] of Object.entries(sent)) {
    if (SKIPPED.has(key.toLowerCase())) continue
    const ext = key.toLowerCase().startsWith('urn:') ? extensions.get(key.toLowerCase()) : undefined
    if (key.toLowerCase().startsWith('urn:')) {
      if (!ext && advertised) continue
      const container = getKey(got, key)
      if (!isObject(value)) continue
      for (const [k, v] of Object.entries(value)) {
        const def = findDef(ext, k)
        if (!judgedAttribute(def, advertised && !!ext)) continue
        compareValue(`${key}:${k}`, v, isObject(container) ? getKey(container, k) : undefined, def, out)
      }
      continue
    }
    const def = findDef(core, key)
    if (!judgedAttribute(def, advertised)) continue
    compareValue(key, value, getKey(got, key), def, out)
  }
  return out
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v))

export const checks: CheckDef[] = [
  defineCheck({
    id: 'create.status-201',
    title: 'A successful create answers 201 Created',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement: 'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created).',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s === 201) return { ok: true, message: `${req(x)} answered 201` }
      return { ok: false, message: `${req(x)} answered ${s}, expected 201 Created`, expected: '201', actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'create.location-header',
    title: 'A 201 carries a Location header with the absolute URI of the new resource',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement: 'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP body, a JSON representation with the attribute "meta.location".',
    judge(x) {
      const n = needsCreated(x)
      if (n) return n
      const loc = locationOf(x)
      if (!loc) return { ok: false, message: `${status(x)} to ${req(x)} without Location header`, expected: 'Location: <absolute URI of the new resource>', actual: '(absent)' }
      const u = absoluteHttpUri(loc)
      if (!u) return { ok: false, message: `Location "${loc}" is not an absolute http(s) URI`, expected: 'an absolute URI', actual: loc }
      const id = bodyOf(x)?.id
      if (typeof id === 'string' && lastSegment(u) !== id) return { ok: false, message: `Location "${loc}" does not name the new resource (id ${id})`, expected: `a URI ending in /${id}`, actual: loc }
      return { ok: true, message: `Location ${loc}` }
    },
  }),
  defineCheck({
    id: 'create.location-matches-meta',
    title: 'Location equals meta.location',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement: 'The URI of the created resource SHALL be given both in the Location header and as meta.location in the body; the two name the same resource.',
    judge(x) {
      const n = needsCreated(x)
      if (n) return n
      const loc = locationOf(x)
      const meta = bodyOf(x)?.meta
      const metaLoc = isObject(meta) && typeof meta.location === 'string' ? meta.location : undefined
      if (!loc) return skip('no Location header to compare (create.location-header reports it)')
      if (!metaLoc) return skip('no meta.location in the 201 body to compare (meta.present reports it)')
      const a = absoluteHttpUri(loc)?.href ?? loc
      const b = absoluteHttpUri(metaLoc)?.href ?? metaLoc
      if (a === b) return { ok: true, message: 'Location equals meta.location' }
      return { ok: false, message: `Location ${loc} ≠ meta.location ${metaLoc}`, expected: loc, actual: metaLoc }
    },
  }),
  defineCheck({
    id: 'create.body',
    title: 'A 201 body is the created resource',
    area: 'create',
    level: 'SHOULD',
    source: rfc(7644, '§3.3'),
    requirement: "The response body SHOULD contain the service provider's representation of the newly created resource.",
    breaks: ['okta'],
    judge(x) {
      const n = needsCreated(x)
      if (n) return n
      const b = bodyOf(x)
      if (!b) return { ok: false, message: `${status(x)} with an empty body (Okta fails with "Create new user returned empty user")`, expected: 'the created resource', actual: excerpt(x) }
      if (typeof b.id !== 'string' || !b.id) return { ok: false, message: `${status(x)} body has no id, so it is not the created resource`, expected: 'a resource with id', actual: excerpt(x) }
      return { ok: true, message: `201 body is the resource ${b.id}` }
    },
  }),
  defineCheck({
    id: 'create.reflects-input',
    title: 'The readWrite values sent come back',
    area: 'create',
    level: 'SHOULD',
    source: rfc(7644, '§3.1, §3.3'),
    requirement: "The response body SHOULD contain the service provider's representation of the newly created resource; values sent come back, differing in case only where the attribute is caseExact false.",
    breaks: ['entra'],
    judge(x, ctx) {
      const n = needsCreated(x)
      if (n) return n
      const sent = sentBody(x)
      const got = bodyOf(x)
      if (!sent) return skip('the request body could not be read back')
      if (!got) return skip('the 201 has no body to compare (create.body reports it)')
      const diff = reflectsInput(sent, got, ctx)
      if (!diff.length) return { ok: true, message: 'every readWrite value sent came back' }
      const first = diff.slice(0, 4).map((d) => `${d.path} sent ${show(d.sent)} returned ${show(d.got)}`)
      return { ok: false, message: `${first.join('; ')}${diff.length > 4 ? ` (and ${diff.length - 4} more)` : ''}`, expected: 'the values sent', actual: first.join('; ') }
    },
  }),
  defineCheck({
    id: 'create.duplicate-409',
    title: 'A duplicate userName is refused with 409 Conflict',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement: 'If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a "User" resource with a duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness".',
    breaks: ['okta'],
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (is2xx(x)) return { ok: false, message: `Duplicate userName answered ${s}: a second user with the same userName was created`, expected: '409', actual: excerpt(x) }
      if (s !== 409) return { ok: false, message: `Duplicate userName answered ${s}, expected 409 Conflict`, expected: '409', actual: excerpt(x) }
      const schemas = bodyOf(x)?.schemas
      if (!Array.isArray(schemas) || !schemas.includes(URN.error)) return { ok: false, message: 'Duplicate userName answered 409 without a SCIM Error body', expected: `schemas containing ${URN.error}`, actual: excerpt(x) }
      return { ok: true, message: 'duplicate userName answered 409 with an Error body' }
    },
  }),
  defineCheck({
    id: 'create.duplicate-scimtype',
    title: 'The duplicate-create 409 has scimType "uniqueness"',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3, §3.12'),
    requirement: 'The service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness".',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      if (!x.response || x.response.status < 400) return skip(`the duplicate was not refused (${status(x)}); create.duplicate-409 reports it`)
      return scimTypeFinding(x, 'uniqueness', 'The duplicate create')
    },
  }),
  defineCheck({
    id: 'create.duplicate-case',
    title: 'A userName differing only in case is a duplicate',
    area: 'create',
    level: 'MUST',
    source: rfc(7643, '§4.1.1, §7; RFC 7644 §5, §7.8'),
    requirement: 'userName is caseExact false and MUST be unique across the service provider\'s Users, so a userName that differs only in case conflicts (409 "uniqueness").',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (is2xx(x)) return { ok: false, message: `userName differing only in case was accepted as a new user (${s})`, expected: '409 uniqueness', actual: excerpt(x) }
      if (s !== 409) return { ok: false, message: `userName differing only in case answered ${s}, expected 409 uniqueness`, expected: '409', actual: excerpt(x) }
      return { ok: true, message: 'userName differing only in case answered 409' }
    },
  }),
  defineCheck({
    id: 'create.readonly-ignored',
    title: 'readOnly attributes in a create body are ignored',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement: 'In the request body, attributes whose mutability is "readOnly" SHALL be ignored.',
    breaks: ['okta', 'entra'],
    judge(x, ctx) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (!is2xx(x)) {
        if (s === 400 && declares(ctx, 'User', 'groups') === false && sentBody(x)?.groups !== undefined) {
          return skip('the server does not declare User.groups and refused the body carrying it; the readOnly rule cannot be judged on an undeclared attribute')
        }
        return { ok: false, message: `readOnly attribute in create body rejected (${s}); it SHALL be ignored`, expected: '201, readOnly values ignored', actual: excerpt(x) }
      }
      const sentMeta = sentBody(x)?.meta
      const meta = bodyOf(x)?.meta
      if (!isObject(meta)) return skip('the 201 body has no meta to compare (meta.present reports it)')
      const applied: string[] = []
      if (isObject(sentMeta)) {
        for (const [k, v] of Object.entries(sentMeta)) if (meta[k] === v) applied.push(`meta.${k}="${String(v)}"`)
      }
      if (applied.length) return { ok: false, message: `readOnly attribute in create body applied: ${applied.join(', ')}`, expected: 'server-assigned meta', actual: applied.join(', ') }
      return { ok: true, message: 'readOnly values in the create body were ignored' }
    },
  }),
  defineCheck({
    id: 'create.userName-missing',
    title: 'A User without userName is refused with 400',
    area: 'create',
    level: 'MUST',
    source: rfc(7643, '§4.1.1; RFC 7644 §3.12 Table 9'),
    requirement: 'Each User MUST include a non-empty userName value (REQUIRED); a missing required value is answered 400 with scimType "invalidValue".',
    judge(x) {
      return rejected400(x, 'User without userName', 'invalidValue', 'a user without userName was created')
    },
  }),
  defineCheck({
    id: 'create.userName-empty',
    title: 'An empty userName is refused',
    area: 'create',
    level: 'MUST',
    source: rfc(7643, '§4.1.1'),
    requirement: 'Each User MUST include a non-empty userName value.',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s === 400) return { ok: true, message: 'empty userName answered 400' }
      if (is2xx(x)) return { ok: false, message: `Empty userName accepted (${s})`, expected: '400', actual: excerpt(x) }
      return { ok: false, message: `Empty userName answered ${s}, expected 400`, expected: '400', actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'create.unknown-schema-uri',
    title: 'Unknown schema URI in a create request (recorded)',
    area: 'create',
    level: 'MAY',
    source: rfc(7643, '§3'),
    requirement: 'RFC 7643 §3 constrains the schemas of a representation, not what a server does with an unknown URI in a request; servers accept-and-ignore or reject (catalogue §4 #20).',
    breaks: ['entra', 'onelogin'],
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (is2xx(x)) return { ok: true, message: `unknown schema URI accepted and ignored (${s})` }
      return { ok: false, message: `Unknown schema URI in request rejected (${s}): Entra group create and OneLogin's default template send such URIs`, actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'create.group',
    title: 'POST /Groups creates a group: 201 with id, Location and displayName',
    area: 'create',
    level: 'MUST',
    source: rfc(7644, '§3.3; RFC 7643 §4.2'),
    requirement: 'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created), the resource URI in Location and meta.location.',
    breaks: ['okta', 'entra', 'jumpcloud'],
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s !== 201) return { ok: false, message: `POST /Groups answered ${s}, expected 201`, expected: '201', actual: excerpt(x) }
      const b = bodyOf(x)
      const missing: string[] = []
      if (!locationOf(x)) missing.push('Location header')
      if (typeof b?.id !== 'string' || !b.id) missing.push('id')
      const sent = sentBody(x)?.displayName
      if (typeof b?.displayName !== 'string') missing.push('displayName')
      else if (typeof sent === 'string' && b.displayName !== sent) missing.push(`displayName as sent (got "${b.displayName}")`)
      if (missing.length) return { ok: false, message: `POST /Groups answered 201 without ${missing.join(', ')}`, expected: '201 with id, Location, displayName', actual: excerpt(x) }
      return { ok: true, message: `group ${b!.id} created` }
    },
  }),
  defineCheck({
    id: 'create.group-with-members',
    title: 'A group created with members lists them',
    area: 'create',
    level: 'MUST',
    source: rfc(7643, '§4.2'),
    requirement: '"members": a list of members of the Group; a group created with members holds them.',
    judge(x, ctx) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const member = ctx.args.member === undefined ? undefined : String(ctx.args.member)
      if (s !== 201) return { ok: false, message: `POST /Groups with members answered ${s}, expected 201`, expected: '201', actual: excerpt(x) }
      if (!member) return { ok: 'error', message: 'the step names no member to look for (with: {member})', reason: 'scenario error' }
      const members = bodyOf(x)?.members
      if (members === undefined) return skip('the 201 body omits members; get.group-by-id reads the group back')
      const list = Array.isArray(members) ? members : []
      if (list.some((m) => isObject(m) && String(m.value) === member)) return { ok: true, message: 'the new group lists the supplied member' }
      return { ok: false, message: 'Group created without the supplied member', expected: `members containing ${member}`, actual: JSON.stringify(members) }
    },
  }),
  defineCheck({
    id: 'create.group-displayName-missing',
    title: 'A Group without displayName is refused with 400',
    area: 'create',
    level: 'MUST',
    source: rfc(7643, '§4.2'),
    requirement: 'displayName: A human-readable name for the Group. REQUIRED. A missing required value is answered 400 with scimType "invalidValue".',
    judge(x) {
      return rejected400(x, 'Group without displayName', 'invalidValue', 'a group without displayName was created')
    },
  }),
]
