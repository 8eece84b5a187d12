// Behaviour switches read by the server core at well-defined points. Faults and
// variants (faults.ts) set them; the default object is the correct server.
// A new fault that needs a new decision point adds one field here and one
// `if` where the decision is made.

export interface Flags {
  // --- store semantics ---
  /** Skip userName / group displayName uniqueness checks. */
  allowDuplicates: boolean
  /** Refuse "True"/"False" strings for boolean attributes instead of coercing them. */
  rejectStringBooleans: boolean
  /** `remove` of `members` with a value list empties the group (RFC-literal reading). */
  removeValueListRemovesAll: boolean
  /** A `remove` whose value filter matches nothing succeeds without change instead of `noTarget`. */
  removeUnmatchedSucceeds: boolean
  /** PUT assigns the resource a new id. */
  changeIdOnPut: boolean
  /** userName uniqueness and filtering compare case-sensitively. */
  userNameCaseSensitive: boolean
  /** A group keeps at most this many members and silently drops the rest (0: no limit). */
  maxGroupMembers: number

  // --- representation ---
  /** Include the stored password in responses. */
  returnPassword: boolean
  /** Leave User.groups out of every representation. */
  omitUserGroups: boolean
  /** No ETag header, no meta.version, If-Match/If-None-Match ignored, SPC etag false. */
  noEtag: boolean

  // --- queries ---
  /** Users with active=false never match a filter. */
  hideInactiveFromFilters: boolean
  /** How startIndex is turned into an offset. */
  pagination: 'correct' | 'zero-based' | 'repeats'
  /** sortBy/sortOrder ignored and SPC sort false. */
  noSort: boolean
  /** `filter` on /Schemas and /ResourceTypes is ignored instead of answered with 403. */
  discoveryFilterIgnored: boolean

  // --- PATCH ---
  /** PATCH answers 204 No Content (unless attributes/excludedAttributes ask for a body). */
  patch204: boolean

  // --- auth ---
  authDisabled: boolean
  /** A present but wrong bearer token is accepted. */
  acceptWrongToken: boolean
  /** Tokens replaced by rotation stay valid. */
  keepRotatedTokens: boolean
  /** Discovery endpoints need the bearer token too. */
  discoveryAuth: boolean
  /** /ResourceTypes and /Schemas need the bearer token; /ServiceProviderConfig stays public. */
  schemaDiscoveryAuth: boolean

  // --- ids and features ---
  /** Ids like u-17 / g-3 instead of UUIDs. */
  nonUuidIds: boolean
  /** Ids holding characters reserved in a URL path (/ ? # % space) and non-ASCII ones (é). */
  reservedCharIds: boolean
  /** SPC bulk false and POST /Bulk answers 501. */
  noBulk: boolean
  /**
   * Which schemas the server declares and stores: 'full' (core, enterprise and its own custom extension)
   * or 'minimal' (the RFC core User and Group schemas only, without the optional attributes in MINIMAL_OMITS).
   */
  schemaSet: 'full' | 'minimal'
}

export const DEFAULT_FLAGS: Readonly<Flags> = Object.freeze({
  allowDuplicates: false,
  rejectStringBooleans: false,
  removeValueListRemovesAll: false,
  removeUnmatchedSucceeds: false,
  changeIdOnPut: false,
  userNameCaseSensitive: false,
  maxGroupMembers: 0,
  returnPassword: false,
  omitUserGroups: false,
  noEtag: false,
  hideInactiveFromFilters: false,
  pagination: 'correct',
  noSort: false,
  discoveryFilterIgnored: false,
  patch204: false,
  authDisabled: false,
  acceptWrongToken: false,
  keepRotatedTokens: false,
  discoveryAuth: false,
  schemaDiscoveryAuth: false,
  nonUuidIds: false,
  reservedCharIds: false,
  noBulk: false,
  schemaSet: 'full',
})
