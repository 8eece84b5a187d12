import type { Discovery } from '../checks/define.js'
import { FEATURES, type Feature } from '../scenario/types.js'
import type { CustomPlan } from './custom.js'
import { ENTERPRISE, describe, modelOf } from './model.js'

/**
 * A scenario or step runs only when what it `requires:` holds: a feature (`sort`), an attribute the server must
 * declare (`attribute:User.nickName`, `attribute:User.urn:…:enterprise:2.0:User:manager`) or an extension
 * (`extension:enterprise`, `extension:custom`, or a URN). Attributes and extensions are gated only when the target
 * model says they are not declared: unknown (no /Schemas) keeps today's behaviour of trying.
 * Returns the skip reason, or undefined when everything holds.
 */
export function unmet(requires: readonly string[] | undefined, features: Record<Feature, boolean>, d: Discovery, custom: CustomPlan): string | undefined {
  const reasons: string[] = []
  const missing = (requires ?? []).filter((r): r is Feature => (FEATURES as readonly string[]).includes(r) && !features[r as Feature])
  if (missing.includes('rotation')) return 'no --rotate-command given: pass a command that rotates the token and prints the new one to test rotation'
  if (missing.length) reasons.push(`the target does not support ${missing.join(', ')} (${featureWhy(missing, d)})`)
  const m = modelOf(d)
  for (const r of requires ?? []) {
    if (r.startsWith('extension:')) {
      const name = r.slice('extension:'.length)
      if (name === 'custom') {
        if ('reason' in custom) reasons.push(custom.reason)
        continue
      }
      const urn = name === 'enterprise' ? ENTERPRISE : name
      if (m.declaresExtension('User', urn) === false) reasons.push(`the server does not declare the ${name === 'enterprise' ? 'enterprise User extension' : `extension ${urn}`} (${describe(m.documents.resourceTypes.state === 'ok' ? m.documents.resourceTypes : m.documents.schemas)})`)
    } else if (r.startsWith('attribute:')) {
      const spec = r.slice('attribute:'.length)
      const dot = spec.indexOf('.')
      const [type, path] = dot < 0 ? ['User', spec] : [spec.slice(0, dot), spec.slice(dot + 1)]
      const fact = m.declares(type, path)
      if (fact.value === false) reasons.push(`the server does not declare ${type}.${path} (${'document' in fact.from ? `/${fact.from.document} ${fact.from.status ?? ''}`.trim() : 'discovery'})`)
    }
  }
  return reasons.length ? reasons.join('; ') : undefined
}

function featureWhy(missing: Feature[], d: Discovery): string {
  const m = modelOf(d)
  const named = missing.filter((f): f is 'patch' | 'bulk' | 'filter' | 'sort' | 'etag' | 'changePassword' => ['patch', 'bulk', 'filter', 'sort', 'etag', 'changePassword'].includes(f))
  if (named.length) return named.map((f) => m.featureReason(f)).join(', ')
  return 'not declared in /ResourceTypes'
}
