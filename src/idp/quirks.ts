import { pathOf, type Exchange, type RequestSpec } from '../http/exchange.js'
import type { Finding } from '../checks/define.js'
import type { ActionContext, Behaviour, IdpExpectation } from './types.js'
import { accepted, answer } from './common.js'

/**
 * One way to judge an IdP quirk, for every profile. A request that carries quirks is accepted (each quirk passes),
 * refused for a reason that is not its shape (auth, existence, conflict, rate, a server error: someone else's
 * finding), or rejected. A rejection names a quirk only on proof: a minimal pair (the same request with only that
 * quirk normalised, sent once by scim-check itself, is accepted) or the server's error detail quoting the quirk's own
 * token. Without proof it is one "rejected; cause not isolated" result under the profile's generic id, never a guess.
 * Fail or info follows the behaviour's confidence: documented (D) or seen (S) fails, inferred (I) is information.
 */

export interface Quirk {
  /** `idp.<profile>.<name>`, one of the profile's expectations. */
  id: string
  /** The behaviour in one clause, for messages ("Entra sends active as the string \"False\"/\"True\""). */
  what: string
  /** Where the behaviour is documented or seen: a URL, or a citation such as "AK-11249 https://…". */
  source: string
  confidence: Behaviour['confidence']
  /** The same request with only this quirk normalised; undefined when the request does not carry it in a form that can be undone. */
  normalise?: (spec: RequestSpec) => RequestSpec | undefined
  /** The quirk's own tokens on the wire (a legacy URN, "Replace", "False"): a detail that quotes one names this quirk. */
  tokens?: (spec: RequestSpec) => string[]
  /** A method quirk (the IdP only ever PUTs): 405 or 501 for the method itself names it. */
  method?: boolean
}

/** Statuses that are about the request's credentials, target or timing, not its shape. */
const NOT_SHAPE = new Set([401, 403, 404, 409, 429])

export const NAMES: Record<string, string> = { okta: 'Okta', entra: 'Entra', onelogin: 'OneLogin', jumpcloud: 'JumpCloud', ping: 'Ping', generic: 'generic' }

/** The generic id a profile reports an unexplained rejection under. */
export const rejectedId = (idp: string) => `idp.${idp}.request-rejected`

/** The expectation entry for `rejectedId`, for a profile's EXPECTATIONS list. */
export function rejectedExpectation(idp: string, url: string): IdpExpectation {
  const name = NAMES[idp] ?? idp
  return {
    id: rejectedId(idp),
    title: `${name}'s request is accepted as ${name} sends it`,
    source: { idp, behaviour: `${name} sends its requests in the shapes listed by scim-check list idps; a rejection whose cause no minimal pair or error detail isolates is reported once, here`, url },
  }
}

export type Verdict = 'accepted' | 'not-judged' | 'proven' | 'not-isolated' | 'none'

/**
 * Judge `x`, sent from `spec`, against the quirks it carries, and report the result on `ctx`. `spec` must be the
 * request exactly as the profile sent it (before the runner adds auth), so a minimal pair differs in one quirk only.
 */
