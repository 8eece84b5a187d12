import type { ErrorObject, ValidateFunction } from 'ajv'
import listResponse from './messages/list-response.json' with { type: 'json' }
import errorMessage from './messages/error.json' with { type: 'json' }
import patchOp from './messages/patch-op.json' with { type: 'json' }
import searchRequest from './messages/search-request.json' with { type: 'json' }
import bulkRequest from './messages/bulk-request.json' with { type: 'json' }
import bulkResponse from './messages/bulk-response.json' with { type: 'json' }
import { lazyValidator } from './ajv.js'
import { RFC_RESOURCE_TYPES, RFC_SCHEMAS, type ResourceTypeModel, type SchemaDef } from './model.js'
import { isObject, normalizeResource, type CaseDifference } from './normalize.js'
import { problemsOf, type Problem } from './problems.js'
import { NEVER_MARK, documentJsonSchema, resourceJsonSchema, type TranslateOptions } from './translate.js'

export interface Validation {
  ok: boolean
  problems: Problem[]
  /** Attribute names spelled differently from their declaration (RFC 7643 §2.1 allows it; a check may warn). */
  caseDifferences: CaseDifference[]
}

export interface ResourceOptions {
  /** A full default representation: `required` is enforced. False after attributes/excludedAttributes. */
  full?: boolean
  /** Reject undeclared attributes (meaningful with the server's own schemas). */
  strict?: boolean
}

/** Why a `not` schema forbids a value: the characteristic the translation recorded, if any. */
const neverWhy = (e: ErrorObject): string | undefined => {
  const why = typeof e.parentSchema === 'object' ? (e.parentSchema as Record<string, unknown>)[NEVER_MARK] : undefined
  return typeof why === 'string' ? why : undefined
}

function run(fn: ValidateFunction, value: unknown, caseDifferences: CaseDifference[] = []): Validation {
  const ok = fn(value) as boolean
  return { ok, problems: ok ? [] : problemsOf(fn.errors, neverWhy), caseDifferences }
}

// ---- resources (User, Group, Enterprise User), by a resource type model ----

const resourceValidators = new WeakMap<ResourceTypeModel, Map<string, () => ValidateFunction>>()

/** Validate a User/Group representation against a resource type (the RFC's or one the server advertises). */
export function validateResourceAs(type: ResourceTypeModel, resource: unknown, o: ResourceOptions = {}): Validation {
  if (!isObject(resource)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object', kind: 'type' }], caseDifferences: [] }
  const opts: TranslateOptions = { full: o.full ?? false, strict: o.strict ?? false }
  const key = `${opts.full}/${opts.strict}`
  let byKey = resourceValidators.get(type)
  if (!byKey) resourceValidators.set(type, (byKey = new Map()))
  let get = byKey.get(key)
  if (!get) byKey.set(key, (get = lazyValidator(() => resourceJsonSchema(type, opts))))
  const { value, caseDifferences } = normalizeResource(resource, type)
  return run(get(), value, caseDifferences)
}

const [RFC_USER, RFC_GROUP] = RFC_RESOURCE_TYPES

/** RFC 7643 §4.1 User, with the enterprise extension of §4.3 under its URN. */
export const validateUser = (resource: unknown, o?: ResourceOptions) => validateResourceAs(RFC_USER, resource, o)
/** RFC 7643 §4.2 Group. */
export const validateGroup = (resource: unknown, o?: ResourceOptions) => validateResourceAs(RFC_GROUP, resource, o)

const ENTERPRISE_ONLY: ResourceTypeModel = { name: 'EnterpriseUser', endpoint: '', schema: RFC_SCHEMAS.enterpriseUser, extensions: [], unresolved: [] }
function enterpriseJsonSchema(): Record<string, unknown> {
  const s = resourceJsonSchema(ENTERPRISE_ONLY, { full: false, strict: true })
  // The extension object holds only its own attributes: no schemas, id or meta inside it.
  const props = { ...(s.properties as Record<string, unknown>) }
  for (const common of ['schemas', 'id', 'externalId', 'meta']) delete props[common]
  return { ...s, properties: props }
}
const enterpriseValidator = lazyValidator(enterpriseJsonSchema)
/** RFC 7643 §4.3: the object found under `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
export function validateEnterpriseUser(extension: unknown): Validation {
  if (!isObject(extension)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object', kind: 'type' }], caseDifferences: [] }
  const { value, caseDifferences } = normalizeResource(extension, ENTERPRISE_ONLY)
  return run(enterpriseValidator(), value, caseDifferences)
}

// ---- discovery documents (RFC 7643 §5, §6, §7) ----

const DOCUMENTS = [RFC_SCHEMAS.serviceProviderConfig, RFC_SCHEMAS.resourceType, RFC_SCHEMAS.schema]

function documentValidator(schema: SchemaDef) {
  const full = lazyValidator(() => documentJsonSchema(schema, { full: true, strict: false }))
  return (doc: unknown): Validation => (isObject(doc) ? run(full(), doc) : { ok: false, problems: [{ path: '', message: 'must be a JSON object', kind: 'type' }], caseDifferences: [] })
}

export const validateServiceProviderConfig = documentValidator(RFC_SCHEMAS.serviceProviderConfig)
export const validateResourceType = documentValidator(RFC_SCHEMAS.resourceType)
export const validateSchema = documentValidator(RFC_SCHEMAS.schema)

// ---- protocol messages (RFC 7644), hand-written and lenient ----

function messageValidator(schema: Record<string, unknown>) {
  const fn = lazyValidator(() => schema)
  return (body: unknown): Validation => run(fn(), body)
}

export const validateListResponse = messageValidator(listResponse)
export const validateError = messageValidator(errorMessage)
export const validatePatchOp = messageValidator(patchOp)
export const validateSearchRequest = messageValidator(searchRequest)
export const validateBulkRequest = messageValidator(bulkRequest)
export const validateBulkResponse = messageValidator(bulkResponse)

const MESSAGES = [listResponse, errorMessage, patchOp, searchRequest, bulkRequest, bulkResponse]

/**
 * The JSON Schemas `npm run build` generates validators for (src/rfc/precompile.ts): every message and document
 * schema, and each resource type given (the RFC's by default) in all four full/strict variants. A type whose
 * schemas differ (a server's own /Schemas) is compiled when first met.
 */
export function standaloneSchemas(types: readonly ResourceTypeModel[] = RFC_RESOURCE_TYPES): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [...MESSAGES, ...DOCUMENTS.map((d) => documentJsonSchema(d, { full: true, strict: false })), enterpriseJsonSchema()]
  for (const type of types) for (const full of [false, true]) for (const strict of [false, true]) out.push(resourceJsonSchema(type, { full, strict }))
  return out
}
