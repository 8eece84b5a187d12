import type { CustomExtension } from '../config/types.js'
import type { AttributeModel, Origin, TargetModel } from './model.js'

/** The custom User extension a run writes and reads back, or why there is none. */
export type CustomPlan =
  | { urn: string; attributes: Record<string, unknown>; readBack: Record<string, unknown>; from: Origin; left: string[] }
  | { reason: string }

/**
 * `customExtension` from the config when given (its values as written), else the server's own declared User
 * extension with values made from its /Schemas definition. Only readWrite and writeOnly attributes are written
 * (RFC 7643 §2.2: readOnly and immutable ones are the server's or set once); writeOnly ones and those returned only
 * on request are not expected back; unique ones are left out so two test users never collide.
 */
export function planCustom(model: TargetModel, configured?: CustomExtension): CustomPlan {
  const found = model.customUserExtension()
  if ('reason' in found) return found
  if (configured && configured.urn.toLowerCase() === found.urn.toLowerCase()) {
    const readBack = { ...configured.attributes }
    for (const name of Object.keys(readBack)) {
      const def = found.schema?.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase())
      if (def && !readsBack(def)) delete readBack[name]
    }
    return { urn: configured.urn, attributes: configured.attributes, readBack, from: found.from, left: [] }
  }
  if (!found.schema) return { reason: `the server declares the User extension ${found.urn} but /Schemas does not describe it (${model.documents.schemas.state}), so no values can be made for it; set customExtension in the config` }
  const attributes: Record<string, unknown> = {}
  const readBack: Record<string, unknown> = {}
  const left: string[] = []
  for (const def of found.schema.attributes) {
    const value = sample(def)
    if (value === undefined) {
      left.push(def.name)
      continue
    }
    attributes[def.name] = value
    if (readsBack(def)) readBack[def.name] = value
  }
  if (!Object.keys(readBack).length) return { reason: `the server's User extension ${found.urn} declares no readWrite single-valued simple attribute that is returned by default${left.length ? ` (left out: ${left.join(', ')})` : ''}` }
  return { urn: found.urn, attributes, readBack, from: found.from, left }
}

const readsBack = (def: AttributeModel) => def.mutability !== 'writeOnly' && def.returned !== 'never' && def.returned !== 'request'

/** A value of the declared type, or undefined for what the probe does not write. */
function sample(def: AttributeModel): unknown {
  if (def.mutability !== 'readWrite' && def.mutability !== 'writeOnly') return undefined
  if (def.multiValued || (def.uniqueness && def.uniqueness !== 'none')) return undefined
  if (def.canonicalValues?.length) return def.type === 'string' ? def.canonicalValues[0] : undefined
  switch (def.type) {
    case 'string':
      // Deterministic, so pinned IdP traffic stays stable; unique attributes are never written (above).
      return `scimcheck-${def.name}`
    case 'boolean':
      return true
    case 'integer':
      return 250
    case 'decimal':
      return 5000.5
    case 'dateTime':
      return '2020-01-02T03:04:05Z'
    default:
      // binary, reference and complex values depend on what the server accepts; not guessed.
      return undefined
  }
}
