// /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4, RFC 7643 §5–7).

import { resourceTypesOf, type ResourceTypeModel, type SchemaSet } from './attributes.js'
import type { Flags } from './flags.js'
import { schemasOf, URN, type SchemaDefinition } from './schemas.js'

export const LIMITS = {
  maxResults: 1000,
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 1_048_576,
} as const

export function serviceProviderConfig(base: string, flags: Flags): Record<string, unknown> {
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: {
      supported: !flags.noBulk,
      maxOperations: LIMITS.bulkMaxOperations,
      maxPayloadSize: LIMITS.bulkMaxPayloadSize,
    },
    filter: { supported: true, maxResults: LIMITS.maxResults },
    changePassword: { supported: false },
    sort: { supported: !flags.noSort },
    etag: { supported: !flags.noEtag },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token in the Authorization header',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  }
}

export function resourceTypeResource(rt: ResourceTypeModel, base: string): Record<string, unknown> {
  return {
    schemas: [URN.resourceType],
    id: rt.name,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.core.id,
    ...(rt.extensions.length ? { schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema.id, required: e.required })) } : {}),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${rt.name}` },
  }
}

export function schemaResource(s: SchemaDefinition, base: string): Record<string, unknown> {
  return {
    schemas: [URN.schema],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  }
}

export function findResourceType(id: string, set: SchemaSet = 'full'): ResourceTypeModel | undefined {
  const lower = id.toLowerCase()
  return resourceTypesOf(set).find((rt) => rt.name.toLowerCase() === lower)
}

export function findSchema(id: string, set: SchemaSet = 'full'): SchemaDefinition | undefined {
  const lower = id.toLowerCase()
  return schemasOf(set).find((s) => s.id.toLowerCase() === lower)
}

export function listOf(resources: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    schemas: [URN.listResponse],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  }
}
