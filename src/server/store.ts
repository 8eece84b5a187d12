// In-memory resource store. Resources are plain objects kept in a Map by id
// plus an insertion-ordered array, so an unfiltered page is an array slice
// (stable order, no copy of the store) and 100k users stay small. Everything
// the server derives (meta, schemas, groups, member $ref/display/type) is
// computed when a resource is rendered, never stored.

import { randomUUID } from 'node:crypto'
import { typeOf, type ResolvedAttribute, type ResourceKind } from './attributes.js'
import { ScimError } from './errors.js'
import { DEFAULT_FLAGS, type Flags } from './flags.js'
import { applyPatch } from './patch.js'
import { URN } from './schemas.js'
import {
  assertRequired,
  assertSinglePrimary,
  cloneJson,
  deepEqual,
  isPlainObject,
  normalizeResource,
  type Attrs,
} from './values.js'

export type { ResourceKind } from './attributes.js'

export interface ResourceRecord {
  id: string
  kind: ResourceKind
  /** Canonical attribute names; extension attributes under their URN; no id/meta/schemas/groups. */
  attrs: Attrs
  created: string
  lastModified: string
  /** Global change counter; rendered as the weak ETag W/"<version>". */
  version: number
  deleted?: boolean
}

/** A rendered SCIM resource (what a client receives). */
export type ScimResource = Record<string, unknown> & { id: string }

class Collection {
  readonly byId = new Map<string, ResourceRecord>()
  private order: ResourceRecord[] = []
  private holes = 0

  add(rec: ResourceRecord): void {
    this.byId.set(rec.id, rec)
    this.order.push(rec)
  }

  remove(rec: ResourceRecord): void {
    this.byId.delete(rec.id)
    rec.deleted = true
    this.holes++
  }

  rekey(rec: ResourceRecord, newId: string): void {
    this.byId.delete(rec.id)
    rec.id = newId
    this.byId.set(newId, rec)
  }

  /** Live records in insertion order. Compacts lazily, so deletes stay O(1). Callers must not mutate it. */
  list(): readonly ResourceRecord[] {
    if (this.holes > 0) {
      this.order = this.order.filter((r) => !r.deleted)
      this.holes = 0
    }
    return this.order
  }

  get size(): number {
    return this.byId.size
  }

  clear(): void {
    this.byId.clear()
    this.order = []
    this.holes = 0
  }
}

/**
 * A JSON round trip flattens concatenated strings and gives every record the
 * same compact object shapes, which roughly halves the heap held per resource
 * (100k seeded users must stay well under the benchmark's memory budget).
 */
function compact<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}

let lastStampMs = NaN
let lastStamp = ''
/** Current time as ISO 8601; resources created in the same millisecond share one string (seeding 100k users). */
function isoNow(): string {
  const ms = Date.now()
  if (ms !== lastStampMs) {
    lastStampMs = ms
    lastStamp = new Date(ms).toISOString()
  }
  return lastStamp
}

function isoAfter(previous?: string): string {
  const now = Date.now()
  const prev = previous ? Date.parse(previous) : NaN
  // lastModified must move forward on every change, even within one millisecond.
  if (Number.isNaN(prev) || now > prev) return isoNow()
  return new Date(prev + 1).toISOString()
}

export class Store {
  /** Absolute base URL used for meta.location and $ref when no request supplies one. */
  baseUrl: string
  flags: Flags
  private readonly users = new Collection()
  private readonly groups = new Collection()
  private readonly userNames = new Map<string, string>()
  private readonly groupNames = new Map<string, string>()
  /** member id → ids of groups it is a direct member of */
  private readonly memberOf = new Map<string, Set<string>>()
  private versionSeq = 0
  private readonly idSeq: Record<ResourceKind, number> = { User: 0, Group: 0 }

  constructor(opts: { baseUrl?: string; flags?: Flags } = {}) {
    this.baseUrl = opts.baseUrl ?? 'http://127.0.0.1/scim/v2'
    this.flags = opts.flags ?? { ...DEFAULT_FLAGS }
  }

  // ---------- convenience API (tests, seeding) ----------

  createUser(input: unknown): ScimResource {
    return this.render(this.create('User', input))
  }

  createGroup(input: unknown): ScimResource {
    return this.render(this.create('Group', input))
  }

