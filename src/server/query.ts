// Listing: filter, sort, paging (RFC 7644 §3.4.2), shared by GET on a
// resource endpoint, POST …/.search and the root endpoint.

import { resolvePath, typeOf, type ResolvedAttribute, type ResourceKind } from './attributes.js'
import { ScimError } from './errors.js'
import { compareSortKeys, compileFilter, resourceScope, sortKeyOf, type SortKey } from './evaluate.js'
import { parseFilter } from './filter.js'
import type { Flags } from './flags.js'
import { project, splitAttributeList } from './projection.js'
import { URN } from './schemas.js'
import type { ResourceRecord, Store } from './store.js'
import { isPlainObject, type Attrs } from './values.js'

export interface QueryParams {
  filter?: string
  startIndex?: number
  count?: number
  sortBy?: string
  sortOrder?: string
  attributes?: string[]
  excludedAttributes?: string[]
}

/** Lenient integer parsing: "2?" (OneLogin's trailing "?") reads as 2; garbage reads as absent. */
export function parseIntParam(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined
  if (typeof v !== 'string') return undefined
  const n = Number.parseInt(v.trim(), 10)
  return Number.isNaN(n) ? undefined : n
}

/** Query parameter names are matched case-insensitively. */
export function getParam(q: URLSearchParams, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [k, v] of q) if (k.toLowerCase() === lower) return v
  return undefined
}

export function queryFromUrl(q: URLSearchParams): QueryParams {
  const out: QueryParams = {}
  const filter = getParam(q, 'filter')
  if (filter !== undefined) out.filter = filter
  const startIndex = parseIntParam(getParam(q, 'startIndex'))
  if (startIndex !== undefined) out.startIndex = startIndex
  const count = parseIntParam(getParam(q, 'count'))
  if (count !== undefined) out.count = count
  const sortBy = getParam(q, 'sortBy')
  if (sortBy) out.sortBy = sortBy
  const sortOrder = getParam(q, 'sortOrder')
  if (sortOrder) out.sortOrder = sortOrder
  const attributes = splitAttributeList(getParam(q, 'attributes'))
  if (attributes) out.attributes = attributes
  const excluded = splitAttributeList(getParam(q, 'excludedAttributes'))
  if (excluded) out.excludedAttributes = excluded
  return out
}

/** A SearchRequest body (RFC 7644 §3.4.3); keys are matched case-insensitively. */
export function queryFromSearchBody(body: unknown): QueryParams {
  if (!isPlainObject(body)) throw new ScimError(400, 'A SearchRequest body must be a JSON object', 'invalidSyntax')
  const get = (name: string): unknown => {
    const lower = name.toLowerCase()
    for (const k of Object.keys(body)) if (k.toLowerCase() === lower) return body[k]
    return undefined
  }
  const out: QueryParams = {}
  const filter = get('filter')
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== 'string') throw new ScimError(400, 'SearchRequest.filter must be a string', 'invalidFilter')
    out.filter = filter
  }
  const startIndex = parseIntParam(get('startIndex'))
  if (startIndex !== undefined) out.startIndex = startIndex
  const count = parseIntParam(get('count'))
  if (count !== undefined) out.count = count
  const sortBy = get('sortBy')
  if (typeof sortBy === 'string' && sortBy) out.sortBy = sortBy
  const sortOrder = get('sortOrder')
  if (typeof sortOrder === 'string' && sortOrder) out.sortOrder = sortOrder
  const attributes = splitAttributeList(get('attributes'))
  if (attributes) out.attributes = attributes
  const excluded = splitAttributeList(get('excludedAttributes'))
  if (excluded) out.excludedAttributes = excluded
  return out
}

export interface QueryOptions {
  store: Store
  kinds: ResourceKind[]
  base: string
  flags: Flags
  maxResults: number
}

function compileFor(kind: ResourceKind, filter: string, opts: QueryOptions, lenient: boolean): (rec: ResourceRecord) => boolean {
  const ast = parseFilter(filter)
  const scope = resourceScope<ResourceRecord>(typeOf(kind, opts.flags.schemaSet), (rec, r) => opts.store.readAttribute(rec, r, opts.base))
  const guarded = {
    ...scope,
    resolve(path: string) {
      const r = scope.resolve(path)
      // Filtering on a never-returned attribute (password) would leak it.
      if (typeof r !== 'string' && (r.sub ?? r.attr).returned === 'never') return `"${path}" cannot be filtered`
      if (typeof r !== 'string' && r.attr.returned === 'never') return `"${path}" cannot be filtered`
      return r
    },
  }
  return compileFilter(ast, guarded, {
    unknownAsAbsent: lenient,
    caseExact: (def, r) => (opts.flags.userNameCaseSensitive && !r.container && !r.sub && r.attr.name === 'userName' ? true : def.caseExact),
  })
}

