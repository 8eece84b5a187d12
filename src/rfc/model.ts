import userSchema from './schemas/user.json' with { type: 'json' }
import groupSchema from './schemas/group.json' with { type: 'json' }
import enterpriseSchema from './schemas/enterprise-user.json' with { type: 'json' }
import spcSchema from './schemas/service-provider-config.json' with { type: 'json' }
import resourceTypeSchema from './schemas/resource-type.json' with { type: 'json' }
import schemaSchema from './schemas/schema.json' with { type: 'json' }
import commonAttributes from './schemas/common-attributes.json' with { type: 'json' }
import type { Discovery } from '../checks/define.js'
import { URN } from './urns.js'

/**
 * SCIM schemas as data. The JSON files under schemas/ are RFC 7643 §8.7 in SCIM's own schema format, with the
 * corrections the requirements catalogue lists (§4 #30, #31):
 * - Group.displayName is required (erratum 5368);
 * - the ServiceProviderConfig schema has `etag`, and authenticationSchemes has `type` and `primary` (§5);
 * - ResourceType.schemaExtensions is optional and multi-valued (§6);
 * - Schema.name is optional (§7);
 * - every representation carries `schemas` (erratum 8417);
 * - Group.members has `display` and User.addresses has `primary`, which §2.4 and the RFC's own examples use.
 * The common attributes of §3.1 (id, externalId, meta) live in common-attributes.json and are added per resource.
 */

export interface AttributeDef {
  name: string
  type: string
  multiValued: boolean
  required: boolean
  caseExact: boolean
  mutability: string
  returned: string
  uniqueness?: string
  canonicalValues?: unknown[]
  referenceTypes?: unknown[]
  subAttributes?: AttributeDef[]
  description?: string
}

export interface SchemaDef {
  id: string
  name?: string
  description?: string
  attributes: AttributeDef[]
}

/** What a resource of one type may carry: its base schema and the extensions its ResourceType allows. */
export interface ResourceTypeModel {
  name: string
  endpoint: string
  schema: SchemaDef
  extensions: SchemaDef[]
  /** URIs the ResourceType names that no served Schema describes. */
  unresolved: string[]
}

export const RFC_SCHEMAS: Readonly<Record<'user' | 'group' | 'enterpriseUser' | 'serviceProviderConfig' | 'resourceType' | 'schema', SchemaDef>> = {
  user: userSchema as SchemaDef,
  group: groupSchema as SchemaDef,
  enterpriseUser: enterpriseSchema as SchemaDef,
  serviceProviderConfig: spcSchema as SchemaDef,
  resourceType: resourceTypeSchema as SchemaDef,
  schema: schemaSchema as SchemaDef,
}

export const COMMON_ATTRIBUTES: readonly AttributeDef[] = commonAttributes as AttributeDef[]

/** The RFC's own resource types: User (with the enterprise extension) and Group. */
export const RFC_RESOURCE_TYPES: readonly ResourceTypeModel[] = [
  { name: 'User', endpoint: '/Users', schema: RFC_SCHEMAS.user, extensions: [RFC_SCHEMAS.enterpriseUser], unresolved: [] },
  { name: 'Group', endpoint: '/Groups', schema: RFC_SCHEMAS.group, extensions: [], unresolved: [] },
]

const sameUri = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()

/**
 * The resource types the server advertises, with the schemas it serves, or undefined when discovery did not
 * give both /ResourceTypes and /Schemas. Malformed entries are skipped, never thrown on: judging them is the
 * job of the rt.* and schemas.* checks.
 */
export function advertisedTypes(d: Discovery): ResourceTypeModel[] | undefined {
  if (!Array.isArray(d.resourceTypes) || !Array.isArray(d.schemas)) return undefined
  const schemas = d.schemas.map(toSchemaDef).filter((s): s is SchemaDef => !!s)
  const find = (uri: unknown) => schemas.find((s) => sameUri(s.id, uri))
  const out: ResourceTypeModel[] = []
  for (const rt of d.resourceTypes) {
    if (!rt || typeof rt !== 'object' || typeof rt.schema !== 'string') continue
    const base = find(rt.schema)
    const unresolved: string[] = base ? [] : [rt.schema]
    const extensions: SchemaDef[] = []
    for (const e of Array.isArray(rt.schemaExtensions) ? rt.schemaExtensions : []) {
      const ext = find(e?.schema)
      if (ext) extensions.push(ext)
      else if (typeof e?.schema === 'string') unresolved.push(e.schema)
    }
    if (!base) continue
    out.push({ name: String(rt.name ?? base.name ?? ''), endpoint: typeof rt.endpoint === 'string' ? rt.endpoint : '', schema: base, extensions, unresolved })
  }
  return out
}