  getUser(id: string): ScimResource | undefined {
    const rec = this.record('User', id)
    return rec && this.render(rec)
  }

  getGroup(id: string): ScimResource | undefined {
    const rec = this.record('Group', id)
    return rec && this.render(rec)
  }

  listUsers(): ScimResource[] {
    return this.records('User').map((r) => this.render(r))
  }

  listGroups(): ScimResource[] {
    return this.records('Group').map((r) => this.render(r))
  }

  findUserByUserName(userName: string): ScimResource | undefined {
    const id = this.userNames.get(this.nameKey('User', userName))
    return id === undefined ? undefined : this.getUser(id)
  }

  replaceUser(id: string, input: unknown): ScimResource {
    return this.render(this.replace('User', id, input))
  }

  replaceGroup(id: string, input: unknown): ScimResource {
    return this.render(this.replace('Group', id, input))
  }

  patchUser(id: string, patchOp: unknown): ScimResource {
    return this.render(this.patch('User', id, patchOp))
  }

  patchGroup(id: string, patchOp: unknown): ScimResource {
    return this.render(this.patch('Group', id, patchOp))
  }

  deleteUser(id: string): boolean {
    return this.delete('User', id)
  }

  deleteGroup(id: string): boolean {
    return this.delete('Group', id)
  }

  get userCount(): number {
    return this.users.size
  }

  get groupCount(): number {
    return this.groups.size
  }

  clear(): void {
    this.users.clear()
    this.groups.clear()
    this.userNames.clear()
    this.groupNames.clear()
    this.memberOf.clear()
  }

  // ---------- core operations ----------

  private collection(kind: ResourceKind): Collection {
    return kind === 'User' ? this.users : this.groups
  }

  record(kind: ResourceKind, id: string): ResourceRecord | undefined {
    return this.collection(kind).byId.get(id)
  }

  /** Live records in stable insertion order; read-only view. */
  records(kind: ResourceKind): readonly ResourceRecord[] {
    return this.collection(kind).list()
  }

  count(kind: ResourceKind): number {
    return this.collection(kind).size
  }

  create(kind: ResourceKind, input: unknown): ResourceRecord {
    const rt = typeOf(kind, this.flags.schemaSet)
    const attrs = this.capMembers(kind, compact(normalizeResource(rt, input, this.flags)))
    this.validate(kind, attrs, undefined)
    const now = isoNow()
    const rec: ResourceRecord = { id: this.newId(kind), kind, attrs, created: now, lastModified: now, version: ++this.versionSeq }
    this.collection(kind).add(rec)
    this.indexName(rec, undefined)
    if (kind === 'Group') this.updateMemberships(rec.id, [], attrs['members'])
    return rec
  }

  replace(kind: ResourceKind, id: string, input: unknown): ResourceRecord {
    const rec = this.mustGet(kind, id)
    const rt = typeOf(kind, this.flags.schemaSet)
    const attrs = normalizeResource(rt, input, this.flags)
    // Clients never see writeOnly or returned:request values, so a full-object
    // PUT that omits them (Okta's GET-then-PUT) must not erase them.
    const keep = (defs: typeof rt.core.attributes, from: Attrs | undefined, to: Attrs) => {
      if (!from) return
      for (const def of defs) {
        if ((def.mutability === 'writeOnly' || def.returned === 'request') && to[def.name] === undefined && from[def.name] !== undefined) {
          to[def.name] = cloneJson(from[def.name])
        }
      }
    }
    // immutable: once set, a PUT must repeat the value (omitting it keeps it), RFC 7644 §3.5.1.
    const immutable = (defs: typeof rt.core.attributes, from: Attrs | undefined, to: Attrs, prefix: string) => {
      if (!from) return
      for (const def of defs) {
        if (def.mutability !== 'immutable' || from[def.name] === undefined) continue
        if (to[def.name] === undefined) to[def.name] = cloneJson(from[def.name])
        else if (!deepEqual(from[def.name], to[def.name])) {
          throw new ScimError(400, `"${prefix}${def.name}" is immutable and already has a value`, 'mutability')
        }
      }
    }
    keep(rt.core.attributes, rec.attrs, attrs)
    immutable(rt.core.attributes, rec.attrs, attrs, '')
    for (const ext of rt.extensions) {
      const from = rec.attrs[ext.schema.id]
      if (!isPlainObject(from)) continue
      const to = isPlainObject(attrs[ext.schema.id]) ? (attrs[ext.schema.id] as Attrs) : {}
      keep(ext.schema.attributes, from, to)
      immutable(ext.schema.attributes, from, to, `${ext.schema.id}:`)
      if (Object.keys(to).length) attrs[ext.schema.id] = to
    }
    this.validate(kind, attrs, rec)
    this.commit(rec, attrs)
    if (this.flags.changeIdOnPut) this.rekey(rec)
    return rec
  }

