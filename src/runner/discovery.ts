import type { Discovery } from '../checks/define.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import type { Feature } from '../scenario/types.js'

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

/** RFC 7644 §4: read the three discovery documents. Missing or broken ones leave their field undefined. */
export async function discover(send: (spec: RequestSpec, step: string) => Promise<Exchange>): Promise<Discovery> {
  const spc = await send({ method: 'GET', path: '/ServiceProviderConfig' }, 'spc')
  const rt = await send({ method: 'GET', path: '/ResourceTypes' }, 'resource-types')
  const schemas = await send({ method: 'GET', path: '/Schemas' }, 'schemas')
  const obj = (x: Exchange) => (x.response?.status === 200 && x.response.json && typeof x.response.json === 'object' ? (x.response.json as Record<string, any>) : undefined)
  const list = (x: Exchange) => {
    const o = obj(x)
    return Array.isArray(o?.Resources) ? (o!.Resources as Record<string, any>[]) : undefined
  }
  return { spc: obj(spc), resourceTypes: list(rt), schemas: list(schemas) }
}

/**
 * Which optional features a scenario may rely on. The generic profile believes the server's own discovery
 * documents (unknown = try it). IdP profiles never read discovery: the real IdP sends its traffic regardless,
 * so a server lacking PATCH fails there rather than being skipped.
 */
export function featuresOf(idp: string, d: Discovery, rotation: boolean): Record<Feature, boolean> {
  const all = { patch: true, bulk: true, filter: true, sort: true, etag: true, changePassword: true, groups: true, enterprise: true, rotation }
  if (idp !== 'generic') return all
  const flag = (name: string, fallback: boolean) => {
    const v = d.spc?.[name]?.supported
    return typeof v === 'boolean' ? v : fallback
  }
  // Whatever the server put in its ResourceTypes list (nulls, numbers, odd shapes), reading it must not throw.
  const types = d.resourceTypes?.filter((t) => !!t && typeof t === 'object')
  const extensions = (t: Record<string, any>) => (Array.isArray(t.schemaExtensions) ? t.schemaExtensions : [])
  return {
    patch: flag('patch', true),
    bulk: flag('bulk', false),
    filter: flag('filter', true),
    sort: flag('sort', false),
    etag: flag('etag', false),
    changePassword: flag('changePassword', false),
    groups: types ? types.some((t) => t.schema === GROUP_SCHEMA) : true,
    enterprise: types ? types.some((t) => extensions(t).some((e: { schema?: string } | null) => e?.schema === ENTERPRISE)) : true,
    rotation,
  }
}
