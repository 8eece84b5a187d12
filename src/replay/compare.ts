import { isObject } from '../json.js'
import type { CapturedResponse } from '../http/exchange.js'
import type { ValueMap } from './rewrite.js'

/**
 * Where a replayed response differs from the recorded one, leaving out what is expected to differ between two
 * servers or two runs:
 *   - ids the server chose (compared through the id map when the resource was created in this replay),
 *   - meta.created, meta.lastModified, meta.version, meta.location, and the ETag header's value,
 *   - any pair of ISO 8601 timestamps, and the base URL inside links ($ref, Location),
 *   - the human wording of an Error's `detail`,
 *   - the order of multi-valued attributes (RFC 7643 §2.4 gives them no order),
 *   - paths the user names with --ignore.
 * A status difference is reported alone: the bodies of a 201 and a 409 differ by nature.
 */
export interface Difference {
  what: 'status' | 'header' | 'body' | 'transport'
  /** Body path (`Resources[0].name.givenName`) or header name. */
  path?: string
  recorded: string
  replayed: string
}

export interface Recorded {
  status: number
  headers: Record<string, string>
  body?: string
  /** Why the recorded body cannot be compared (an excerpt, truncated at capture). */
  bodyIncomplete?: string
  error?: { code: string; message: string }
}

export interface CompareContext {
  ids: ValueMap
  recordedBase: string
  replayBase: string
  /** Body paths left out, as given to --ignore: `totalResults`, `Resources.meta`, `urn:…:User.department`. */
  ignore: string[]
}

export const MAX_DIFFERENCES = 20

const VOLATILE_META = new Set(['created', 'lastModified', 'version', 'location'])
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

export function compareResponses(recorded: Recorded, replayed: { response?: CapturedResponse; error?: { code: string; message: string } }, ctx: CompareContext): Difference[] {
  const got = replayed.response
  if (!recorded.status && !got) return []
  if (!got) return [{ what: 'transport', recorded: `HTTP ${recorded.status}`, replayed: `no response: ${replayed.error?.message ?? 'unknown error'}` }]
  if (!recorded.status) return [{ what: 'transport', recorded: `no response: ${recorded.error?.message ?? 'unknown error'}`, replayed: `HTTP ${got.status}` }]
  if (recorded.status !== got.status) return [{ what: 'status', recorded: String(recorded.status), replayed: String(got.status) }]

  const out: Difference[] = []
  const rh = lower(recorded.headers)
  const gh = lower(got.headers)
  const media = (v?: string) => v?.split(';')[0].trim().toLowerCase()
  if (media(rh['content-type']) !== media(gh['content-type'])) out.push({ what: 'header', path: 'content-type', recorded: rh['content-type'] ?? '(absent)', replayed: gh['content-type'] ?? '(absent)' })
  for (const name of ['location', 'etag', 'www-authenticate']) {
    if ((rh[name] === undefined) !== (gh[name] === undefined)) out.push({ what: 'header', path: name, recorded: rh[name] === undefined ? '(absent)' : 'present', replayed: gh[name] === undefined ? '(absent)' : 'present' })
  }
  // `omitted`: a newer client kept only an excerpt of this body.
  if (recorded.bodyIncomplete || got.truncated || (got as { omitted?: number }).omitted !== undefined) return out
  out.push(...compareBodies(recorded.body ?? '', got, ctx))
  return out
}

function compareBodies(recordedText: string, got: CapturedResponse, ctx: CompareContext): Difference[] {
  const rec = parse(recordedText)
  const gotText = got.body
  if (recordedText.trim() === '' && gotText.trim() === '') return []
  if (recordedText.trim() === '' || gotText.trim() === '') {
    return [{ what: 'body', recorded: describeText(recordedText), replayed: describeText(gotText) }]
  }
  const rep = got.json !== undefined ? { ok: true as const, value: got.json } : parse(gotText)
  if (rec.ok && rep.ok) {
    const diffs: Difference[] = []
    diffJson(rec.value, rep.value, '', ctx, diffs, isError(rec.value))
    if (diffs.length > MAX_DIFFERENCES) {
      const more = diffs.length - MAX_DIFFERENCES
      diffs.length = MAX_DIFFERENCES
      diffs.push({ what: 'body', recorded: '…', replayed: `${more} more difference${more === 1 ? '' : 's'}` })
    }
    return diffs
  }
  if (rec.ok !== rep.ok) return [{ what: 'body', recorded: rec.ok ? 'JSON' : `not JSON: ${excerpt(recordedText)}`, replayed: rep.ok ? 'JSON' : `not JSON: ${excerpt(gotText)}` }]
  return normalise(recordedText, ctx) === gotText ? [] : [{ what: 'body', recorded: excerpt(recordedText), replayed: excerpt(gotText) }]
}