  patch(kind: ResourceKind, id: string, patchOp: unknown): ResourceRecord {
    const rec = this.mustGet(kind, id)
    const rt = typeOf(kind, this.flags.schemaSet)
    const attrs = applyPatch({ rt, id: rec.id, flags: this.flags }, rec.attrs, patchOp)
    this.validate(kind, attrs, rec)
    this.commit(rec, attrs)
    return rec
  }

  delete(kind: ResourceKind, id: string): boolean {
    const rec = this.record(kind, id)
    if (!rec) return false
    this.collection(kind).remove(rec)
    this.unindexName(rec)
    if (kind === 'Group') this.updateMemberships(rec.id, rec.attrs['members'], [])
    // Deleting a member removes it from every group it belonged to.
    const parents = this.memberOf.get(rec.id)
    if (parents) {
      for (const gid of [...parents]) {
        const g = this.groups.byId.get(gid)
        if (!g) continue
        const members = (g.attrs['members'] as Attrs[] | undefined) ?? []
        const kept = members.filter((m) => m['value'] !== rec.id)
        const next = { ...g.attrs }
        if (kept.length) next['members'] = kept
        else delete next['members']
        this.commit(g, next)
      }
      this.memberOf.delete(rec.id)
    }
    return true
  }

  // ---------- validation and bookkeeping ----------

  private mustGet(kind: ResourceKind, id: string): ResourceRecord {
    const rec = this.record(kind, id)
    if (!rec) throw new ScimError(404, `${kind} ${id} not found`)
    return rec
  }

  private validate(kind: ResourceKind, attrs: Attrs, self: ResourceRecord | undefined): void {
    const rt = typeOf(kind, this.flags.schemaSet)
    assertRequired(rt, attrs)
    assertSinglePrimary(rt, attrs)
    const nameAttr = kind === 'User' ? 'userName' : 'displayName'
    const name = attrs[nameAttr] as string
    if (!this.flags.allowDuplicates) {
      const owner = (kind === 'User' ? this.userNames : this.groupNames).get(this.nameKey(kind, name))
      if (owner !== undefined && owner !== self?.id) {
        throw new ScimError(409, `${nameAttr} "${name}" is already used by another ${kind}`, 'uniqueness')
      }
    }
    if (kind === 'Group') {
      for (const m of (attrs['members'] as Attrs[] | undefined) ?? []) {
        const value = m['value'] as string
        if (self && value === self.id) throw new ScimError(400, 'A group cannot be a member of itself', 'invalidValue')
        if (!this.users.byId.has(value) && !this.groups.byId.has(value)) {
          throw new ScimError(400, `Member "${value}" is not the id of an existing User or Group`, 'invalidValue')
        }
      }
    }
  }

  private nameKey(kind: ResourceKind, name: string): string {
    // userName is caseExact=false (RFC 7643 §4.1.1); Entra matches groups by displayName.
    if (kind === 'User' && this.flags.userNameCaseSensitive) return name
    const lower = name.toLowerCase()
    // Reuse the stored string when it is already lower case: one copy per user, not two.
    return lower === name ? name : lower
  }

  private indexName(rec: ResourceRecord, previous: string | undefined): void {
    const index = rec.kind === 'User' ? this.userNames : this.groupNames
    if (previous !== undefined && index.get(previous) === rec.id) index.delete(previous)
    const key = this.nameKey(rec.kind, rec.attrs[rec.kind === 'User' ? 'userName' : 'displayName'] as string)
    if (!index.has(key)) index.set(key, rec.id)
  }