export async function judgeQuirks(ctx: ActionContext, x: Exchange, spec: RequestSpec, quirks: Quirk[]): Promise<Verdict> {
  const s = x.response?.status
  if (s === undefined || quirks.length === 0) return 'none'
  if (s >= 200 && s < 300) {
    const seen = new Set<string>()
    for (const q of quirks) if (!seen.has(q.id) && seen.add(q.id)) ctx.expectation(q.id, { ok: true, message: `${q.what}: accepted (${s})`, exchange: x })
    return 'accepted'
  }
  if (s < 400 || NOT_SHAPE.has(s) || (s >= 500 && s !== 501)) return 'not-judged'

  const methodQuirk = quirks.find((q) => q.method && (s === 405 || s === 501))
  if (methodQuirk) {
    report(ctx, methodQuirk, x, `the server refuses the method itself (${s})`)
    return 'proven'
  }
  // A method quirk is only implicated by 405/501; any other rejection is about what the request carries.
  const shaped = quirks.filter((q) => !q.method)
  const implicated = shaped.length ? shaped : quirks
  const tried: string[] = []
  if (ctx.diagnose) {
    for (const q of implicated) {
      const pair = q.normalise?.(spec)
      if (!pair) continue
      const y = await ctx.send({ ...pair, purpose: 'diagnostic' })
      tried.push(`${q.id} normalised → ${y.response?.status ?? 'no answer'}`)
      // 409 is also proof: the normalised request got past the shape check to a conflict with existing data (a
      // duplicate create), which the original rejection never reached.
      if (!accepted(y) && !(y.response?.status === 409 && s === 400)) continue
      const changed = pair.method.toUpperCase() !== 'GET'
        ? `; that diagnostic ${pair.method.toUpperCase() === 'POST' ? 'created a resource (owned and cleaned up by this run like the rest)' : 'changed the resource'}, so later steps judge what the server now holds`
        : ''
      const got = y.response!.status === 409 ? '409 (it reached the duplicate check the original never did)' : String(y.response!.status)
      report(ctx, q, x, `a minimal pair proves it: the same request with only this quirk normalised (${requestLine(y)}, sent by scim-check as a diagnostic, not by ${name(ctx)}) was answered ${got}${accepted(y) ? changed : ''}`)
      return 'proven'
    }
  }
  const named = implicated.map((q) => [q, tokenIn(x, spec, q)] as const).find(([, t]) => t !== undefined)
  if (named) {
    report(ctx, named[0], x, `the server's error detail quotes its token ${quote(named[1])}`)
    return 'proven'
  }
  const why = !ctx.diagnose
    ? 'diagnosis by minimal pairs is off (--no-diagnose or --read-only)'
    : tried.length
      ? `no single normalised quirk was accepted (${tried.join('; ')})`
      : 'none of its quirks can be normalised on its own'
  const inferred = implicated.every((q) => q.confidence === 'I')
  const finding: Finding = {
    ok: inferred ? 'info' : false,
    message: `${name(ctx)}'s ${requestLine(x)} was rejected; cause not isolated: ${answer(x)}. The request carries: ${implicated.map((q) => `${q.what} (${cite(q.source)})`).join('; ')}. ${why}`,
    expected: 'the request accepted as the IdP sends it',
    actual: String(s),
    exchange: x,
  }
  if (inferred) finding.reason = `inferred ${name(ctx)} shape: recorded, not failed`
  ctx.expectation(rejectedId(ctx.idp), finding)
  return 'not-isolated'
}

function report(ctx: ActionContext, q: Quirk, x: Exchange, proof: string): void {
  const inferred = q.confidence === 'I'
  ctx.expectation(q.id, {
    ok: inferred ? 'info' : false,
    message: `${q.what} (${cite(q.source)}); ${answer(x)}, and ${proof}`,
    reason: inferred ? `inferred ${name(ctx)} shape: recorded, not failed` : undefined,
    expected: 'the request accepted as the IdP sends it',
    actual: String(x.response!.status),
    exchange: x,
  })
}

function tokenIn(x: Exchange, spec: RequestSpec, q: Quirk): string | undefined {
  const detail = detailOf(x)
  if (!detail) return undefined
  // Only a quoted token counts: "Unsupported op \"Replace\"" names the op, a detail that merely says "replace" does not.
  return (q.tokens?.(spec) ?? []).find((t) => t !== '' && (detail.includes(`"${t}"`) || detail.includes(`'${t}'`)))
}

function detailOf(x: Exchange): string {
  const d = (x.response?.json as { detail?: unknown } | undefined)?.detail
  return typeof d === 'string' ? d : ''
}

const cite = (source: string) => (/^https?:/.test(source) ? `source: ${source}` : source)
const quote = (t: string | undefined) => (t === undefined ? '(nothing)' : JSON.stringify(t))
const name = (ctx: ActionContext) => NAMES[ctx.idp] ?? ctx.idp

