import { RFC_SCHEMAS, attributesOf, type AttributeDef } from '../rfc/model.js'
import { URN } from '../rfc/urns.js'

/**
 * What the target says about itself, read once per run from /ServiceProviderConfig, /ResourceTypes and /Schemas
 * (RFC 7644 §4). Every fact keeps where it came from, and anything the documents do not say is `unknown`, never
 * a guess: absent is not "advertised", and a missing /Schemas is not "declares nothing".
 */

export type DocumentName = 'ServiceProviderConfig' | 'ResourceTypes' | 'Schemas'

/** How one discovery document was obtained. */
export interface DocumentState {
  document: DocumentName
  /** ok: a usable body; the others say why the facts it would give are unknown. */
  state: 'ok' | 'not-found' | 'unauthorized' | 'malformed' | 'error' | 'not-requested' | 'unreadable'
  status?: number
  /** Whether the request carried the run's token (discovery may be public or behind auth). */
  withToken?: boolean
  /** Index of the exchange in the run's transcript. */
  exchange?: number
}

/** Where a fact came from: a discovery document and its status, the run's config, or the RFC as a fallback. */
export type Origin = { document: DocumentName; status?: number } | { config: string } | { rfc: string }

export interface Fact<T> {
  value: T
  from: Origin
}

/** An attribute as the target's /Schemas declares it, with RFC 7643 §2.2 defaults filled in: the RFC model's own shape. */
export type AttributeModel = AttributeDef

export interface SchemaModel {
  id: string
  name?: string
  attributes: AttributeModel[]
}

export interface ExtensionModel {
  schema: string
  required: boolean
}

export interface ResourceTypeModel {
  name: string
  endpoint?: string
  schema: string
  extensions: ExtensionModel[]
}

export const FEATURE_NAMES = ['patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag'] as const
export type FeatureName = (typeof FEATURE_NAMES)[number]

/** Raw documents as received: body (parsed JSON) and the exchange facts. */
export interface DocumentInput {
  status?: number
  body?: unknown
  withToken?: boolean
  exchange?: number
  /** Set when no response came back (transport error) or the request was never sent. */
  missing?: 'error' | 'not-requested'
}

export interface ModelInput {
  spc?: DocumentInput
  resourceTypes?: DocumentInput
  schemas?: DocumentInput
  /** `customExtension` from the config: a URN the user says the server carries. */
  customExtension?: string
}

export const ENTERPRISE = URN.enterpriseUser

const same = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()
const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v)

export class TargetModel {
  readonly documents: Record<'spc' | 'resourceTypes' | 'schemas', DocumentState>
  readonly spc?: Record<string, any>
  private readonly types?: ResourceTypeModel[]
  private readonly schemaList?: SchemaModel[]
  readonly customExtension?: string
  /** The usable entries of the two lists, as served (checks that validate the documents read these). */
  readonly resourceTypesRaw?: Record<string, any>[]
  readonly schemasRaw?: Record<string, any>[]

  constructor(input: ModelInput) {
    this.documents = {
      spc: stateOf('ServiceProviderConfig', input.spc, (b) => isObj(b)),
      resourceTypes: stateOf('ResourceTypes', input.resourceTypes, (b) => listOf(b) !== undefined),
      schemas: stateOf('Schemas', input.schemas, (b) => listOf(b) !== undefined),
    }
    if (this.documents.spc.state === 'ok') this.spc = input.spc!.body as Record<string, any>
    if (this.documents.resourceTypes.state === 'ok') {
      this.resourceTypesRaw = listOf(input.resourceTypes!.body) as Record<string, any>[]
      this.types = this.resourceTypesRaw.map(toResourceType).filter((t): t is ResourceTypeModel => !!t)
    }
    if (this.documents.schemas.state === 'ok') {
      this.schemasRaw = listOf(input.schemas!.body) as Record<string, any>[]
      this.schemaList = this.schemasRaw.map(toSchema).filter((s): s is SchemaModel => !!s)
    }
    this.customExtension = input.customExtension
  }

