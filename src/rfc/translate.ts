import type { AttributeDef, ResourceTypeModel, SchemaDef } from './model.js'
import { subAttributesOf, topLevelAttributes } from './normalize.js'

/**
 * SCIM schema definitions → JSON Schema (draft-07), following the catalogue's §5.2 rules: string, reference and
 * binary are strings; dateTime a string in the `xsd-datetime` format; decimal a number; complex an object of its
 * sub-attributes; multi-valued an array; `returned: never` (and writeOnly) must be absent. The rest of mutability,
 * caseExact and uniqueness cannot be expressed here and stay in check logic.
 */
export interface TranslateOptions {
  /** Enforce `required`: only for full default representations, never after attributes/excludedAttributes. */
  full: boolean
  /** Reject attributes the schemas do not declare (the server's own /Schemas); the RFC copy is lenient. */
  strict: boolean
}

export type JsonSchema = Record<string, unknown>

/** Marks the property schemas generated for attributes never returned, with the characteristic that says so. */
export const NEVER_MARK = 'scimReturnedNever'

/** RFC 7643 §7: `returned: never`, and `mutability: writeOnly` ("attribute values SHALL NOT be returned"). */
function neverReturned(a: AttributeDef): JsonSchema | undefined {
  if (a.returned === 'never') return { not: {}, [NEVER_MARK]: 'returned: never' }
  if (a.mutability === 'writeOnly') return { not: {}, [NEVER_MARK]: 'mutability: writeOnly' }
  return undefined
}

export function resourceJsonSchema(type: ResourceTypeModel, o: TranslateOptions): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const a of topLevelAttributes(type)) {
    properties[a.name] = attributeSchema(a, o)
    if (o.full && a.required && !neverReturned(a)) required.push(a.name)
  }
  for (const ext of type.extensions) properties[ext.id] = extensionSchema(ext, o)
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: !o.strict }
}

/** A discovery resource (ServiceProviderConfig, ResourceType, Schema) by its own schema: no common attributes required (§3.1). */
export function documentJsonSchema(schema: SchemaDef, o: TranslateOptions): JsonSchema {
  const properties: Record<string, JsonSchema> = { schemas: { type: 'array', items: { type: 'string' } } }
  const required: string[] = []
  for (const a of schema.attributes) {
    properties[a.name] = attributeSchema(a, o)
    if (o.full && a.required) required.push(a.name)
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: !o.strict }
}

function extensionSchema(ext: SchemaDef, o: TranslateOptions): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const a of ext.attributes) {
    properties[a.name] = attributeSchema(a, o)
    if (o.full && a.required && !neverReturned(a)) required.push(a.name)
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: !o.strict }
}

export function attributeSchema(a: AttributeDef, o: TranslateOptions): JsonSchema {
  const never = neverReturned(a)
  if (never) return never
  const single = singleSchema(a, o)
  return a.multiValued ? { type: 'array', items: single } : single
}

function singleSchema(a: AttributeDef, o: TranslateOptions): JsonSchema {
  switch (a.type) {
    case 'string':
    case 'reference':
    case 'binary':
      return { type: 'string' }
    case 'boolean':
      return { type: 'boolean' }
    case 'integer':
      return { type: 'integer' }
    case 'decimal':
      return { type: 'number' }
    case 'dateTime':
      return { type: 'string', format: 'xsd-datetime' }
    case 'complex': {
      const properties: Record<string, JsonSchema> = {}
      const required: string[] = []
      for (const s of subAttributesOf(a)) {
        // §2.3.8: a sub-attribute is never complex; an undeclared type is treated as a string.
        properties[s.name] = neverReturned(s) ?? (s.type === 'complex' ? {} : attributeSchema({ ...s, subAttributes: undefined }, o))
        if (o.full && s.required && !neverReturned(s)) required.push(s.name)
      }
      return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: !o.strict }
    }
    default:
      // A type outside §2.3 is schemas.definition-valid's finding; here it constrains nothing.
      return {}
  }
}