  private unindexName(rec: ResourceRecord): void {
    const index = rec.kind === 'User' ? this.userNames : this.groupNames
    const key = this.nameKey(rec.kind, rec.attrs[rec.kind === 'User' ? 'userName' : 'displayName'] as string)
    if (index.get(key) === rec.id) index.delete(key)
  }

  /** The members-capped-100 fault: members past the cap are dropped without a word, as some servers do. */
  private capMembers(kind: ResourceKind, attrs: Attrs): Attrs {
    const cap = this.flags.maxGroupMembers
    const members = attrs['members']
    if (kind !== 'Group' || !cap || !Array.isArray(members) || members.length <= cap) return attrs
    return { ...attrs, members: members.slice(0, cap) }
  }

  /** Stores new attributes; the version and lastModified move only when something changed. */
  private commit(rec: ResourceRecord, attrs: Attrs): void {
    attrs = this.capMembers(rec.kind, attrs)
    if (deepEqual(rec.attrs, attrs)) return
    const nameAttr = rec.kind === 'User' ? 'userName' : 'displayName'
    const previousKey = this.nameKey(rec.kind, rec.attrs[nameAttr] as string)
    const previousMembers = rec.attrs['members']
    rec.attrs = compact(attrs)
    rec.version = ++this.versionSeq
    rec.lastModified = isoAfter(rec.lastModified)
    this.indexName(rec, previousKey)
    if (rec.kind === 'Group') this.updateMemberships(rec.id, previousMembers, attrs['members'])
  }

  private updateMemberships(groupId: string, before: unknown, after: unknown): void {
    const ids = (list: unknown) => new Set(Array.isArray(list) ? list.map((m) => (m as Attrs)['value'] as string) : [])
    const old = ids(before)
    const now = ids(after)
    for (const id of old) {
      if (now.has(id)) continue
      const set = this.memberOf.get(id)
      set?.delete(groupId)
      if (set && set.size === 0) this.memberOf.delete(id)
    }
    for (const id of now) {
      if (old.has(id)) continue
      let set = this.memberOf.get(id)
      if (!set) {
        set = new Set()
        this.memberOf.set(id, set)
      }
      set.add(groupId)
    }
  }

  private rekey(rec: ResourceRecord): void {
    const oldId = rec.id
    const newId = this.newId(rec.kind)
    this.collection(rec.kind).rekey(rec, newId)
    const index = rec.kind === 'User' ? this.userNames : this.groupNames
    for (const [k, v] of index) if (v === oldId) index.set(k, newId)
    const parents = this.memberOf.get(oldId)
    if (parents) {
      for (const gid of parents) {
        const g = this.groups.byId.get(gid)
        for (const m of (g?.attrs['members'] as Attrs[] | undefined) ?? []) if (m['value'] === oldId) m['value'] = newId
      }
      this.memberOf.delete(oldId)
      this.memberOf.set(newId, parents)
    }
    if (rec.kind === 'Group') {
      for (const m of (rec.attrs['members'] as Attrs[] | undefined) ?? []) {
        const set = this.memberOf.get(m['value'] as string)
        if (set?.delete(oldId)) set.add(newId)
      }
    }
  }

  private newId(kind: ResourceKind): string {
    // randomUUID() strings keep a large hidden backing store; a flat copy is a seventh of the size.
    // RFC 7643 §3.1 asks only that an id be unique (and not "bulkId"): a client must encode it to put it in a path.
    if (this.flags.reservedCharIds) return `${kind === 'User' ? 'u' : 'g'}/${++this.idSeq[kind]}?a#b c%2Fé-${randomUUID().slice(0, 8)}`
    if (!this.flags.nonUuidIds) return compact(randomUUID())
    const prefix = kind === 'User' ? 'u' : 'g'
    let id: string
    do id = `${prefix}-${++this.idSeq[kind]}`
    while (this.collection(kind).byId.has(id))
    return id
  }

  // ---------- rendering ----------

  versionTag(rec: ResourceRecord): string {
    return `W/"${rec.version}"`
  }

  location(kind: ResourceKind, id: string, base = this.baseUrl): string {
    return `${base}${kind === 'User' ? '/Users/' : '/Groups/'}${encodeURIComponent(id)}`
  }

