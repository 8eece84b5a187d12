import type { Discovery } from '../checks/define.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import type { Feature } from '../scenario/types.js'
import { ENTERPRISE, TargetModel, type DocumentInput } from './model.js'

/**
 * RFC 7644 §4: read the three discovery documents once per run, with the run's token (discovery may sit behind
 * auth), and build the target model from whatever came back. Missing or broken documents leave their raw field
 * undefined and their facts unknown.
 */
export async function discover(send: (spec: RequestSpec, step: string) => Promise<Exchange>, customExtension?: string): Promise<Discovery> {
  const spc = await send({ method: 'GET', path: '/ServiceProviderConfig' }, 'spc')
  const rt = await send({ method: 'GET', path: '/ResourceTypes' }, 'resource-types')
  const schemas = await send({ method: 'GET', path: '/Schemas' }, 'schemas')
  const model = new TargetModel({ spc: input(spc), resourceTypes: input(rt), schemas: input(schemas), customExtension })
  const list = (name: 'resourceTypes' | 'schemas') => (name === 'resourceTypes' ? model.resourceTypesRaw : model.schemasRaw)
  return { spc: model.spc, resourceTypes: list('resourceTypes'), schemas: list('schemas'), model }
}

function input(x: Exchange): DocumentInput {
  if (!x.response) return { missing: 'error', exchange: x.index, withToken: x.request.headers.authorization !== undefined }
  return { status: x.response.status, body: x.response.json, exchange: x.index, withToken: x.request.headers.authorization !== undefined }
}

/**
 * Which optional features a scenario may rely on. The generic profile believes the target model (unknown = try
 * it for patch and filter, which nearly every server has; skip otherwise). IdP profiles send their traffic
 * regardless, as the real IdP does, so a server lacking PATCH fails there rather than being skipped.
 */
export function featuresOf(idp: string, d: Discovery, rotation: boolean): Record<Feature, boolean> {
  const all = { patch: true, bulk: true, filter: true, sort: true, etag: true, changePassword: true, groups: true, enterprise: true, rotation }
  if (idp !== 'generic' || !d.model) return all
  const m = d.model
  const flag = (name: 'patch' | 'bulk' | 'filter' | 'sort' | 'etag' | 'changePassword', fallback: boolean) => {
    const v = m.feature(name).value
    return v === 'unknown' ? fallback : v
  }
  const types = m.resourceTypes()?.value
  return {
    patch: flag('patch', true),
    bulk: flag('bulk', false),
    filter: flag('filter', true),
    sort: flag('sort', false),
    etag: flag('etag', false),
    changePassword: flag('changePassword', false),
    groups: types ? types.some((t) => t.name.toLowerCase() === 'group' || t.schema.toLowerCase() === 'urn:ietf:params:scim:schemas:core:2.0:group') : true,
    enterprise: m.declaresExtension('User', ENTERPRISE) !== false,
    rotation,
  }
}
