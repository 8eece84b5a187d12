/** Small wire-format helpers every profile shares, so encoding differences between IdPs are a parameter, not a copy. */
import { segment } from '../http/segment.js'

export { segment, UnsafeSegment } from '../http/segment.js'

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const

/** A resource path with the id as one percent-encoded segment. */
export function resourcePath(type: 'Users' | 'Groups', id: unknown): string {
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`${type} id is missing (got ${JSON.stringify(id)}); did the step that creates it succeed?`)
  return `/${type}/${segment(id, `${type} id`)}`
}

/** A SCIM string literal for a filter: JSON string escaping, as RFC 7644 §3.4.2.2 defines comparison values. */
export function literal(v: string): string {
  return JSON.stringify(v)
}

export type SpaceEncoding = '%20' | '+'

/**
 * Encode query parameters in a given IdP's style: Okta and the RFC examples use %20, Entra and OneLogin '+'.
 * `trailingAmp` reproduces OneLogin's trailing '&'.
 */
export function encodeQuery(params: [string, string | number][], space: SpaceEncoding = '%20', trailingAmp = false): string {
  const enc = (s: string) => {
    const e = encodeURIComponent(s)
    return space === '+' ? e.replace(/%20/g, '+') : e
  }
  const q = params.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')
  return trailingAmp ? `${q}&` : q
}

export function patchOp(operations: Record<string, unknown>[]): Record<string, unknown> {
  return { schemas: [SCHEMA.patch], Operations: operations }
}

/** Entra (without aadOptscim062020) writes PatchOp `op` values capitalised: Add, Replace, Remove. */
export function opName(op: 'add' | 'replace' | 'remove', style: 'lower' | 'capitalised'): string {
  return style === 'lower' ? op : op[0].toUpperCase() + op.slice(1)
}

/** A query string for a `filter` (optionally after other parameters), in an IdP's encoding style. */
export function filterQuery(filter: string, opts: { space?: SpaceEncoding; before?: [string, string | number][]; after?: [string, string | number][]; trailingAmp?: boolean } = {}): string {
  return encodeQuery([...(opts.before ?? []), ['filter', filter], ...(opts.after ?? [])], opts.space ?? '%20', opts.trailingAmp ?? false)
}