  schemasOf(rec: ResourceRecord): string[] {
    const rt = typeOf(rec.kind, this.flags.schemaSet)
    return [rt.core.id, ...rt.extensions.filter((e) => isPlainObject(rec.attrs[e.schema.id])).map((e) => e.schema.id)]
  }

  metaOf(rec: ResourceRecord, base = this.baseUrl): Attrs {
    const meta: Attrs = {
      resourceType: rec.kind,
      created: rec.created,
      lastModified: rec.lastModified,
      location: this.location(rec.kind, rec.id, base),
    }
    if (!this.flags.noEtag) meta['version'] = this.versionTag(rec)
    return meta
  }

  /** User.groups: direct memberships, derived from the groups' member lists. */
  groupsOf(userId: string, base = this.baseUrl): Attrs[] {
    const out: Attrs[] = []
    for (const gid of this.memberOf.get(userId) ?? []) {
      const g = this.groups.byId.get(gid)
      if (!g) continue
      out.push({ value: gid, $ref: this.location('Group', gid, base), display: g.attrs['displayName'], type: 'direct' })
    }
    return out
  }

  membersOf(rec: ResourceRecord, base = this.baseUrl): Attrs[] {
    const members = (rec.attrs['members'] as Attrs[] | undefined) ?? []
    return members.map((m) => {
      const value = m['value'] as string
      const user = this.users.byId.get(value)
      if (user) {
        const display = user.attrs['displayName'] ?? user.attrs['userName']
        return { value, $ref: this.location('User', value, base), type: 'User', display }
      }
      const group = this.groups.byId.get(value)
      if (group) return { value, $ref: this.location('Group', value, base), type: 'Group', display: group.attrs['displayName'] }
      return { value }
    })
  }

  /** Reads a top-level attribute as a client would see it; used by filters and sorting. */
  readAttribute(rec: ResourceRecord, r: ResolvedAttribute, base = this.baseUrl): unknown {
    if (r.common) {
      switch (r.attr.name) {
        case 'id':
          return rec.id
        case 'externalId':
          return rec.attrs['externalId']
        case 'meta':
          return this.metaOf(rec, base)
        case 'schemas':
          return this.schemasOf(rec)
      }
    }
    if (r.container) {
      const c = rec.attrs[r.container]
      return isPlainObject(c) ? c[r.attr.name] : undefined
    }
    if (rec.kind === 'User' && r.attr.name === 'groups') return this.flags.omitUserGroups ? undefined : this.groupsOf(rec.id, base)
    // Stored members hold only `value`; type/display/$ref exist in the rendered form.
    if (rec.kind === 'Group' && r.attr.name === 'members' && r.sub?.name !== 'value') return this.membersOf(rec, base)
    return rec.attrs[r.attr.name]
  }

  /** The full representation (before attributes/excludedAttributes); never includes the password. */
  render(rec: ResourceRecord, base = this.baseUrl): ScimResource {
    const rt = typeOf(rec.kind, this.flags.schemaSet)
    const out: ScimResource = { schemas: this.schemasOf(rec), id: rec.id }
    const a = rec.attrs
    if (a['externalId'] !== undefined) out['externalId'] = a['externalId']
    const extensionIds = new Set(rt.extensions.map((e) => e.schema.id))
    for (const key of Object.keys(a)) {
      if (key === 'externalId' || extensionIds.has(key)) continue
      if (key === 'password' && !this.flags.returnPassword) continue
      out[key] = key === 'members' ? this.membersOf(rec, base) : cloneJson(a[key])
    }
    if (rec.kind === 'User' && !this.flags.omitUserGroups) {
      const groups = this.groupsOf(rec.id, base)
      if (groups.length) out['groups'] = groups
    }
    for (const ext of rt.extensions) {
      const c = a[ext.schema.id]
      if (!isPlainObject(c)) continue
      const copy = cloneJson(c)
      if (ext.schema.id === URN.enterprise && isPlainObject(copy['manager'])) {
        const manager = copy['manager'] as Attrs
        const mid = manager['value']
        if (typeof mid === 'string' && this.users.byId.has(mid)) manager['$ref'] = this.location('User', mid, base)
      }
      out[ext.schema.id] = copy
    }
    out['meta'] = this.metaOf(rec, base)
    return out
  }
}