function diffJson(a: unknown, b: unknown, path: string, ctx: CompareContext, out: Difference[], inError: boolean): void {
  if (ignored(path, ctx.ignore)) return
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = path ? `${path}.${key}` : key
      if (ignored(p, ctx.ignore) || volatile(key, path, inError)) continue
      if (!(key in b)) out.push({ what: 'body', path: p, recorded: show(a[key]), replayed: '(absent)' })
      else if (!(key in a)) out.push({ what: 'body', path: p, recorded: '(absent)', replayed: show(b[key]) })
      else if (key === 'id' && typeof a[key] === 'string') {
        // Ids are the server's to choose; one this replay created must come back as the id it was given.
        const mapped = ctx.ids.get(a[key] as string)
        if (mapped !== undefined && mapped !== b[key]) out.push({ what: 'body', path: p, recorded: `${show(a[key])} (= ${mapped} in this replay)`, replayed: show(b[key]) })
      } else diffJson(a[key], b[key], p, ctx, out, inError)
    }
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push({ what: 'body', path, recorded: `${a.length} item${a.length === 1 ? '' : 's'}`, replayed: `${b.length} item${b.length === 1 ? '' : 's'}` })
      return
    }
    // Multi-valued attributes have no order: pair equal items first, then compare what is left in order.
    const left = [...b.keys()]
    const unmatched: number[] = []
    a.forEach((item, i) => {
      const j = left.findIndex((k) => same(item, b[k], `${path}[${i}]`, ctx, inError))
      if (j >= 0) left.splice(j, 1)
      else unmatched.push(i)
    })
    unmatched.forEach((i, n) => diffJson(a[i], b[left[n]], `${path}[${i}]`, ctx, out, inError))
    return
  }
  if (typeof a === 'string' && typeof b === 'string') {
    if (normalise(a, ctx) === b) return
    if (ISO_TIME.test(a) && ISO_TIME.test(b)) return
  } else if (Object.is(a, b)) return
  out.push({ what: 'body', path: path || '(body)', recorded: show(a), replayed: show(b) })
}

function same(a: unknown, b: unknown, path: string, ctx: CompareContext, inError: boolean): boolean {
  const probe: Difference[] = []
  diffJson(a, b, path, ctx, probe, inError)
  return probe.length === 0
}

function volatile(key: string, parent: string, inError: boolean): boolean {
  if (VOLATILE_META.has(key) && /(^|\.)meta$|\]\.meta$/.test(parent)) return true
  return inError && key === 'detail' && parent === ''
}

/** `Resources[0].meta` is ignored by `Resources.meta`, `Resources[0].meta` or `Resources`. */
function ignored(path: string, ignore: string[]): boolean {
  if (!path || ignore.length === 0) return false
  const bare = path.replace(/\[\d+\]/g, '')
  return ignore.some((i) => [path, bare].some((p) => p === i || p.startsWith(`${i}.`) || p.startsWith(`${i}[`)))
}

/** A recorded string as this replay would have it: recorded ids mapped, the recorded base URL swapped for the new one. */
function normalise(s: string, ctx: CompareContext): string {
  let out = ctx.ids.text(s)
  if (ctx.recordedBase && out.includes(ctx.recordedBase)) out = out.split(ctx.recordedBase).join(ctx.replayBase)
  return out
}

function isError(v: unknown): boolean {
  return isObject(v) && Array.isArray(v.schemas) && v.schemas.includes(ERROR_SCHEMA)
}


function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 120 ? `${s.slice(0, 117)}…` : s
}

function describeText(s: string): string {
  return s.trim() === '' ? '(empty)' : excerpt(s)
}

function excerpt(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > 80 ? `${one.slice(0, 77)}…` : one
}
