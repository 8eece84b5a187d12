import type { Exchange, RequestSpec } from '../http/exchange.js'

export interface Owned {
  type: 'User' | 'Group'
  id: string
  name?: string
  scenario: string
  idp: string
}

const RESOURCE_PATH = /\/(Users|Groups)\/([^/?#]+)\/?(?:[?#].*)?$/

/**
 * Everything this run created, and the guard that keeps the run away from everything else: a PUT, PATCH or
 * DELETE on a resource is only sent when this run created it, and group membership only ever names this run's users.
 */
export class Ledger {
  private owned = new Map<string, Owned>()
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
    if (method === 'POST') {
      if (url.pathname.endsWith('/.search')) return undefined
      if (/\/Bulk\/?$/.test(url.pathname)) return this.refuseBulk(spec.body)
      return this.refuseMembers(spec.body)
    }
    if (/\/(Users|Groups)\/?$/.test(url.pathname)) return `refused ${method} on a whole collection (${url.pathname}): scim-check only changes single resources it created`
    const m = RESOURCE_PATH.exec(url.pathname)
    if (!m) return undefined
    const id = decodeURIComponent(m[2])
    if (!this.owned.has(id)) return `refused ${method} ${m[1]}/${id}: this run did not create that resource, and scim-check never changes data it did not create`
    return m[1] === 'Groups' ? this.refuseMembers(spec.body) : undefined
  }

  private refuseBulk(body: unknown): string | undefined {
    const ops = (body as { Operations?: { method?: string; path?: string; data?: unknown }[] } | undefined)?.Operations
    for (const op of Array.isArray(ops) ? ops : []) {
      const why = this.refuse({ method: String(op?.method ?? 'POST'), path: String(op?.path ?? ''), body: op?.data }, new URL(String(op?.path ?? '/'), 'http://bulk.invalid'))
      if (why) return `refused bulk request: ${why}`
    }
    return undefined
  }

  private refuseMembers(body: unknown): string | undefined {
    for (const id of memberIds(body)) {
      if (!this.owned.has(id)) return `refused to put ${id} into a group: this run did not create that user`
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
    if (method === 'DELETE' && (status === 204 || status === 200 || status === 404)) {
      const m = RESOURCE_PATH.exec(url.pathname)
      if (m) this.owned.delete(decodeURIComponent(m[2]))
    }
  }

  adopt(o: Owned): void {
    this.owned.set(o.id, o)
  }

  forget(id: string): void {
    this.owned.delete(id)
  }
}

/** Member ids named in a group body or PatchOp (values of `members`, and `members[value eq "…"]` paths). */
function memberIds(body: unknown): string[] {
  if (!body || typeof body !== 'object') return []
  const out: string[] = []
  const b = body as Record<string, any>
  const collect = (v: unknown) => {
    for (const m of Array.isArray(v) ? v : [v]) if (m && typeof m === 'object' && 'value' in m && m.value != null) out.push(String(m.value))
  }
  if (Array.isArray(b.members)) collect(b.members)
  for (const op of Array.isArray(b.Operations) ? b.Operations : []) {
    const path = typeof op?.path === 'string' ? op.path : ''
    if (/^members$/i.test(path)) collect(op.value)
    if (!path && op?.value && typeof op.value === 'object' && Array.isArray(op.value.members)) collect(op.value.members)
  }
  return out
}
