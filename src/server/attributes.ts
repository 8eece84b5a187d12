// Attribute-name resolution shared by input normalisation, filters, sorting,
// PATCH paths and attributes/excludedAttributes. Attribute names and schema
// URNs are case-insensitive (RFC 7643 §2.1, RFC 7644 §3.10); everything that
// enters the store is rewritten to the declared spelling so later lookups are
// plain property reads.

import {
  ENTERPRISE_USER_SCHEMA,
  EXTERNAL_ID_ATTRIBUTE,
  GROUP_SCHEMA,
  ID_ATTRIBUTE,
  MINIMAL_USER_SCHEMA,
  META_ATTRIBUTE,
  SCHEMAS_ATTRIBUTE,
  SCIMCHECK_USER_SCHEMA,
  USER_SCHEMA,
  type AttributeDefinition,
  type SchemaDefinition,
} from './schemas.js'

export type ResourceKind = 'User' | 'Group'

export interface ResourceTypeModel {
  name: ResourceKind
  endpoint: '/Users' | '/Groups'
  description: string
  core: SchemaDefinition
  extensions: ReadonlyArray<{ schema: SchemaDefinition; required: boolean }>
}

export const USER_TYPE: ResourceTypeModel = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  core: USER_SCHEMA,
  extensions: [
    { schema: ENTERPRISE_USER_SCHEMA, required: false },
    { schema: SCIMCHECK_USER_SCHEMA, required: false },
  ],
}

export const GROUP_TYPE: ResourceTypeModel = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  core: GROUP_SCHEMA,
  extensions: [],
}

export const RESOURCE_TYPES: readonly ResourceTypeModel[] = [USER_TYPE, GROUP_TYPE]

/** The minimal variant's User: the core schema without its optional extras, and no extensions. */
export const MINIMAL_USER_TYPE: ResourceTypeModel = { ...USER_TYPE, core: MINIMAL_USER_SCHEMA, extensions: [] }

export const MINIMAL_RESOURCE_TYPES: readonly ResourceTypeModel[] = [MINIMAL_USER_TYPE, GROUP_TYPE]

export type SchemaSet = 'full' | 'minimal'

export const resourceTypesOf = (set: SchemaSet = 'full'): readonly ResourceTypeModel[] => (set === 'minimal' ? MINIMAL_RESOURCE_TYPES : RESOURCE_TYPES)

export const typeOf = (kind: ResourceKind, set: SchemaSet = 'full'): ResourceTypeModel => resourceTypesOf(set).find((rt) => rt.name === kind)!

/** Where an attribute lives: the resource root or an extension container keyed by URN. */
export interface ResolvedAttribute {
  /** Extension URN (declared spelling) when the attribute lives in an extension container. */
  container: string | null
  attr: AttributeDefinition
  sub?: AttributeDefinition
  /** id, externalId, meta and schemas are common attributes, not part of the core schema. */
  common: boolean
}

/** A path that names a whole extension container, e.g. the enterprise URN alone. */
export interface ResolvedExtension {
  container: string
  schema: SchemaDefinition
}

export type Resolution =
  | { kind: 'attribute'; value: ResolvedAttribute }
  | { kind: 'extension'; value: ResolvedExtension }
  | { kind: 'unknown'; reason: string }

export function findAttribute(list: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  if (!list) return undefined
  const lower = name.toLowerCase()
  return list.find((a) => a.name.toLowerCase() === lower)
}

const COMMON: readonly AttributeDefinition[] = [ID_ATTRIBUTE, EXTERNAL_ID_ATTRIBUTE, META_ATTRIBUTE, SCHEMAS_ATTRIBUTE]

export function findExtension(rt: ResourceTypeModel, urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase()
  return rt.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema
}

/**
 * Resolves a textual attribute path (`userName`, `name.givenName`,
 * `urn:…:User:userName`, `urn:…:enterprise:2.0:User:manager.value`, or an
 * extension URN alone) against a resource type. Schema URNs contain dots
 * ("2.0"), so the URN prefix is matched against known schema ids before the
 * remainder is split on ".".
 */
export function resolvePath(rt: ResourceTypeModel, raw: string): Resolution {
  const lower = raw.toLowerCase()
  let container: string | null = null
  let schema: SchemaDefinition = rt.core
  let rest = raw

  if (lower.startsWith('urn:')) {
    const candidates: SchemaDefinition[] = [rt.core, ...rt.extensions.map((e) => e.schema)]
    const hit = candidates
      .filter((s) => lower === s.id.toLowerCase() || lower.startsWith(s.id.toLowerCase() + ':'))
      .sort((a, b) => b.id.length - a.id.length)[0]
    if (!hit) return { kind: 'unknown', reason: `unknown schema in attribute path "${raw}"` }
    if (lower.length === hit.id.length) {
      if (hit === rt.core) return { kind: 'unknown', reason: `"${raw}" names the core schema, not an attribute` }
      return { kind: 'extension', value: { container: hit.id, schema: hit } }
    }
    schema = hit
    container = hit === rt.core ? null : hit.id
    rest = raw.slice(hit.id.length + 1)
  }

  const dot = rest.indexOf('.')
  const attrName = dot === -1 ? rest : rest.slice(0, dot)
  const subName = dot === -1 ? undefined : rest.slice(dot + 1)
  if (!attrName) return { kind: 'unknown', reason: `empty attribute name in "${raw}"` }

  let attr = findAttribute(schema.attributes, attrName)
  let common = false
  if (!attr && container === null) {
    attr = findAttribute(COMMON, attrName)
    common = attr !== undefined
  }
  if (!attr) return { kind: 'unknown', reason: `unknown attribute "${raw}"` }
  if (subName === undefined) return { kind: 'attribute', value: { container, attr, common } }
  if (attr.type !== 'complex') return { kind: 'unknown', reason: `"${attr.name}" has no sub-attributes ("${raw}")` }
  const sub = findAttribute(attr.subAttributes, subName)
  if (!sub) return { kind: 'unknown', reason: `unknown sub-attribute "${raw}"` }
  return { kind: 'attribute', value: { container, attr, sub, common } }
}

/** The definition whose type governs comparisons: the sub-attribute if named, else the attribute. */
export function leafDefinition(r: ResolvedAttribute): AttributeDefinition {
  return r.sub ?? r.attr
}

/** Canonical display of a resolved path, used in error details. */
export function describePath(r: ResolvedAttribute): string {
  const base = r.sub ? `${r.attr.name}.${r.sub.name}` : r.attr.name
  return r.container ? `${r.container}:${base}` : base
}
