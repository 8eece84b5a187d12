import { randomBytes } from 'node:crypto'
import { UsageError, TargetError } from '../errors.js'
import { HttpClient } from '../http/client.js'
import { UnsafeSegment } from '../http/segment.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import { Redactor } from '../http/redact.js'
import type { Har, HarEntry } from '../report/transcript.js'
import { cleanup } from '../runner/cleanup.js'
import { Ledger } from '../runner/ledger.js'
import type { Leftover } from '../runner/report.js'
import { compareResponses, type Difference, type Recorded } from './compare.js'
import { ValueMap } from './rewrite.js'

/**
 * `scim-check replay`: the recorded requests, in order, against another target. Ids the new target gives to
 * resources created in this replay replace the recorded ones in later paths, queries and bodies (and ETags in
 * If-Match), and each response is compared with the recorded one (see compare.ts for what may differ).
 *
 * The same safety guard as a run: a PUT, PATCH or DELETE only reaches a resource this replay created, a group
 * only ever gets members this replay created, and whatever the replay created and the recording did not
 * delete is deleted at the end.
 */
export interface ReplayOptions {
  url: string
  token?: string
  timeoutMs: number
  insecure?: boolean
  caFile?: string
  maxBodyBytes: number
  maxJsonDepth: number
  /** Extra body field names to redact. */
  redact?: string[]
  /** Body paths whose differences are not reported. */
  ignore?: string[]
  signal?: AbortSignal
  onEntry?: (e: ReplayedEntry, position: number, total: number) => void
}

export type Outcome = 'same' | 'differs' | 'skipped'

export interface ReplayedEntry {
  /** Position in the transcript's entries. */
  entry: number
  method: string
  /** As sent in this replay (ids rewritten), relative to the target. */
  path: string
  scenario?: string
  step?: string
  idp?: string
  action?: string
  recordedStatus: number
  replayedStatus?: number
  outcome: Outcome
  differences: Difference[]
  /** Why a request was not sent. */
  reason?: string
  /** Index into the replay's exchanges. */
  exchange?: number
}

export interface ReplayReport {
  recordedTarget: string
  target: string
  entries: ReplayedEntry[]
  summary: { total: number; same: number; differs: number; skipped: number }
  leftovers: Leftover[]
  /** Set when the replay stopped early (interrupted). */
  incomplete?: string
  exchanges: Exchange[]
}

/** Collection and endpoint names that end a SCIM base URL, for HAR files that do not say where they were recorded. */
const ENDPOINT = /\/(Users|Groups|ServiceProviderConfigs?|ResourceTypes|Schemas|Bulk|Me|\.search)(?=[/?#]|$)/

/** Headers that belong to the old connection or the old credentials, never replayed. */
const DROP_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'accept-encoding', 'x-api-key'])