function toSchemaDef(raw: unknown): SchemaDef | undefined {
  if (!raw || typeof raw !== 'object') return undefined
  const s = raw as Record<string, unknown>
  if (typeof s.id !== 'string' || !Array.isArray(s.attributes)) return undefined
  return { id: s.id, name: typeof s.name === 'string' ? s.name : undefined, attributes: attributesOf(s.attributes) }
}

/** Attribute definitions as a server's /Schemas gives them, with RFC 7643 §2.2's defaults for what they leave out. */
export function attributesOf(list: unknown[]): AttributeDef[] {
  const out: AttributeDef[] = []
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue
    const a = raw as Record<string, unknown>
    if (typeof a.name !== 'string' || !a.name) continue
    out.push({
      name: a.name,
      type: typeof a.type === 'string' ? a.type : 'string',
      multiValued: a.multiValued === true,
      required: a.required === true,
      caseExact: a.caseExact === true,
      mutability: typeof a.mutability === 'string' ? a.mutability : 'readWrite',
      returned: typeof a.returned === 'string' ? a.returned : 'default',
      uniqueness: typeof a.uniqueness === 'string' ? a.uniqueness : 'none',
      canonicalValues: Array.isArray(a.canonicalValues) ? a.canonicalValues.filter((v): v is string => typeof v === 'string') : undefined,
      subAttributes: Array.isArray(a.subAttributes) ? attributesOf(a.subAttributes) : undefined,
    })
  }
  return out
}

/** The resource type a URL path addresses (`/Users/abc` → User), by the endpoints given. */
export function typeForPath(types: readonly ResourceTypeModel[], pathname: string): ResourceTypeModel | undefined {
  // Several checks ask about the same exchange in a row: answer the same question once.
  if (lastTypeForPath && lastTypeForPath.types === types && lastTypeForPath.pathname === pathname) return lastTypeForPath.type
  const type = findTypeForPath(types, pathname)
  lastTypeForPath = { types, pathname, type }
  return type
}

let lastTypeForPath: { types: readonly ResourceTypeModel[]; pathname: string; type: ResourceTypeModel | undefined } | undefined
const endpointSegments = new WeakMap<ResourceTypeModel, string[]>()

function findTypeForPath(types: readonly ResourceTypeModel[], pathname: string): ResourceTypeModel | undefined {
  const segs = pathname.split('/').filter(Boolean).map((s) => (s.includes('%') ? decodeURIComponentSafe(s) : s).toLowerCase())
  let best: ResourceTypeModel | undefined
  let bestAt = -1
  for (const t of types) {
    let ep = endpointSegments.get(t)
    if (!ep) endpointSegments.set(t, (ep = t.endpoint.split('/').filter(Boolean).map((s) => s.toLowerCase())))
    if (!ep.length) continue
    // The endpoint is relative to the base URL, which may have any number of path segments of its own.
    for (let i = segs.length - ep.length; i >= 0; i--) {
      if (ep.every((e, j) => segs[i + j] === e) && segs.length - (i + ep.length) <= 1 && i > bestAt) {
        best = t
        bestAt = i
      }
    }
  }
  return best
}

/** The resource type a resource declares through its `schemas` (the one whose base schema it lists). */
export function typeForResource(types: readonly ResourceTypeModel[], resource: Record<string, unknown>): ResourceTypeModel | undefined {
  const schemas = Array.isArray(resource.schemas) ? resource.schemas : []
  return types.find((t) => schemas.some((s) => sameUri(s, t.schema.id)))
}

export function isCoreResourceUri(uri: string): boolean {
  return sameUri(uri, URN.user) || sameUri(uri, URN.group)
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