  private origin(doc: 'spc' | 'resourceTypes' | 'schemas'): Origin {
    return { document: this.documents[doc].document, status: this.documents[doc].status }
  }

  /** A ServiceProviderConfig feature: true or false only when the document says so as a boolean. */
  feature(name: FeatureName): Fact<boolean | 'unknown'> {
    const from = this.origin('spc')
    const v = this.spc?.[name]?.supported
    return { value: typeof v === 'boolean' ? v : 'unknown', from }
  }

  /** Why a feature is not known to be supported, in words fit for a skip reason. */
  featureReason(name: FeatureName): string {
    const f = this.feature(name)
    if (f.value === true) return `the ServiceProviderConfig advertises ${name}.supported = true`
    if (f.value === false) return `the ServiceProviderConfig says ${name}.supported = false`
    const doc = this.documents.spc
    if (doc.state === 'ok') return `the ServiceProviderConfig does not say whether ${name} is supported`
    return `no ServiceProviderConfig to say whether ${name} is supported (${describe(doc)})`
  }

  /** The declared resource types, or undefined when /ResourceTypes was not usable. */
  resourceTypes(): Fact<ResourceTypeModel[]> | undefined {
    return this.types ? { value: this.types, from: this.origin('resourceTypes') } : undefined
  }

  resourceType(name: string): ResourceTypeModel | undefined {
    return this.types?.find((t) => same(t.name, name) || same(t.schema, coreUrn(name)))
  }

  /** The schemas served at /Schemas, or undefined when it was not usable. */
  schemas(): Fact<SchemaModel[]> | undefined {
    return this.schemaList ? { value: this.schemaList, from: this.origin('schemas') } : undefined
  }

  schema(urn: string): SchemaModel | undefined {
    return this.schemaList?.find((s) => same(s.id, urn))
  }

  /** The extensions a resource type declares; unknown (undefined) without a usable /ResourceTypes. */
  extensions(resourceType: string): Fact<ExtensionModel[]> | undefined {
    if (!this.types) return undefined
    return { value: this.resourceType(resourceType)?.extensions ?? [], from: this.origin('resourceTypes') }
  }

  /** Whether the resource type declares this extension: true, false, or 'unknown'. */
  declaresExtension(resourceType: string, urn: string): boolean | 'unknown' {
    const ext = this.extensions(resourceType)
    if (ext) return ext.value.some((e) => same(e.schema, urn))
    // Without /ResourceTypes, a schema served at /Schemas is still a declaration.
    if (this.schemaList) return this.schemaList.some((s) => same(s.id, urn))
    return 'unknown'
  }

  /**
   * Whether a resource type declares an attribute (`nickName`, `name.givenName`, `urn:…:enterprise:2.0:User:manager`,
   * or an extension URN alone). Without /Schemas the answer is 'unknown'; with it, the RFC's REQUIRED attributes
   * (and the common ones, §3.1) count as declared even when the server's document leaves them out.
   */
  declares(resourceType: string, attrPath: string): Fact<boolean | 'unknown'> {
    const found = this.attribute(resourceType, attrPath)
    if (found) return { value: true, from: found.from }
    if (!this.schemaList) {
      if (this.documents.resourceTypes.state === 'ok' && attrPath.toLowerCase().startsWith('urn:')) {
        const ext = this.extensions(resourceType)?.value.find((e) => attrPath.toLowerCase().startsWith(e.schema.toLowerCase()))
        if (!ext && !attrPath.toLowerCase().startsWith(coreUrn(resourceType).toLowerCase())) return { value: false, from: this.origin('resourceTypes') }
      }
      return { value: 'unknown', from: this.origin('schemas') }
    }
    return { value: false, from: this.origin('schemas') }
  }