export async function replay(har: Har, opts: ReplayOptions): Promise<ReplayReport> {
  const entries = har.log.entries
  const recordedBase = har.log._scimCheck?.target ?? inferBase(entries)
  const redactor = new Redactor(opts.redact ?? [])
  redactor.addSecret(opts.token)
  let base: URL
  try {
    base = new URL(opts.url)
  } catch {
    throw new UsageError(`--url "${opts.url}" is not a URL; expected e.g. https://staging.example.com/scim/v2`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--url must be http or https (got ${base.protocol})`)
  const target = base.toString().replace(/\/+$/, '')
  const client = new HttpClient({ baseUrl: target, token: opts.token, timeoutMs: opts.timeoutMs, insecure: opts.insecure, caFile: opts.caFile, maxBodyBytes: opts.maxBodyBytes, maxJsonDepth: opts.maxJsonDepth, redactor })
  const ledger = new Ledger()
  const ids = new ValueMap()
  const etags = new ValueMap()
  const created = createdIn(entries)
  const out: ReplayedEntry[] = []
  const finals = finalAttempts(entries)
  let anyResponse = false
  let incomplete: string | undefined
  let leftovers: Leftover[] = []
  try {
    for (let i = 0; i < entries.length; i++) {
      if (opts.signal?.aborted) {
        incomplete = 'interrupted: the replay stopped sending and cleaned up what it created'
        break
      }
      const e = entries[i]
      // A resend after a 429 is the client's business: the first attempt is replayed, compared with the last.
      if (e._scimCheck?.retry) continue
      const recordedEntry = entries[finals.get(i) ?? i]
      const result = await replayOne(i, e, recordedEntry, { client, ledger, ids, etags, created, recordedBase, target, ignore: opts.ignore ?? [] })
      if (result.exchange !== undefined) {
        const x = client.exchanges[result.exchange]
        if (x?.response) anyResponse = true
        else if (x?.error && !anyResponse && ['refused', 'dns', 'tls'].includes(x.error.code)) throw new TargetError(`cannot reach ${target}: ${x.error.message}`)
      }
      out.push(result)
      opts.onEntry?.(result, i + 1, entries.length)
    }
  } finally {
    // Whatever this replay created and the recording did not delete goes now.
    leftovers = await cleanup(client, ledger, undefined, opts.signal?.aborted ? 10_000 : 60_000)
    await client.close()
  }
  const count = (o: Outcome) => out.filter((r) => r.outcome === o).length
  return {
    recordedTarget: recordedBase,
    target: redactor.text(target),
    entries: out,
    summary: { total: out.length, same: count('same'), differs: count('differs'), skipped: count('skipped') },
    leftovers,
    incomplete,
    exchanges: client.exchanges,
  }
}

interface State {
  client: HttpClient
  ledger: Ledger
  ids: ValueMap
  etags: ValueMap
  /** Ids the recording's creates were given. */
  created: Set<string>
  recordedBase: string
  target: string
  ignore: string[]
}

async function replayOne(position: number, e: HarEntry, final: HarEntry, s: State): Promise<ReplayedEntry> {
  const labels = e._scimCheck ?? { index: position, scenario: 'replay', idp: 'replay' }
  const recordedStatus = final.response?.status ?? 0
  const base: Omit<ReplayedEntry, 'outcome' | 'differences' | 'path'> = {
    entry: position,
    method: e.request.method.toUpperCase(),
    scenario: labels.scenario,
    step: labels.step,
    idp: labels.idp,
    action: labels.action,
    recordedStatus,
  }
  const relative = relativePath(e.request.url, s.recordedBase)
  if (relative === undefined) return { ...base, path: e.request.url, outcome: 'skipped', differences: [], reason: `not under the recorded target ${s.recordedBase}` }
  let path: string
  try {
    path = s.ids.path(relative)
  } catch (err) {
    if (!(err instanceof UnsafeSegment)) throw err
    return { ...base, path: relative, outcome: 'skipped', differences: [], reason: err.message }
  }
  const never = e._scimCheck?.error?.code
  if (!e.response?.status && never && (never.startsWith('refused') || never === 'other-origin')) {
    return { ...base, path, outcome: 'skipped', differences: [], reason: `never sent in the recording either (${never})` }
  }
  const spec = specOf(e, path, s)
  const url = s.client.resolve(spec)
  // The guard reads bodies as data; what is sent stays the recorded text (ids rewritten).
  const asData: RequestSpec = { ...spec, body: typeof spec.body === 'string' ? parseJson(spec.body, true) ?? spec.body : spec.body }
  const refusal = s.ledger.refuse(asData, url)
  if (refusal) return { ...base, path, outcome: 'skipped', differences: [], reason: `${refusal}${hintFor(relative, e, s)}` }
  const x = await s.client.send(spec, { scenario: labels.scenario, step: labels.step, idp: labels.idp, action: labels.action })
  s.ledger.observe(x, asData, url)
  learn(e, final, x, s)
  // A filter on a server-chosen time selects by each server's clock: resources written in the same millisecond as the
  // one the time came from fall on either side of it, so the size of that list is volatile, its shape is not.
  const timed = /\d{4}-\d{2}-\d{2}T\d{2}(:|%3A)\d{2}/i.test(relative)
  const ignore = timed ? [...s.ignore, 'totalResults', 'itemsPerPage', 'Resources'] : s.ignore
  const differences = compareResponses(recordedOf(final), x, { ids: s.ids, recordedBase: s.recordedBase, replayBase: s.target, ignore })
  return { ...base, path, replayedStatus: x.response?.status, outcome: differences.length ? 'differs' : 'same', differences, exchange: x.index }
}

function specOf(e: HarEntry, path: string, s: State): RequestSpec {
  const headers: Record<string, string> = {}
  let auth: 'current' | 'none' | 'invalid' = 'none'
  for (const { name, value } of e.request.headers ?? []) {
    const n = name.toLowerCase()
    if (n === 'authorization') auth = 'current'
    if (DROP_HEADERS.has(n) || n.startsWith(':')) continue
    headers[n] = n === 'if-match' || n === 'if-none-match' ? s.etags.text(value) : value
  }
  // The token was redacted from the recording, so which one was sent is unknown; a request the recorded
  // server refused with 401/403 was a probe with a wrong or old token, and is replayed with a wrong one.
  const refused = e.response?.status === 401 || e.response?.status === 403
  if (auth === 'current' && refused) auth = 'invalid'
  const spec: RequestSpec = { method: e.request.method.toUpperCase(), path, headers }
  if (e.request.postData?.text !== undefined) spec.body = s.ids.body(e.request.postData.text)
  if (auth === 'none') spec.noAuth = true
  if (auth === 'invalid') spec.token = `scimcheck-replay-invalid-${randomBytes(8).toString('hex')}`
  return spec
}

/** Learn from a pair of responses: the id (and ETag) the new target gave to what the recording created. */
function learn(e: HarEntry, final: HarEntry, x: Exchange, s: State): void {
  const rec = parseJson(final.response?.content?.text)
  const got = x.response?.json as Record<string, unknown> | undefined
  const ok = (n?: number) => n !== undefined && n >= 200 && n < 300
  if (e.request.method.toUpperCase() === 'POST' && ok(final.response?.status) && ok(x.response?.status)) {
    if (typeof rec?.id === 'string' && typeof got?.id === 'string') s.ids.set(rec.id, got.id)
    // A BulkResponse names what each operation created only by location: paired by bulkId.
    for (const [from, to] of bulkPairs(rec, got)) s.ids.set(from, to)
  }
  // Timestamps are the recorded server's too: a filter on meta.created or meta.lastModified names the new target's.
  if (ok(final.response?.status) && ok(x.response?.status)) for (const [from, to] of timePairs(rec, got, s.ids)) s.ids.set(from, to)
  const recTag = headerValue(final.response?.headers, 'etag') ?? metaVersion(rec)
  const gotTag = (x.response && headerValue(Object.entries(x.response.headers).map(([name, value]) => ({ name, value })), 'etag')) ?? metaVersion(got)
  if (recTag && gotTag) s.etags.set(recTag, gotTag)
}

function recordedOf(e: HarEntry): Recorded {
  const headers: Record<string, string> = {}
  for (const { name, value } of e.response?.headers ?? []) headers[name.toLowerCase()] = value
  const meta = e._scimCheck
  const incomplete = meta?.omitted !== undefined ? 'the recording kept only an excerpt' : meta?.truncated ? 'truncated at capture' : undefined
  return { status: e.response?.status ?? 0, headers, body: e.response?.content?.text ?? '', bodyIncomplete: incomplete, error: meta?.error }
}

/** Which entry is the last attempt of each first attempt (429 resends name the first in `_scimCheck.retry.of`). */
function finalAttempts(entries: HarEntry[]): Map<number, number> {
  const byIndex = new Map<number, number>()
  entries.forEach((e, i) => {
    if (e._scimCheck && !e._scimCheck.retry) byIndex.set(e._scimCheck.index, i)
  })
  const finals = new Map<number, number>()
  entries.forEach((e, i) => {
    const of = e._scimCheck?.retry?.of
    if (of === undefined) return
    const first = byIndex.get(of)
    if (first !== undefined) finals.set(first, i)
  })
  return finals
}

function relativePath(url: string, base: string): string | undefined {
  if (base && url.startsWith(base)) {
    const rest = url.slice(base.length)
    return rest === '' || rest.startsWith('/') || rest.startsWith('?') ? rest || '/' : undefined
  }
  const m = ENDPOINT.exec(safePath(url))
  if (!m) return undefined
  const u = new URL(url)
  return u.pathname.slice(m.index) + u.search
}

/** The base URL of a HAR that does not record one: the part of the first SCIM URL before its endpoint. */
export function inferBase(entries: HarEntry[]): string {
  for (const e of entries) {
    const p = safePath(e.request.url)
    const m = ENDPOINT.exec(p)
    if (m) {
      const u = new URL(e.request.url)
      return `${u.origin}${p.slice(0, m.index)}`
    }
  }
  const first = entries[0]?.request.url
  return first ? new URL(first).origin : ''
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return ''
  }
}

/** Why a write the recording made is refused here: its create failed in this replay, or the recording did not create it. */
function hintFor(relative: string, e: HarEntry, s: State): string {
  const text = `${relative} ${e.request.postData?.text ?? ''}`
  const orphan = [...s.created].find((id) => !s.ids.has(id) && text.includes(id))
  if (orphan) return ` (the recording created ${orphan}; its create did not succeed in this replay)`
  return ' (the recording did not create it either: a replay only changes what it created)'
}

/** Ids given to resources the recording created (2xx answers to POST /Users and /Groups). */
function createdIn(entries: HarEntry[]): Set<string> {
  const out = new Set<string>()
  for (const e of entries) {
    const status = e.response?.status ?? 0
    if (e.request.method.toUpperCase() !== 'POST' || status < 200 || status >= 300 || !/\/(Users|Groups)\/?(\?|$)/.test(safePath(e.request.url))) continue
    const id = parseJson(e.response?.content?.text)?.id
    if (typeof id === 'string') out.add(id)
  }
  return out
}

function parseJson(text: string | undefined, anyShape = false): Record<string, unknown> | undefined {
  if (!text) return undefined
  try {
    const v = JSON.parse(text)
    return anyShape || (v && typeof v === 'object' && !Array.isArray(v)) ? v : undefined
  } catch {
    return undefined
  }
}

function headerValue(headers: { name: string; value: string }[] | undefined, name: string): string | undefined {
  return headers?.find((h) => h.name.toLowerCase() === name)?.value
}

function metaVersion(body: Record<string, unknown> | undefined): string | undefined {
  const v = (body?.meta as { version?: unknown } | undefined)?.version
  return typeof v === 'string' ? v : undefined
}

/** Recorded id → replayed id for each Bulk POST operation that created a resource in both (matched by bulkId). */
function bulkPairs(rec: Record<string, unknown> | undefined, got: Record<string, unknown> | undefined): [string, string][] {
  const created = (body: Record<string, unknown> | undefined) => {
    const out = new Map<string, string>()
    const ops = body?.Operations
    for (const op of Array.isArray(ops) ? ops : []) {
      const o = op as { method?: unknown; bulkId?: unknown; location?: unknown }
      if (String(o?.method).toUpperCase() !== 'POST' || typeof o.bulkId !== 'string' || typeof o.location !== 'string') continue
      const last = safePath(new URL(o.location, 'http://bulk.invalid').toString()).split('/').pop()
      if (last) out.set(o.bulkId, decodeSegment(last))
    }
    return out
  }
  const mine = created(got)
  return [...created(rec)].flatMap(([bulkId, id]) => (mine.has(bulkId) ? [[id, mine.get(bulkId)!] as [string, string]] : []))
}

/**
 * Recorded meta.created / meta.lastModified → the replayed ones, from the same resource in both answers (a single
 * resource, or list items paired through the id map), so later filters and bodies carry the new target's times.
 */
function timePairs(rec: Record<string, unknown> | undefined, got: Record<string, unknown> | undefined, ids: ValueMap): [string, string][] {
  const resources = (b: Record<string, unknown> | undefined): Record<string, unknown>[] =>
    Array.isArray(b?.Resources) ? (b!.Resources as unknown[]).filter((r): r is Record<string, unknown> => !!r && typeof r === 'object') : b && typeof b.id === 'string' ? [b] : []
  const replayed = new Map(resources(got).map((r) => [r.id, r]))
  const out: [string, string][] = []
  for (const r of resources(rec)) {
    if (typeof r.id !== 'string') continue
    const twin = replayed.get(ids.get(r.id) ?? r.id)
    if (!twin) continue
    const a = r.meta as Record<string, unknown> | undefined
    const b = twin.meta as Record<string, unknown> | undefined
    for (const key of ['created', 'lastModified']) if (typeof a?.[key] === 'string' && typeof b?.[key] === 'string') out.push([a[key] as string, b[key] as string])
  }
  return out
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
