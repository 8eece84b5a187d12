// attributes / excludedAttributes (RFC 7644 §3.4.2.5, §3.9): which parts of a
// rendered resource go back to the client. `id` and `schemas` always stay;
// `returned: never` attributes never appear; `returned: request` attributes
// appear only when named in `attributes`.

import { resolvePath, type ResolvedAttribute, type ResolvedExtension, type ResourceTypeModel } from './attributes.js'
import type { Flags } from './flags.js'
import type { AttributeDefinition } from './schemas.js'
import { isPlainObject, type Attrs } from './values.js'

type Selector = { kind: 'attribute'; value: ResolvedAttribute } | { kind: 'extension'; value: ResolvedExtension }

export interface Projection {
  attributes?: string[]
  excludedAttributes?: string[]
}

/** Splits "a, b,c" or a list of such strings into names; empty entries dropped. */
export function splitAttributeList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : []))
  const names = parts.map((s) => s.trim()).filter((s) => s !== '')
  return names.length ? names : undefined
}

function selectors(rt: ResourceTypeModel, names: readonly string[]): Selector[] {
  const out: Selector[] = []
  // Unknown names are ignored: the RFC does not make them an error and IdPs send shared lists.
  for (const name of names) {
    const r = resolvePath(rt, name)
    if (r.kind !== 'unknown') out.push(r)
  }
  return out
}

function requestOnly(rt: ResourceTypeModel): Array<{ container: string | null; def: AttributeDefinition }> {
  const out: Array<{ container: string | null; def: AttributeDefinition }> = []
  for (const def of rt.core.attributes) if (def.returned === 'request') out.push({ container: null, def })
  for (const ext of rt.extensions) for (const def of ext.schema.attributes) if (def.returned === 'request') out.push({ container: ext.schema.id, def })
  return out
}

function dropRequestOnly(rt: ResourceTypeModel, res: Attrs): void {
  for (const { container, def } of requestOnly(rt)) {
    if (container === null) {
      delete res[def.name]
      continue
    }
    const c = res[container]
    if (!isPlainObject(c) || c[def.name] === undefined) continue
    const copy = { ...c }
    delete copy[def.name]
    if (Object.keys(copy).length) res[container] = copy
    else delete res[container]
  }
}

function isAlwaysReturned(r: ResolvedAttribute): boolean {
  return r.attr.returned === 'always' || (r.common && r.attr.name === 'schemas')
}

export function project(rt: ResourceTypeModel, resource: Attrs, p: Projection, flags: Flags): Attrs {
  if (p.attributes?.length) return include(rt, resource, selectors(rt, p.attributes), flags)
  const out: Attrs = { ...resource }
  if (p.excludedAttributes?.length) exclude(out, selectors(rt, p.excludedAttributes))
  dropRequestOnly(rt, out)
  return out
}

function include(rt: ResourceTypeModel, res: Attrs, sel: Selector[], flags: Flags): Attrs {
  const picked: Attrs = { schemas: res['schemas'], id: res['id'] }
  for (const s of sel) {
    if (s.kind === 'extension') {
      if (res[s.value.container] !== undefined) picked[s.value.container] = res[s.value.container]
      continue
    }
    const r = s.value
    if (r.attr.returned === 'never' && !flags.returnPassword) continue
    const src = r.container ? res[r.container] : res
    if (!isPlainObject(src)) continue
    const v = src[r.attr.name]
    if (v === undefined) continue
    let dst = picked
    if (r.container) {
      if (!isPlainObject(picked[r.container])) picked[r.container] = {}
      dst = picked[r.container] as Attrs
    }
    if (!r.sub) {
      dst[r.attr.name] = v
      continue
    }
    const subName = r.sub.name
    if (Array.isArray(v)) {
      const prev = Array.isArray(dst[r.attr.name]) ? (dst[r.attr.name] as Attrs[]) : []
      dst[r.attr.name] = v.map((el, i) => {
        const base = isPlainObject(prev[i]) ? { ...prev[i] } : {}
        if (isPlainObject(el) && el[subName] !== undefined) base[subName] = el[subName]
        return base
      })
    } else if (isPlainObject(v) && v[subName] !== undefined) {
      const prev = isPlainObject(dst[r.attr.name]) ? (dst[r.attr.name] as Attrs) : {}
      dst[r.attr.name] = { ...prev, [subName]: v[subName] }
    }
  }
  // Follow the resource's own key order, and drop containers that ended up empty.
  const out: Attrs = {}
  for (const k of Object.keys(res)) {
    const v = picked[k]
    if (v === undefined) continue
    if (isPlainObject(v) && Object.keys(v).length === 0) continue
    out[k] = v
  }
  return out
}

function exclude(out: Attrs, sel: Selector[]): void {
  for (const s of sel) {
    if (s.kind === 'extension') {
      delete out[s.value.container]
      continue
    }
    const r = s.value
    if (isAlwaysReturned(r)) continue
    let dst = out
    if (r.container) {
      const c = out[r.container]
      if (!isPlainObject(c)) continue
      dst = { ...c }
      out[r.container] = dst
    }
    const name = r.attr.name
    if (!r.sub) delete dst[name]
    else {
      const v = dst[name]
      const omit = (el: unknown) => {
        if (!isPlainObject(el)) return el
        const copy = { ...el }
        delete copy[r.sub!.name]
        return copy
      }
      if (Array.isArray(v)) dst[name] = v.map(omit)
      else if (isPlainObject(v)) dst[name] = omit(v)
    }
    if (r.container && Object.keys(dst).length === 0) delete out[r.container]
  }
}
