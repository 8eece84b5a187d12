import type { Discovery } from '../checks/define.js'
import { RFC_SCHEMAS } from '../rfc/model.js'
import { ENTERPRISE, modelOf } from './model.js'

/**
 * scim-check's own probe bodies carry only what the target declares: an RFC attribute (or the enterprise
 * extension) the server's /Schemas leaves out is dropped from a POST or PUT of a User or Group before it is sent.
 * Names the RFC does not define are left alone: probes send those on purpose (unknown attributes, bogus
 * extensions). Without a usable /Schemas nothing is dropped. IdP traffic never passes through here.
 */
export function declaredOnly(method: string, path: string, body: unknown, d: Discovery): unknown {
  if ((method !== 'POST' && method !== 'PUT') || !body || typeof body !== 'object' || Array.isArray(body)) return body
  const type = /^\/?Users(\/|$)/i.test(path) ? 'User' : /^\/?Groups(\/|$)/i.test(path) ? 'Group' : undefined
  if (!type) return body
  const m = modelOf(d)
  if (!m.schemas()) return body
  const rfc = type === 'User' ? RFC_SCHEMAS.user : RFC_SCHEMAS.group
  const out: Record<string, unknown> = {}
  let dropped = false
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const isRfc = rfc.attributes.some((a) => a.name.toLowerCase() === k.toLowerCase())
    const isEnterprise = type === 'User' && k.toLowerCase() === ENTERPRISE.toLowerCase()
    const undeclared = isEnterprise ? m.declaresExtension('User', ENTERPRISE) === false : isRfc && m.declares(type, k).value === false
    if (undeclared) dropped = true
    else out[k] = v
  }
  if (dropped && Array.isArray(out.schemas) && m.declaresExtension('User', ENTERPRISE) === false) out.schemas = out.schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== ENTERPRISE.toLowerCase())
  return dropped ? out : body
}
