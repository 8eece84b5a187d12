import type { Exchange, RequestSpec } from '../http/exchange.js'

export interface Owned {
  type: 'User' | 'Group'
  id: string
  name?: string
  scenario: string
  idp: string
}

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
  /** --read-only: no write of any kind leaves the machine, whatever a scenario asks. */
  constructor(private readOnly = false) {}
  /** userNames/displayNames POSTed whose answer never arrived: they may exist, so cleanup looks them up. */
  readonly uncertain: { type: 'User' | 'Group'; name: string; scenario: string; idp: string }[] = []

  get ids(): ReadonlySet<string> {
    return new Set(this.owned.keys())
  }

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
    if (this.readOnly && !(method === 'POST' && url.pathname.endsWith('/.search'))) return `refused ${method} ${url.pathname}: --read-only sends no writes`
    // /Me is the account that owns the token: never the run's to change.
    if (/\/Me(\/|$)/.test(url.pathname) && !url.pathname.endsWith('/.search')) return `refused ${method} ${url.pathname}: /Me is the account that owns the token, and scim-check never changes data it did not create`
    if (method === 'POST') {
      if (url.pathname.endsWith('/.search')) return undefined
      if (/\/Bulk\/?$/.test(url.pathname)) return this.refuseBulk(spec.body)
      return /\/Users\/?$/.test(url.pathname) ? this.refuseGroups(spec.body) : this.refuseMembers(spec.body)
    }
    if (/\/(Users|Groups)\/?$/.test(url.pathname)) return `refused ${method} on a whole collection (${url.pathname}): scim-check only changes single resources it created`
    const m = RESOURCE_PATH.exec(url.pathname)
    if (!m) return undefined
    const id = decode(m[2])
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
      if (!this.owned.has(id) && !this.absent.has(id) && !this.bulkRefs.has(id)) return `refused to put ${id} into a group: this run did not create that user`
    }
    return undefined
  }

  /** User.groups is read-only, but a server that accepted it would change someone else's group. */
  private refuseGroups(body: unknown): string | undefined {
    for (const id of valuesOf(body, 'groups')) {
      if (!this.owned.has(id) && !this.absent.has(id) && !this.bulkRefs.has(id)) return `refused to put a user into group ${id}: this run did not create that group`
    }
    return undefined
  }

  /** Learn from an exchange: what it created, and what it deleted. */
  observe(x: Exchange, spec: RequestSpec, url: URL): void {
    const method = x.request.method
    const status = x.response?.status
    const type = /\/Groups\/?$/.test(url.pathname) ? 'Group' : /\/Users\/?$/.test(url.pathname) ? 'User' : undefined
    if (method === 'POST' && type) {
      const body = spec.body as Record<string, unknown> | undefined
      const name = String((type === 'User' ? body?.userName : body?.displayName) ?? '')
      const json = x.response?.json as Record<string, unknown> | undefined
      if (status && status >= 200 && status < 300 && json && typeof json.id === 'string') {
        this.owned.set(json.id, { type, id: json.id, name, scenario: x.scenario, idp: x.idp })
      } else if (!x.response && name) {
        this.uncertain.push({ type, name, scenario: x.scenario, idp: x.idp })
      }
      return
    }
    const ok = status !== undefined && status >= 200 && status < 300
    if (method === 'POST' && url.pathname.endsWith('/.search') && status === 201) {
      // A server that creates a resource from a SearchRequest (a defect search.no-side-effect reports) still must not keep it.
      const json = x.response?.json as { id?: unknown; meta?: { resourceType?: unknown } } | undefined
      const kind = /\/Groups\/\.search$/.test(url.pathname) || json?.meta?.resourceType === 'Group' ? 'Group' : 'User'
      if (typeof json?.id === 'string' && !this.owned.has(json.id)) this.owned.set(json.id, { type: kind, id: json.id, scenario: x.scenario, idp: x.idp })
      return
    }
    if ((method === 'PUT' || method === 'PATCH') && ok) {
      // A write to an id the server said did not exist succeeded: the server created it, and it is now the run's.
      const one = ONE_RESOURCE.exec(url.pathname)
      const id = one ? decode(one[2]) : undefined
      if (one && id && (this.absent.delete(id) || this.retired.delete(id)) && !this.owned.has(id)) this.owned.set(id, { type: one[1] === 'Groups' ? 'Group' : 'User', id, scenario: x.scenario, idp: x.idp })
      // A server that gave our resource a new id on write (it must not, RFC 7643 §3.1) still holds our data: follow it.
      const now = (x.response?.json as { id?: unknown } | undefined)?.id
      const mine = id !== undefined ? this.owned.get(id) : undefined
      if (mine && typeof now === 'string' && now !== id && !this.foreign.has(now)) {
        this.owned.delete(mine.id)
        this.owned.set(now, { ...mine, id: now })
      }
      this.noteForeign(x.response?.json)
      return
    }
    if (ok) this.noteForeign(x.response?.json)
    if (method === 'GET' && (status === 404 || status === 200)) {
      const one = ONE_RESOURCE.exec(url.pathname)
      const id = one ? decode(one[2]) : undefined
      if (id !== undefined && status === 404 && !this.foreign.has(id)) this.absent.add(id)
      else if (id !== undefined) this.absent.delete(id)
      return
    }
    if (method === 'POST' && /\/Bulk\/?$/.test(url.pathname) && status === 200) {
      for (const created of bulkCreated(x.response?.json)) if (!this.owned.has(created.id)) this.owned.set(created.id, { ...created, scenario: x.scenario, idp: x.idp })
      return
    }
    if (method === 'DELETE' && (status === 204 || status === 200 || status === 404)) {
      const m = RESOURCE_PATH.exec(url.pathname)
      if (m && this.owned.delete(decode(m[2])) && status !== 404) this.retired.add(decode(m[2]))
    }
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
    this.owned.set(o.id, o)
  }

  /** Deleted (or gone): no longer the run's concern. */
  forget(id: string): void {
    this.owned.delete(id)
  }

  /** Could not be deleted: no longer retried, but still listed wherever leftovers are listed (a second Ctrl-C too). */
  abandon(id: string): void {
    const o = this.owned.get(id)
    this.owned.delete(id)
    if (o) this.abandoned.push(o)
  }

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
function bulkCreated(json: unknown): { type: 'User' | 'Group'; id: string }[] {
  const ops = (json as { Operations?: unknown } | undefined)?.Operations
  const out: { type: 'User' | 'Group'; id: string }[] = []
  for (const op of Array.isArray(ops) ? ops : []) {
    const o = op as { method?: unknown; status?: unknown; location?: unknown }
    const code = Number(typeof o?.status === 'object' && o.status ? (o.status as { code?: unknown }).code : o?.status)
    if (String(o?.method).toUpperCase() !== 'POST' || !(code >= 200 && code < 300) || typeof o.location !== 'string') continue
    let path: string
    try {
      path = new URL(o.location, 'http://bulk.invalid').pathname
    } catch {
      continue
    }
    const m = ONE_RESOURCE.exec(path)
    if (m) out.push({ type: m[1] === 'Groups' ? 'Group' : 'User', id: decode(m[2]) })
  }
  return out
}