function requestLine(x: Exchange): string {
  return `${x.request.method} ${pathOf(x)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisers shared by several profiles: each returns the request with one quirk undone, or undefined when the
// request does not carry it.

type Op = Record<string, unknown>

/** A copy of a PATCH spec with each operation passed through `fn` (undefined when nothing changed). */
export function mapOps(spec: RequestSpec, fn: (op: Op) => Op | Op[]): RequestSpec | undefined {
  const body = spec.body as { Operations?: unknown } | undefined
  if (!body || !Array.isArray(body.Operations)) return undefined
  const ops = (body.Operations as Op[]).flatMap((op) => fn(op))
  if (JSON.stringify(ops) === JSON.stringify(body.Operations)) return undefined
  return { ...spec, body: { ...body, Operations: ops } }
}

/** A copy of a spec whose JSON body is changed by `fn` (undefined when nothing changed). */
export function mapBody(spec: RequestSpec, fn: (body: Record<string, any>) => Record<string, any>): RequestSpec | undefined {
  if (!spec.body || typeof spec.body !== 'object' || Array.isArray(spec.body)) return undefined
  const before = JSON.stringify(spec.body)
  const after = fn(structuredClone(spec.body as Record<string, any>))
  return JSON.stringify(after) === before ? undefined : { ...spec, body: after }
}

/** "Replace" → "replace". */
export const lowerOps = (spec: RequestSpec) => mapOps(spec, (op) => (typeof op.op === 'string' ? { ...op, op: op.op.toLowerCase() } : op))

/** Ops whose name is not lower-case, as written. */
export const opTokens = (spec: RequestSpec): string[] => {
  const ops = (spec.body as { Operations?: Op[] } | undefined)?.Operations
  return Array.isArray(ops) ? [...new Set(ops.map((o) => o.op).filter((o): o is string => typeof o === 'string' && o !== o.toLowerCase()))] : []
}

/** "True"/"False" at path active → JSON booleans (also inside a path-less value object). */
export const jsonBooleans = (spec: RequestSpec) =>
  mapOps(spec, (op) => {
    const fix = (v: unknown) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v)
    if (typeof op.path === 'string' && op.path.toLowerCase() === 'active') return { ...op, value: fix(op.value) }
    if (op.path === undefined && op.value && typeof op.value === 'object' && !Array.isArray(op.value)) {
      return { ...op, value: Object.fromEntries(Object.entries(op.value as Op).map(([k, v]) => [k, k.toLowerCase() === 'active' ? fix(v) : v])) }
    }
    return op
  })

/** The string booleans a PATCH carries for active, as written. */
export const booleanTokens = (spec: RequestSpec): string[] => {
  const ops = (spec.body as { Operations?: Op[] } | undefined)?.Operations ?? []
  const out: string[] = []
  for (const op of Array.isArray(ops) ? ops : []) {
    const v = typeof op.path === 'string' && op.path.toLowerCase() === 'active' ? op.value : (op.value as Op | undefined)?.active
    if (typeof v === 'string') out.push(v)
  }
  return out
}

/** A PATCH op {op, value: {a: x, b: y}} without a path → one op per key with a path. */
export const withPaths = (spec: RequestSpec) =>
  mapOps(spec, (op) => (op.path === undefined && op.value && typeof op.value === 'object' && !Array.isArray(op.value) ? Object.entries(op.value as Op).map(([path, value]) => ({ op: op.op, path, value })) : op))

/** "remove" of path members with a value list → one "remove" per member with a value filter path. */
export const memberFilterRemove = (spec: RequestSpec) =>
  mapOps(spec, (op) => {
    if (String(op.op).toLowerCase() !== 'remove' || String(op.path).toLowerCase() !== 'members' || !Array.isArray(op.value)) return op
    return (op.value as Op[]).map((m) => ({ op: op.op, path: `members[value eq ${JSON.stringify(String(m?.value))}]` }))
  })

/** Member objects without "$ref": null. */
export const dropNullRefs = (spec: RequestSpec) =>
  mapOps(spec, (op) => (Array.isArray(op.value) ? { ...op, value: (op.value as Op[]).map((m) => (m && typeof m === 'object' && m.$ref === null ? Object.fromEntries(Object.entries(m).filter(([k]) => k !== '$ref')) : m)) } : op))

/** The enterprise manager as {"value": id} instead of the bare id. */
export const managerObject = (spec: RequestSpec) =>
  mapOps(spec, (op) => {
    const isManager = (p: unknown) => typeof p === 'string' && /(^|:)manager$/i.test(p)
    if (isManager(op.path) && typeof op.value === 'string') return { ...op, value: { value: op.value } }
    if (op.path === undefined && op.value && typeof op.value === 'object' && !Array.isArray(op.value)) {
      return { ...op, value: Object.fromEntries(Object.entries(op.value as Op).map(([k, v]) => [k, isManager(k) && typeof v === 'string' ? { value: v } : v])) }
    }
    return op
  })

/** The request without body keys the server assigns or derives (id, meta, groups) or the IdP adds on top (password, roles). */
export const dropKeys = (...keys: string[]) => (spec: RequestSpec) =>
  mapBody(spec, (b) => Object.fromEntries(Object.entries(b).filter(([k]) => !keys.includes(k.toLowerCase()))))

/** Those keys as they appear in the body, for detail matching. */
export const keyTokens = (...keys: string[]) => (spec: RequestSpec): string[] =>
  spec.body && typeof spec.body === 'object' ? Object.keys(spec.body as object).filter((k) => keys.includes(k.toLowerCase())) : []

/** Only the listed schema URIs kept (drops a vendor schema URI). */
export const keepSchemas = (keep: (urn: string) => boolean) => (spec: RequestSpec) =>
  mapBody(spec, (b) => (Array.isArray(b.schemas) ? { ...b, schemas: b.schemas.filter((u: unknown) => typeof u === 'string' && keep(u)) } : b))

/** Send a profile's request and judge the quirks it carries: the one call profiles make for a quirk-carrying write. */
export async function sendJudged(ctx: ActionContext, spec: RequestSpec, quirks: Quirk[]): Promise<Exchange> {
  const x = await ctx.send(spec)
  await judgeQuirks(ctx, x, spec, quirks)
  return x
}
