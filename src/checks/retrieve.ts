import { defineCheck, rfc, type CheckContext, type CheckDef } from './define.js'
import { requestUrl, type Exchange } from '../http/exchange.js'
import {
  bodyOf,
  creatingPost,
  excerpt,
  getCI,
  isListResponse,
  isObject,
  req,
  resourceType,
  sentBody,
  skip,
  status,
  unjudgeable,
  type Json,
} from './verify.js'

/** RFC 7644 §3.4.1: retrieving a known resource by id. Judged on the probes of scenarios/rfc/retrieve.yaml. */

function idInPath(x: Exchange): string | undefined {
  try {
    const segs = (requestUrl(x)?.pathname ?? '').split('/').filter(Boolean)
    return decodeURIComponent(segs[segs.length - 1] ?? '')
  } catch {
    return undefined
  }
}

/** 200 with a single resource carrying the requested id; otherwise the finding that says why not. */
function singleResource(x: Exchange, what: string) {
  const u = unjudgeable(x)
  if (u) return { finding: u }
  const s = status(x)!
  if (s !== 200) return { finding: { ok: false as const, message: `GET ${what} answered ${s}, expected 200`, expected: '200', actual: excerpt(x) } }
  const b = bodyOf(x)
  if (!b) return { finding: { ok: false as const, message: `GET ${what} answered 200 without a JSON resource`, expected: 'a single resource', actual: excerpt(x) } }
  if (isListResponse(b)) return { finding: { ok: false as const, message: `GET ${what} answered a ListResponse instead of the resource`, expected: 'a single resource', actual: excerpt(x) } }
  const want = idInPath(x)
  if (want !== undefined && b.id !== want) return { finding: { ok: false as const, message: `GET ${what} returned a resource with id ${JSON.stringify(b.id)}`, expected: want, actual: String(b.id) } }
  return { body: b }
}

/** Attributes the client set that the server returns by default (`always`/`default`), per its own /Schemas. */
function expectedByDefault(sent: Json, ctx: CheckContext): string[] {
  const { type, advertised } = resourceType(ctx, 'User')
  const out: string[] = []
  for (const [key, value] of Object.entries(sent)) {
    if (['schemas', 'meta', 'id', 'password', 'groups'].includes(key.toLowerCase()) || key.toLowerCase().startsWith('urn:')) continue
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue
    const def = type.schema.attributes.find((a) => a.name.toLowerCase() === key.toLowerCase())
    if (!def) {
      // Common attributes (externalId) are not in the core schema; undeclared ones only count without discovery.
      if (key.toLowerCase() === 'externalid' || !advertised) out.push(key)
      continue
    }
    if (def.returned === 'always' || def.returned === 'default') out.push(key)
  }
  return out
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'get.by-id',
    title: 'GET /Users/{id} returns that resource',
    area: 'get',
    level: 'MUST',
    source: rfc(7644, '§3.4.1'),
    requirement: 'If the resource exists, the server responds with HTTP status code 200 (OK) and includes the result in the body of the response.',
    breaks: ['okta', 'entra'],
    judge(x) {
      const r = singleResource(x, '/Users/{id}')
      return r.finding ?? { ok: true, message: `${req(x)} returned the resource` }
    },
  }),
  defineCheck({
    id: 'get.default-set',
    title: 'The default representation holds every attribute returned by default that has a value',
    area: 'get',
    level: 'MUST',
    source: rfc(7644, '§3.4, §3.9'),
    requirement: 'Without attributes/excludedAttributes the server returns the default set: every attribute whose "returned" is "always" or "default" and that has a value.',
    breaks: ['okta'],
    judge(x, ctx) {
      const r = singleResource(x, '/Users/{id}')
      if (r.finding) return skip(`there is no resource to judge (get.by-id reports ${status(x) ?? 'the failure'})`)
      const post = creatingPost(ctx, String(r.body.id))
      const sent = post && sentBody(post)
      if (!sent) return skip('the create request for this resource is not in this run, so the values it holds are unknown')
      const want = expectedByDefault(sent, ctx)
      if (!want.length) return skip('the resource was created without attributes returned by default')
      const missing = want.filter((k) => {
        const v = getCI(r.body, k)
        return v === undefined || v === null || (Array.isArray(v) && !v.length) || (isObject(v) && !Object.keys(v).length)
      })
      if (missing.length) return { ok: false, message: `Default representation lacks ${missing.join(', ')}`, expected: want.join(', '), actual: Object.keys(r.body).join(', ') }
      return { ok: true, message: `default representation holds ${want.join(', ')}` }
    },
  }),
  defineCheck({
    id: 'get.group-by-id',
    title: 'GET /Groups/{id} returns the group with its members',
    area: 'get',
    level: 'MUST',
    source: rfc(7644, '§3.4.1'),
    requirement: 'If the resource exists, the server responds with HTTP status code 200 (OK) and includes the result in the body of the response; a group lists its members.',
    breaks: ['okta', 'entra'],
    judge(x, ctx) {
      const r = singleResource(x, '/Groups/{id}')
      if (r.finding) return r.finding
      const member = ctx.args.member === undefined ? undefined : String(ctx.args.member)
      if (!member) return { ok: true, message: `${req(x)} returned the group` }
      const members = Array.isArray(r.body.members) ? r.body.members : []
      if (members.some((m: unknown) => isObject(m) && String(m.value) === member)) return { ok: true, message: `${req(x)} returned the group with its member` }
      return { ok: false, message: `GET /Groups/{id}: member ${member} missing`, expected: `members containing ${member}`, actual: JSON.stringify(r.body.members ?? '(no members)') }
    },
  }),
]
