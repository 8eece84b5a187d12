import type { Finding } from '../checks/define.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'

export interface Owned {
  type: 'User' | 'Group'
  id: string
  name?: string
  scenario: string
  idp: string
  /** Known only from a location (Bulk): cleanup reads it back and deletes it only when it is what the run sent. */
  verify?: boolean
}

/** What the ledger saw that the run must report: a write answered with a resource that is not the one written. */
export interface OwnershipFinding extends Finding {
  check: 'safety.foreign-answer' | 'safety.write-answered-other'
}

/** A resource the server said it created but that the run could not prove is its own: never written, never deleted. */
export interface Unproven {
  type: 'User' | 'Group'
  id: string
  name?: string
  reason: string
  scenario: string
  idp: string
}

/** Any run's prefix, when the ledger is not told this run's (replays, tests): the value is still one only a run posts. */
const ANY_RUN = /^scimcheck-[0-9a-z]+-/i

/** A single resource, or anything below one (a sub-path still changes that resource). */
const RESOURCE_PATH = /\/(Users|Groups)\/([^/?#]+)(?:[/?#].*)?$/
/** Exactly one resource: what a GET must have named for its 404 to say that resource does not exist. */
const ONE_RESOURCE = /\/(Users|Groups)\/([^/?#]+)\/?$/

/**
 * Everything this run created, and the guard that keeps the run away from everything else: a PUT, PATCH or
 * DELETE on a resource is only sent when this run created it, and group membership only ever names this run's users.
 */
export class Ledger {
  private owned = new Map<string, Owned>()
  /**
   * Ids the server itself said do not exist (the last GET of that resource answered 404): a write to one touches
   * nothing of anyone's, so probes of unknown ids (PUT never creates, DELETE of an unknown id, operations on a
   * deleted resource) may be sent once the run has asked.
   */
  private absent = new Set<string>()
  /**
   * Ids the server has shown this run (in a resource or a list) that the run did not create. They are someone
   * else's, so they never count as absent, whatever a later GET answers (a flaky 404 must not unlock a write).
   */
  private foreign = new Set<string>()
  /** Ids this run created and then deleted: still only the run's own, so probes of "after delete" may address them. */
  private retired = new Set<string>()
  /**
   * --read-only: no write of any kind leaves the machine, whatever a scenario asks. `prefix` is this run's
   * `scimcheck-<runId>-`: a posted name carrying it is one nobody else can have, which is what makes an answer that
   * echoes it proof of ownership.
   */
  constructor(
    private readOnly = false,
    private prefix?: string,
  ) {}
  /** Resources the server said it created that the run could not prove are its own: listed by cleanup, never touched. */
  readonly unproven: Unproven[] = []
  /** userNames/displayNames POSTed whose answer never arrived: they may exist, so cleanup looks them up. */
  readonly uncertain: { type: 'User' | 'Group'; name: string; scenario: string; idp: string }[] = []

  list(): Owned[] {
    return [...this.owned.values()]
  }

  has(id: string): boolean {
    return this.owned.has(id)
  }

  /** Why this request must not be sent, or undefined when it is safe. */
  refuse(spec: RequestSpec, url: URL): string | undefined {
    const method = spec.method.toUpperCase()
    if (method === 'GET' || method === 'HEAD') return undefined
    if (this.readOnly && !(method === 'POST' && url.pathname.endsWith('/.search'))) return READ_ONLY
    // /Me is the account that owns the token: never the run's to change.
    if (/\/Me(\/|$)/.test(url.pathname) && !url.pathname.endsWith('/.search')) return `refused ${method} ${url.pathname}: /Me is the account that owns the token, and scim-check never changes data it did not create`
    // A write that names someone else's resource anywhere (a member, a manager, a group, a filter path) changes
    // that resource's relationships: refused, whichever attribute carries it.
    const named = this.foreign.size ? stringsIn(spec.body).find((v) => this.foreign.has(v) && !v.startsWith('urn:')) : undefined
    if (named !== undefined && !url.pathname.endsWith('/.search')) return `refused ${method} ${url.pathname}: its body names ${named}, a resource the server showed this run as someone else's, and scim-check never changes data it did not create`
    if (method === 'POST') {
      if (url.pathname.endsWith('/.search')) return undefined
      if (/\/Bulk\/?$/.test(url.pathname)) return this.refuseBulk(spec.body)
      return /\/Users\/?$/.test(url.pathname) ? this.refuseGroups(spec.body) : this.refuseMembers(spec.body)
    }
    if (/\/(Users|Groups)\/?$/.test(url.pathname)) return `refused ${method} on a whole collection (${url.pathname}): scim-check only changes single resources it created`
    const m = RESOURCE_PATH.exec(url.pathname)
    if (!m) return undefined
    const id = decode(m[2])
    if (this.foreign.has(id)) return `refused ${method} ${m[1]}/${id}: the server showed that resource to this run as someone else's, and scim-check never changes data it did not create`
    if (this.owned.get(id)?.verify) return `refused ${method} ${m[1]}/${id}: the server named it only in a Bulk answer, and scim-check writes to it only after reading it back as the run's (cleanup does)`
    if (!this.owned.has(id) && !this.absent.has(id) && !this.retired.has(id) && !this.bulkRefs.has(id)) return `refused ${method} ${m[1]}/${id}: this run did not create that resource, and scim-check never changes data it did not create`
    return m[1] === 'Groups' ? this.refuseMembers(spec.body) : this.refuseGroups(spec.body)
  }

  private refuseBulk(body: unknown): string | undefined {
    const ops = (body as { Operations?: { method?: string; path?: string; data?: unknown }[] } | undefined)?.Operations
    // A "bulkId:<id>" value names a resource created by the same request (RFC 7644 §3.7.2): the run's own.
    const defined = new Set((Array.isArray(ops) ? ops : []).map((op) => (typeof (op as { bulkId?: unknown })?.bulkId === 'string' ? `bulkId:${(op as { bulkId: string }).bulkId}` : '')).filter(Boolean))
    this.bulkRefs = defined
    try {
      return this.refuseBulkOps(ops)
    } finally {
      this.bulkRefs = new Set()
    }
  }

  private bulkRefs = new Set<string>()

  private refuseBulkOps(ops: { method?: string; path?: string; data?: unknown }[] | undefined): string | undefined {
    for (const op of Array.isArray(ops) ? ops : []) {
      const why = this.refuse({ method: String(op?.method ?? 'POST'), path: String(op?.path ?? ''), body: op?.data }, new URL(String(op?.path ?? '/'), 'http://bulk.invalid'))
      if (why) return `refused bulk request: ${why}`
    }
    return undefined
  }

  private refuseMembers(body: unknown): string | undefined {
    for (const id of valuesOf(body, 'members')) {
      if (this.foreign.has(id) || (!this.owned.has(id) && !this.absent.has(id) && !this.bulkRefs.has(id))) return `refused to put ${id} into a group: this run did not create that user`
    }
    return undefined
  }

  /** User.groups is read-only, but a server that accepted it would change someone else's group. */
  private refuseGroups(body: unknown): string | undefined {
    for (const id of valuesOf(body, 'groups')) {
      if (this.foreign.has(id) || (!this.owned.has(id) && !this.absent.has(id) && !this.bulkRefs.has(id))) return `refused to put a user into group ${id}: this run did not create that group`
    }
    return undefined
  }

  /**
   * Learn from an exchange: what it created, and what it deleted. A resource becomes the run's only when the answer
   * proves it (ownership); an answer that is visibly another resource is returned as a finding for the run to report.
   */
  observe(x: Exchange, spec: RequestSpec, url: URL): OwnershipFinding | undefined {
    const method = x.request.method
    const status = x.response?.status
    const ok = status !== undefined && status >= 200 && status < 300
    const type = /\/Groups\/?$/.test(url.pathname) ? 'Group' : /\/Users\/?$/.test(url.pathname) ? 'User' : undefined
    const json = x.response?.json
    if (method === 'POST' && type) {
      const name = nameOf(type, spec.body)
      if (ok) return this.created(x, type, spec.body, json, `POST ${url.pathname.replace(/^.*(\/(Users|Groups))\/?$/, '$1')}`)
      if (!x.response && name && this.isRunValue(name)) this.uncertain.push({ type, name, scenario: x.scenario, idp: x.idp })
      return undefined
    }
    if (method === 'POST' && url.pathname.endsWith('/.search') && status === 201) {
      // A server that creates a resource from a SearchRequest (a defect search.no-side-effect reports) still must not
      // keep it, but it is deleted only when what it holds carries this run's prefix: nothing else proves it ours.
      const kind = /\/Groups\/\.search$/.test(url.pathname) || (json as { meta?: { resourceType?: unknown } } | undefined)?.meta?.resourceType === 'Group' ? 'Group' : 'User'
      return this.created(x, kind, undefined, json, `POST ${pathTail(url)}`)
    }
    if ((method === 'PUT' || method === 'PATCH') && ok) {
      // A write to an id the server said did not exist succeeded: the server created it, and it is now the run's.
      const one = ONE_RESOURCE.exec(url.pathname)
      const id = one ? decode(one[2]) : undefined
      if (one && id && (this.absent.delete(id) || this.retired.delete(id)) && !this.owned.has(id) && !this.foreign.has(id)) this.owned.set(id, { type: one[1] === 'Groups' ? 'Group' : 'User', id, scenario: x.scenario, idp: x.idp })
      const finding = id !== undefined ? this.rekeyed(x, id, spec.body, json) : undefined
      this.noteForeign(json)
      return finding
    }
    // Discovery documents have ids too (schema URNs): they name no one's resource.
    if (ok && !/\/(Schemas|ResourceTypes|ServiceProviderConfigs?)(\/|$)/i.test(url.pathname)) this.noteForeign(json)
    if (method === 'GET' && (status === 404 || status === 200)) {
      const one = ONE_RESOURCE.exec(url.pathname)
      const id = one ? decode(one[2]) : undefined
      if (id !== undefined && status === 404 && !this.foreign.has(id)) this.absent.add(id)
      else if (id !== undefined) this.absent.delete(id)
      // A resource known only from a Bulk answer is proven the run's once read back with the name it was sent.
      const held = id !== undefined && status === 200 ? this.owned.get(id) : undefined
      if (held?.verify && (json as { id?: unknown } | undefined)?.id === id && nameOf(held.type, json)?.toLowerCase() === held.name?.toLowerCase()) delete held.verify
      return undefined
    }
    if (method === 'POST' && /\/Bulk\/?$/.test(url.pathname) && status === 200) return this.bulk(x, spec.body, json)
    if (method === 'DELETE' && (status === 204 || status === 200 || status === 404)) {
      const m = RESOURCE_PATH.exec(url.pathname)
      if (m && this.owned.delete(decode(m[2])) && status !== 404) this.retired.add(decode(m[2]))
    }
    return undefined
  }

  /** Is the id one the server has shown this run as someone else's? */
  isForeign(id: string): boolean {
    return this.foreign.has(id)
  }

  /** A name only this run posts (its prefix), so a resource that holds it is this run's. */
  isRunValue(v: unknown): v is string {
    // Compared case-insensitively: externalIds carry the prefix as `ScimCheck-<runId>-`.
    return typeof v === 'string' && (this.prefix ? v.toLowerCase().startsWith(this.prefix.toLowerCase()) : ANY_RUN.test(v))
  }

  /**
   * A 2xx answer to a create: the run's own when it is the resource the run sent (its userName or displayName, or
   * externalId, is the run-prefixed value posted) and its id was never shown as someone else's. A visibly different
   * resource is a finding and its id is foreign from now on; a resource that proves nothing is listed, never touched.
   */
  private created(x: Exchange, type: 'User' | 'Group', sent: unknown, json: unknown, what: string): OwnershipFinding | undefined {
    const name = nameOf(type, sent)
    const r = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined
    const id = typeof r?.id === 'string' ? r.id : undefined
    const labels = { scenario: x.scenario, idp: x.idp }
    if (!id) {
      // No id to hold on to: the resource may still exist, so cleanup looks it up by the name it was given.
      if (name && this.isRunValue(name)) this.uncertain.push({ type, name, ...labels })
      return undefined
    }
    const located = locatedId(x)
    const verdict = located !== undefined && located !== id ? 'other' : sent === undefined ? this.carriesRunValue(type, r!) : this.matches(type, sent, r!)
    if (located !== undefined && located !== id && !this.owned.has(located)) this.foreign.add(located)
    if (verdict === 'ours' && !this.foreign.has(id)) {
      if (!this.owned.has(id)) this.owned.set(id, { type, id, name: name ?? nameOf(type, r), ...labels })
      return undefined
    }
    if (verdict === 'other' || this.foreign.has(id) || (sent !== undefined && this.owned.has(id) && this.owned.get(id)!.name?.toLowerCase() !== name?.toLowerCase())) {
      // Not the resource sent: someone else's (or another of the run's own). Whatever was really created is looked up.
      if (!this.owned.has(id) && !this.retired.has(id)) {
        this.foreign.add(id)
        this.absent.delete(id)
      }
      if (name && this.isRunValue(name)) this.uncertain.push({ type, name, ...labels })
      return {
        check: 'safety.foreign-answer',
        ok: false,
        message: `${what} answered with a different resource (${type} ${id}${nameOf(type, r) !== undefined ? `, ${showName(type)} ${JSON.stringify(nameOf(type, r))}` : ''}); scim-check treats it as someone else's and never writes to it`,
        expected: sent === undefined ? `a resource holding this run's prefix ${this.prefix ?? 'scimcheck-<run>-'}` : short(sent),
        actual: short(json),
        exchange: x,
      }
    }
    this.unproven.push({ type, id, name: nameOf(type, r) ?? name, reason: `the server said it created this ${type} (${what}) but its answer does not show the run's own values, so scim-check cannot prove it is the run's`, ...labels })
    return undefined
  }

  /**
   * 'ours' when a run-prefixed value sent (userName/displayName or externalId) comes back equal: nobody else holds
   * it, so one is proof (a server that rewrites the other is wrong, but this is still the run's resource); 'other'
   * when nothing proves it and a value sent comes back different; otherwise 'unproven'.
   */
  private matches(type: 'User' | 'Group', sent: unknown, got: Record<string, unknown>): 'ours' | 'other' | 'unproven' {
    let proven = false
    let differs = false
    for (const [attr, caseExact] of proofAttrs(type)) {
      const want = valueOf(sent, attr)
      const have = valueOf(got, attr)
      if (typeof want !== 'string') continue
      if (have === undefined) {
        // An answer without the attribute shows nothing else either: a run-prefixed name sent is still unique to the run.
        if (attr !== 'externalId' && this.isRunValue(want) && !hasOtherName(type, got)) proven = true
        continue
      }
      // A value that differs only in case is still the value sent: a server folding a case-exact externalId has a
      // defect of its own (resource.externalId-case), not someone else's resource; it just proves nothing.
      if (typeof have !== 'string' || have.toLowerCase() !== want.toLowerCase()) differs = true
      else if (this.isRunValue(want) && (!caseExact || have === want)) proven = true
    }
    return proven ? 'ours' : differs ? 'other' : 'unproven'
  }

  /** A resource the run never described (created from a SearchRequest): ours only when it holds this run's prefix. */
  private carriesRunValue(type: 'User' | 'Group', got: Record<string, unknown>): 'ours' | 'other' | 'unproven' {
    return proofAttrs(type).some(([attr]) => this.isRunValue(valueOf(got, attr))) ? 'ours' : 'unproven'
  }

  /**
   * A PUT or PATCH answered with another id. A server that re-keys the run's own resource (it must not, RFC 7643
   * §3.1) still holds the run's data, so the ledger follows it, but only when the new id is not someone else's and
   * the answer still names the run's resource; otherwise the answer is a finding and the new id is foreign.
   */
  private rekeyed(x: Exchange, id: string, sent: unknown, json: unknown): OwnershipFinding | undefined {
    const now = (json as { id?: unknown } | undefined)?.id
    if (typeof now !== 'string' || now === id) return undefined
    const mine = this.owned.get(id)
    if (!mine) return undefined
    const r = json as Record<string, unknown>
    const got = nameOf(mine.type, r)
    const names = [mine.name, ...namesIn(mine.type, sent)].filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase())
    const same = typeof got === 'string' && names.includes(got.toLowerCase()) && this.isRunValue(got)
    if (same && !this.foreign.has(now) && !this.owned.has(now)) {
      this.owned.delete(mine.id)
      this.owned.set(now, { ...mine, id: now })
      return undefined
    }
    if (!this.owned.has(now) && !this.retired.has(now)) {
      this.foreign.add(now)
      this.absent.delete(now)
    }
    return {
      check: 'safety.write-answered-other',
      ok: false,
      message: `${x.request.method} ${mine.type === 'User' ? '/Users' : '/Groups'}/${id} answered with a different resource (${mine.type} ${now}${got !== undefined ? `, ${showName(mine.type)} ${JSON.stringify(got)}` : ''}); scim-check keeps writing only to ${id} and never to ${now}`,
      expected: `${mine.type} ${id}${mine.name ? ` (${mine.name})` : ''}`,
      actual: short(json),
      exchange: x,
    }
  }

  /**
   * Resources a BulkResponse says it created. Its answer holds only a location, which proves nothing about whose
   * resource that is: one named by an operation the run sent with its own values is held as `verify`, so cleanup reads
   * it back and deletes it only when it is what the operation sent; anything else is listed, never touched.
   */
  private bulk(x: Exchange, sent: unknown, json: unknown): OwnershipFinding | undefined {
    const ops = (sent as { Operations?: unknown } | undefined)?.Operations
    const byBulkId = new Map<string, unknown>()
    for (const op of Array.isArray(ops) ? ops : []) if (op && typeof op === 'object' && typeof (op as { bulkId?: unknown }).bulkId === 'string') byBulkId.set((op as { bulkId: string }).bulkId, (op as { data?: unknown }).data)
    let first: OwnershipFinding | undefined
    for (const created of bulkCreated(json)) {
      if (this.owned.has(created.id)) continue
      const data = created.bulkId !== undefined ? byBulkId.get(created.bulkId) : undefined
      const name = nameOf(created.type, data)
      const labels = { scenario: x.scenario, idp: x.idp }
      if (this.foreign.has(created.id)) {
        first ??= { check: 'safety.foreign-answer', ok: false, message: `POST /Bulk answered that operation ${created.bulkId ?? '(no bulkId)'} created ${created.type} ${created.id}, a resource the server showed this run as someone else's; scim-check never writes to it`, expected: short(data ?? '(the resource the operation sent)'), actual: short(json), exchange: x }
        if (name && this.isRunValue(name)) this.uncertain.push({ type: created.type, name, ...labels })
      } else if (name && this.isRunValue(name)) this.owned.set(created.id, { type: created.type, id: created.id, name, verify: true, ...labels })
      else this.unproven.push({ type: created.type, id: created.id, name, reason: 'a Bulk operation says it created this, but the run cannot match it to an operation it sent with its own values', ...labels })
    }
    return first
  }

  /** Remember the ids of resources in a response that are not the run's own. */
  private noteForeign(json: unknown): void {
    if (!json || typeof json !== 'object') return
    const note = (r: unknown) => {
      const id = r && typeof r === 'object' ? (r as { id?: unknown }).id : undefined
      if (typeof id !== 'string' || this.owned.has(id) || this.retired.has(id)) return
      this.foreign.add(id)
      this.absent.delete(id)
    }
    const resources = (json as { Resources?: unknown }).Resources
    if (Array.isArray(resources)) for (const r of resources) note(r)
    else note(json)
  }

  adopt(o: Owned): void {
    this.beforeChange?.()
    this.owned.set(o.id, o)
  }

  /** Deleted (or gone): no longer the run's concern. */
  forget(id: string): void {
    this.beforeChange?.()
    this.owned.delete(id)
  }

  /** Could not be deleted: no longer retried, but still listed wherever leftovers are listed (a second Ctrl-C too). */
  abandon(id: string): void {
    this.beforeChange?.()
    const o = this.owned.get(id)
    this.owned.delete(id)
    if (o) this.abandoned.push(o)
  }

  /** Called before cleanup changes what the run owns: the runner finishes the judging it put off, which asks the ledger. */
  beforeChange?: () => void

  /** What cleanup gave up on, in the order it gave up. */
  readonly abandoned: Owned[] = []
}

/** A path segment as the id it encodes; a malformed escape is kept as written (it then matches no id of ours). */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Ids named under `attr` (members, groups) in a resource body or PatchOp: values, and `attr[value eq "…"]` paths. */
function valuesOf(body: unknown, attr: string): string[] {
  if (!body || typeof body !== 'object') return []
  const out: string[] = []
  const b = body as Record<string, any>
  const collect = (v: unknown) => {
    for (const m of Array.isArray(v) ? v : [v]) if (m && typeof m === 'object' && 'value' in m && m.value != null) out.push(String(m.value))
  }
  const own = (o: unknown) => (o && typeof o === 'object' ? Object.entries(o).filter(([k]) => k.toLowerCase() === attr).map(([, v]) => v) : [])
  for (const v of own(b)) collect(v)
  const pathRe = new RegExp(`^${attr}(\\[.*\\])?$`, 'i')
  const filterValue = new RegExp(`^${attr}\\[\\s*value\\s+eq\\s+"((?:[^"\\\\]|\\\\.)*)"\\s*\\]$`, 'i')
  for (const op of Array.isArray(b.Operations) ? b.Operations : []) {
    const path = typeof op?.path === 'string' ? op.path.trim() : ''
    if (String(op?.op ?? '').toLowerCase() === 'remove') continue
    if (pathRe.test(path)) collect(op.value)
    const named = filterValue.exec(path)?.[1]
    if (named !== undefined) out.push(named)
    if (!path) for (const v of own(op?.value)) collect(v)
  }
  return out
}

/** Resources a BulkResponse says its POST operations created (RFC 7644 §3.7.3: `location` of each 2xx POST). */
function bulkCreated(json: unknown): { type: 'User' | 'Group'; id: string; bulkId?: string }[] {
  const ops = (json as { Operations?: unknown } | undefined)?.Operations
  const out: { type: 'User' | 'Group'; id: string; bulkId?: string }[] = []
  for (const op of Array.isArray(ops) ? ops : []) {
    const o = op as { method?: unknown; status?: unknown; location?: unknown; bulkId?: unknown }
    const code = Number(typeof o?.status === 'object' && o.status ? (o.status as { code?: unknown }).code : o?.status)
    if (String(o?.method).toUpperCase() !== 'POST' || !(code >= 200 && code < 300) || typeof o.location !== 'string') continue
    let path: string
    try {
      path = new URL(o.location, 'http://bulk.invalid').pathname
    } catch {
      continue
    }
    const m = ONE_RESOURCE.exec(path)
    if (m) out.push({ type: m[1] === 'Groups' ? 'Group' : 'User', id: decode(m[2]), ...(typeof o.bulkId === 'string' ? { bulkId: o.bulkId } : {}) })
  }
  return out
}

const READ_ONLY = 'needs writes (--read-only)'

function pathTail(url: URL): string {
  return url.pathname.replace(/^.*?(\/(Users|Groups))?(\/\.search)$/, '$1$3')
}

/** The attributes that say which resource an answer is, with whether they compare case-exactly (RFC 7643 §4.1, §4.2, §3.1). */
function proofAttrs(type: 'User' | 'Group'): [string, boolean][] {
  return type === 'User' ? [['userName', false], ['externalId', true]] : [['displayName', false], ['externalId', true]]
}

function showName(type: 'User' | 'Group'): string {
  return type === 'User' ? 'userName' : 'displayName'
}

/** A top-level attribute, its name matched case-insensitively (RFC 7643 §2.1). */
function valueOf(o: unknown, attr: string): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined
  const key = Object.keys(o).find((k) => k.toLowerCase() === attr.toLowerCase())
  return key === undefined ? undefined : (o as Record<string, unknown>)[key]
}

function nameOf(type: 'User' | 'Group', o: unknown): string | undefined {
  const v = valueOf(o, showName(type))
  return typeof v === 'string' ? v : undefined
}

/** The answer names a resource by some attribute (any of the proof attributes) even though one was left out. */
function hasOtherName(type: 'User' | 'Group', got: Record<string, unknown>): boolean {
  return proofAttrs(type).some(([attr]) => typeof valueOf(got, attr) === 'string')
}

/** userName/displayName values a PUT body or a PatchOp sets. */
function namesIn(type: 'User' | 'Group', body: unknown): string[] {
  const attr = showName(type)
  const out: string[] = []
  const direct = nameOf(type, body)
  if (direct) out.push(direct)
  const ops = valueOf(body, 'Operations')
  for (const op of Array.isArray(ops) ? ops : []) {
    const path = valueOf(op, 'path')
    const value = valueOf(op, 'value')
    if (typeof path === 'string' && path.toLowerCase() === attr.toLowerCase() && typeof value === 'string') out.push(value)
    const inner = path === undefined ? nameOf(type, value) : undefined
    if (inner) out.push(inner)
  }
  return out
}

/** The id a create's Location header names, when it names one. */
function locatedId(x: Exchange): string | undefined {
  const loc = x.response?.headers['location']
  if (!loc) return undefined
  try {
    const m = ONE_RESOURCE.exec(new URL(loc, 'http://location.invalid').pathname)
    return m ? decode(m[2]) : undefined
  } catch {
    return undefined
  }
}

/** A body for a finding's expected/actual: one line, bounded. */
function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
  return s.length > 600 ? `${s.slice(0, 600)}…` : s
}

/** Every string in a body, and the values `attr[value eq "…"]` filter paths name: where a foreign id could hide. */
function stringsIn(body: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 32) return out
  if (typeof body === 'string') {
    out.push(body)
    for (const m of body.matchAll(/\bvalue\s+eq\s+"((?:[^"\\]|\\.)*)"/gi)) out.push(m[1])
  } else if (Array.isArray(body)) for (const v of body) stringsIn(v, out, depth + 1)
  else if (body && typeof body === 'object') for (const v of Object.values(body)) stringsIn(v, out, depth + 1)
  return out
}