  /** The declared definition of an attribute (or sub-attribute), with where it came from. */
  attribute(resourceType: string, attrPath: string): Fact<AttributeModel> | undefined {
    const core = this.resourceType(resourceType)?.schema ?? coreUrn(resourceType)
    const lower = attrPath.toLowerCase()
    const candidates = [core, ...(this.extensions(resourceType)?.value.map((e) => e.schema) ?? (this.schemaList?.map((s) => s.id) ?? []))]
    let schemaId = core
    let rest = attrPath
    if (lower.startsWith('urn:')) {
      const hit = candidates.filter((c) => lower === c.toLowerCase() || lower.startsWith(`${c.toLowerCase()}:`)).sort((a, b) => b.length - a.length)[0]
      if (!hit) return undefined
      if (lower === hit.toLowerCase()) {
        const s = this.schema(hit)
        return s ? { value: { name: s.id, type: 'complex', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', subAttributes: s.attributes }, from: this.origin('schemas') } : undefined
      }
      schemaId = hit
      rest = attrPath.slice(hit.length + 1)
    }
    const [name, sub] = rest.split('.', 2)
    const pick = (list: AttributeModel[] | undefined) => {
      const a = list?.find((x) => same(x.name, name))
      if (!a) return undefined
      if (sub === undefined) return a
      return a.subAttributes?.find((x) => same(x.name, sub))
    }
    const served = this.schema(schemaId)
    const hit = pick(served?.attributes)
    if (hit) return { value: hit, from: this.origin('schemas') }
    // The RFC's REQUIRED attributes and the common ones exist whatever the server's document says.
    const rfc = rfcSchemaFor(schemaId)
    const fallback = pick(rfc ? toAttributes(rfc.attributes) : undefined)
    if (fallback && (isRfcRequired(schemaId, name) || COMMON.includes(name.toLowerCase()))) return { value: fallback, from: { rfc: 'RFC 7643 §4 (REQUIRED)' } }
    if (COMMON.includes(name.toLowerCase()) && sub === undefined) return { value: commonAttr(name), from: { rfc: 'RFC 7643 §3.1 (common attribute)' } }
    return undefined
  }

  /**
   * The custom User extension scim-check round-trips: `customExtension` from the config, else the first User
   * extension the server declares other than the enterprise one. Undefined (with the reason) when there is none.
   */
  customUserExtension(): { urn: string; schema?: SchemaModel; from: Origin } | { reason: string } {
    if (this.customExtension) return { urn: this.customExtension, schema: this.schema(this.customExtension), from: { config: 'customExtension' } }
    const ext = this.extensions('User')
    if (!ext) return { reason: `the server's /ResourceTypes could not be read (${describe(this.documents.resourceTypes)}), so no custom User extension is known; set customExtension in the config to test one` }
    const urn = ext.value.find((e) => !same(e.schema, ENTERPRISE))?.schema
    if (!urn) return { reason: 'the server declares no custom User extension (only the RFC schemas) in /ResourceTypes' }
    return { urn, schema: this.schema(urn), from: ext.from }
  }

  /** One line per document, for transcripts and reasons. */
  summary(): string {
    return Object.values(this.documents).map((d) => `${d.document}: ${describe(d)}`).join('; ')
  }
}

const COMMON = ['id', 'externalid', 'meta', 'schemas']

function commonAttr(name: string): AttributeModel {
  const lower = name.toLowerCase()
  return {
    name,
    type: lower === 'meta' ? 'complex' : lower === 'schemas' ? 'reference' : 'string',
    multiValued: lower === 'schemas',
    required: lower !== 'externalid',
    caseExact: lower !== 'meta',
    mutability: lower === 'externalid' ? 'readWrite' : 'readOnly',
    returned: lower === 'externalid' ? 'default' : 'always',
    uniqueness: lower === 'id' ? 'server' : 'none',
  }
}

/** RFC 7643 §4: the REQUIRED attributes of the core schemas (Group.displayName per erratum 5368). */
function isRfcRequired(schemaId: string, name: string): boolean {
  const rfc = rfcSchemaFor(schemaId)
  return !!rfc?.attributes.find((a) => same(a.name, name))?.required
}

function rfcSchemaFor(schemaId: string) {
  if (same(schemaId, URN.user)) return RFC_SCHEMAS.user
  if (same(schemaId, URN.group)) return RFC_SCHEMAS.group
  if (same(schemaId, URN.enterpriseUser)) return RFC_SCHEMAS.enterpriseUser
  return undefined
}

function coreUrn(resourceType: string): string {
  if (same(resourceType, 'User') || same(resourceType, URN.user)) return URN.user
  if (same(resourceType, 'Group') || same(resourceType, URN.group)) return URN.group
  return resourceType
}

export function describe(d: DocumentState): string {
  const tok = d.withToken === false ? ' without a token' : ''
  switch (d.state) {
    case 'ok':
      return `read (${d.status ?? 200})${tok}`
    case 'not-found':
      return `not found (${d.status})`
    case 'unauthorized':
      return `refused with ${d.status}${d.withToken ? ' even with the token' : tok}`
    case 'malformed':
      return `answered ${d.status} with a body that is not a usable ${d.document === 'ServiceProviderConfig' ? 'JSON object' : 'ListResponse'}`
    case 'error':
      return 'no response'
    case 'not-requested':
      return 'not requested'
    default:
      return `answered ${d.status}`
  }
}

function stateOf(document: DocumentName, input: DocumentInput | undefined, usable: (body: unknown) => boolean): DocumentState {
  const base = { document, status: input?.status, withToken: input?.withToken, exchange: input?.exchange }
  if (!input || input.missing === 'not-requested') return { ...base, state: 'not-requested' }
  if (input.missing === 'error' || input.status === undefined) return { ...base, state: 'error' }
  const s = input.status
  if (s === 401 || s === 403) return { ...base, state: 'unauthorized' }
  if (s === 404 || s === 501 || s === 405) return { ...base, state: 'not-found' }
  if (s < 200 || s >= 300) return { ...base, state: 'unreadable' }
  return { ...base, state: usable(input.body) ? 'ok' : 'malformed' }
}

function listOf(body: unknown): unknown[] | undefined {
  if (!isObj(body)) return undefined
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'resources')
  const list = key ? body[key] : undefined
  return Array.isArray(list) ? list : undefined
}

function toResourceType(raw: unknown): ResourceTypeModel | undefined {
  if (!isObj(raw) || typeof raw.schema !== 'string') return undefined
  const exts = Array.isArray(raw.schemaExtensions) ? raw.schemaExtensions : []
  return {
    name: typeof raw.name === 'string' ? raw.name : typeof raw.id === 'string' ? raw.id : raw.schema,
    endpoint: typeof raw.endpoint === 'string' ? raw.endpoint : undefined,
    schema: raw.schema,
    extensions: exts.filter((e: unknown) => isObj(e) && typeof e.schema === 'string').map((e: Record<string, any>) => ({ schema: e.schema, required: e.required === true })),
  }
}

function toSchema(raw: unknown): SchemaModel | undefined {
  if (!isObj(raw) || typeof raw.id !== 'string') return undefined
  return { id: raw.id, name: typeof raw.name === 'string' ? raw.name : undefined, attributes: Array.isArray(raw.attributes) ? toAttributes(raw.attributes) : [] }
}

/** One parser for attribute definitions (RFC 7643 §2.2 defaults applied), shared with the RFC model. */
const toAttributes = (list: unknown[]): AttributeModel[] => attributesOf(list)

const built = new WeakMap<object, TargetModel>()

/** The run's model, or one built (once) from the raw documents a caller gave (tests, library users). */
export function modelOf(d: { spc?: Record<string, any>; resourceTypes?: Record<string, any>[]; schemas?: Record<string, any>[]; model?: TargetModel }): TargetModel {
  if (d.model) return d.model
  let m = built.get(d)
  if (!m) built.set(d, (m = modelFromDocuments(d)))
  return m
}

/** The model of the raw documents alone (tests and callers that only have bodies): facts come from status 200 documents. */
export function modelFromDocuments(d: { spc?: Record<string, any>; resourceTypes?: Record<string, any>[]; schemas?: Record<string, any>[] }): TargetModel {
  const doc = (body: unknown) => (body === undefined ? { missing: 'not-requested' as const } : { status: 200, body })
  return new TargetModel({
    spc: doc(d.spc),
    resourceTypes: doc(d.resourceTypes && { Resources: d.resourceTypes }),
    schemas: doc(d.schemas && { Resources: d.schemas }),
  })
}