function predicates(params: QueryParams, opts: QueryOptions): Map<ResourceKind, (rec: ResourceRecord) => boolean> | undefined {
  if (params.filter === undefined) return undefined
  const out = new Map<ResourceKind, (rec: ResourceRecord) => boolean>()
  if (opts.kinds.length === 1) {
    out.set(opts.kinds[0]!, compileFor(opts.kinds[0]!, params.filter, opts, false))
    return out
  }
  // Root query: an attribute unknown to one resource type counts as unassigned
  // there (RFC 7644 §3.4.2.1); unknown to every type is still an error.
  let firstError: unknown
  for (const kind of opts.kinds) {
    try {
      out.set(kind, compileFor(kind, params.filter, opts, false))
    } catch (e) {
      firstError ??= e
      if (!(e instanceof ScimError) || e.scimType !== 'invalidFilter') throw e
    }
  }
  if (out.size === 0) throw firstError
  for (const kind of opts.kinds) if (!out.has(kind)) out.set(kind, compileFor(kind, params.filter, opts, true))
  return out
}

/**
 * `userName eq "…"` is the lookup every IdP sends before each create: answered from the store's userName index
 * (the one candidate still goes through the filter) instead of a scan, so an initial sync of 20,000 users is not
 * quadratic. userNames are unique unless a fault allows duplicates; then the scan runs, so duplicates still show.
 */
function byUserName(params: QueryParams, opts: QueryOptions): readonly ResourceRecord[] | undefined {
  if (params.filter === undefined || opts.kinds.length !== 1 || opts.kinds[0] !== 'User' || opts.flags.allowDuplicates) return undefined
  let ast
  try {
    ast = parseFilter(params.filter)
  } catch {
    return undefined
  }
  if (ast.type !== 'compare' || ast.op.toLowerCase() !== 'eq' || typeof ast.value !== 'string') return undefined
  if (!/^(urn:ietf:params:scim:schemas:core:2\.0:User:)?userName$/i.test(ast.path)) return undefined
  const found = opts.store.findUserByUserName(ast.value)
  const rec = found && opts.store.record('User', found.id)
  return rec ? [rec] : []
}

export function runQuery(params: QueryParams, opts: QueryOptions): Attrs {
  const { store, flags } = opts
  const preds = predicates(params, opts)

  let matches: readonly ResourceRecord[]
  if (!preds && opts.kinds.length === 1) {
    matches = store.records(opts.kinds[0]!)
  } else {
    const list: ResourceRecord[] = []
    const indexed = byUserName(params, opts)
    for (const kind of opts.kinds) {
      const pred = preds?.get(kind)
      const hideInactive = preds !== undefined && flags.hideInactiveFromFilters && kind === 'User'
      for (const rec of indexed ?? store.records(kind)) {
        if (pred && !pred(rec)) continue
        if (hideInactive && rec.attrs['active'] === false) continue
        list.push(rec)
      }
    }
    matches = list
  }

  if (params.sortBy && !flags.noSort) matches = sortRecords(matches, params.sortBy, params.sortOrder, opts)

  const total = matches.length
  const startIndex = Math.max(1, params.startIndex ?? 1)
  const count = Math.min(Math.max(0, params.count ?? opts.maxResults), opts.maxResults)
  let offset = startIndex - 1
  if (flags.pagination === 'zero-based') offset = startIndex
  else if (flags.pagination === 'repeats') offset = Math.max(0, startIndex - 2)
  const page = count === 0 ? [] : matches.slice(offset, offset + count)

  const resources = page.map((rec) => {
    const rendered = store.render(rec, opts.base)
    return project(typeOf(rec.kind, flags.schemaSet), rendered, params, flags)
  })
  return {
    schemas: [URN.listResponse],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  }
}

function sortRecords(records: readonly ResourceRecord[], sortBy: string, sortOrder: string | undefined, opts: QueryOptions): ResourceRecord[] {
  const resolved = new Map<ResourceKind, ResolvedAttribute>()
  for (const kind of opts.kinds) {
    const r = resolvePath(typeOf(kind, opts.flags.schemaSet), sortBy)
    if (r.kind === 'attribute' && r.value.attr.returned !== 'never') resolved.set(kind, r.value)
  }
  if (resolved.size === 0) throw new ScimError(400, `sortBy "${sortBy}" is not a known attribute`, 'invalidValue')
  const descending = sortOrder !== undefined && sortOrder.toLowerCase().startsWith('desc')
  const keyed: Array<{ rec: ResourceRecord; key: SortKey }> = records.map((rec) => {
    const r = resolved.get(rec.kind)
    if (!r) return { rec, key: undefined }
    const def = r.sub ?? r.attr
    return { rec, key: sortKeyOf(opts.store.readAttribute(rec, r, opts.base), r, def.caseExact) }
  })
  // Array.prototype.sort is stable, so equal keys keep insertion order; descending is the exact reverse ordering of keys.
  keyed.sort((a, b) => (descending ? -compareSortKeys(a.key, b.key) : compareSortKeys(a.key, b.key)))
  return keyed.map((k) => k.rec)
}
