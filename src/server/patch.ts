// PATCH application (RFC 7644 §3.5.2) on a copy of the stored attributes, so
// a failing operation leaves the resource untouched (all operations or none).
//
// Tolerated IdP shapes, each because a real IdP sends it:
//   - op names in any case ("Add"/"Replace"/"Remove": Entra default mode)
//   - path-less add/replace whose value keys are attribute names, dotted
//     sub-attribute paths or URN-qualified paths (Okta, Entra aadOptscim062020)
//   - the resource's own `id` inside a path-less value (Okta group rename)
//   - `remove` of `members` with a value list removes only the listed members
//     (Entra default mode, JumpCloud)
//   - add/replace through `attr[type eq "<canonical type>"]…` creates the
//     element when none of that type exists (Entra)
//   - string booleans and a bare manager id (handled by values.ts)

import { findAttribute, resolvePath, type ResourceTypeModel } from './attributes.js'
import { ScimError } from './errors.js'
import { compileElementFilter } from './evaluate.js'
import { parsePatchPath, type FilterNode } from './filter.js'
import type { Flags } from './flags.js'
import { EXTERNAL_ID_ATTRIBUTE, type AttributeDefinition, type SchemaDefinition } from './schemas.js'
import { cloneJson, coerceComplex, coerceSimple, coerceValue, deepEqual, isPlainObject, type Attrs } from './values.js'

export interface PatchContext {
  rt: ResourceTypeModel
  /** Id of the resource being patched; a path-less value may repeat it (Okta). */
  id: string
  flags: Flags
}

type OpName = 'add' | 'remove' | 'replace'

interface AttrTarget {
  kind: 'attr'
  container: string | null
  attr: AttributeDefinition
  sub?: AttributeDefinition
  filter?: (el: Attrs) => boolean
  filterNode?: FilterNode
  label: string
}

type Target =
  | AttrTarget
  | { kind: 'extension'; container: string; schema: SchemaDefinition; label: string }
  | { kind: 'readOnly'; name: 'id' | 'meta'; label: string }
  | { kind: 'ignore' }

const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath')
const mutability = (detail: string) => new ScimError(400, detail, 'mutability')
const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget')
const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue')
const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax')

/** Message attribute names are case-insensitive too (RFC 7643 §2.1); `operations` is accepted. */
function getKey(obj: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return { present: true, value: obj[name] }
  const lower = name.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return { present: true, value: obj[k] }
  return { present: false, value: undefined }
}

export interface ParsedOperation {
  op: OpName
  path: string | undefined
  value: unknown
  hasValue: boolean
}

/** Validates the PatchOp envelope and normalises each operation. */
export function parsePatchBody(body: unknown): ParsedOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax('PATCH body must be a PatchOp JSON object')
  const ops = getKey(body, 'Operations').value
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('PatchOp needs a non-empty "Operations" array')
  return ops.map((raw, i) => {
    if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object`)
    const op = getKey(raw, 'op').value
    if (typeof op !== 'string') throw invalidSyntax(`Operations[${i}].op is missing`)
    const name = op.toLowerCase()
    if (name !== 'add' && name !== 'remove' && name !== 'replace') {
      throw invalidSyntax(`Operations[${i}].op "${op}" is not one of add, remove, replace`)
    }
    const path = getKey(raw, 'path').value
    if (path !== undefined && path !== null && typeof path !== 'string') throw invalidPath(`Operations[${i}].path must be a string`)
    const value = getKey(raw, 'value')
    return {
      op: name,
      path: typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined,
      value: value.value,
      hasValue: value.present && value.value !== null,
    }
  })
}

/** Returns the patched copy of `current`; throws a ScimError (and changes nothing) on any failing operation. */
export function applyPatch(ctx: PatchContext, current: Attrs, body: unknown): Attrs {
  const ops = parsePatchBody(body)
  const attrs = cloneJson(current)
  for (const op of ops) applyOperation(ctx, attrs, op)
  cleanup(ctx.rt, attrs)
  return attrs
}

function applyOperation(ctx: PatchContext, attrs: Attrs, op: ParsedOperation): void {
  if (op.path !== undefined) {
    applyTarget(ctx, attrs, op.op, resolveTarget(ctx, op.path), op.value, op.hasValue)
    return
  }
  if (op.op === 'remove') throw noTarget('"remove" requires a "path"')
  let value = op.value
  if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) value = value[0]
  if (!isPlainObject(value)) throw invalidValue(`A path-less "${op.op}" needs an object value holding the attributes to ${op.op}`)
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase()
    if (lower === 'schemas') continue
    // Okta's group rename repeats the group's id; an unchanged id is not a modification.
    if (lower === 'id') {
      if (v === ctx.id) continue
      throw mutability('"id" is readOnly and cannot be changed')
    }
    applyTarget(ctx, attrs, op.op, resolveTarget(ctx, key), v, v !== null && v !== undefined)
  }
}

function resolveTarget(ctx: PatchContext, pathText: string): Target {
  const pp = parsePatchPath(pathText)
  const res = resolvePath(ctx.rt, pp.path)
  if (res.kind === 'unknown') throw invalidPath(`Path "${pathText}": ${res.reason}`)
  if (res.kind === 'extension') {
    if (pp.filter || pp.sub) throw invalidPath(`Path "${pathText}": a schema URN cannot take a value filter`)
    return { kind: 'extension', container: res.value.container, schema: res.value.schema, label: pathText }
  }
  const r = res.value
  if (r.common) {
    if (r.attr.name === 'schemas') return { kind: 'ignore' }
    if (r.attr.name === 'id' || r.attr.name === 'meta') return { kind: 'readOnly', name: r.attr.name, label: pathText }
  }
  const attr = r.common ? EXTERNAL_ID_ATTRIBUTE : r.attr
  if (!pp.filter) return { kind: 'attr', container: r.container, attr, ...(r.sub ? { sub: r.sub } : {}), label: pathText }
  if (r.sub) throw invalidPath(`Path "${pathText}": the value filter must follow the attribute name`)
  if (attr.type !== 'complex' || !attr.multiValued) throw invalidPath(`Path "${pathText}": value filters apply only to multi-valued complex attributes`)
  let filter: (el: Attrs) => boolean
  try {
    filter = compileElementFilter(pp.filter, attr, r.container)
  } catch (e) {
    if (e instanceof ScimError) throw invalidPath(`Path "${pathText}": ${e.message}`)
    throw e
  }
  let sub: AttributeDefinition | undefined
  if (pp.sub) {
    sub = findAttribute(attr.subAttributes, pp.sub)
    if (!sub) throw invalidPath(`Path "${pathText}": unknown sub-attribute "${pp.sub}"`)
  }
  return { kind: 'attr', container: r.container, attr, ...(sub ? { sub } : {}), filter, filterNode: pp.filter, label: pathText }
}

function containerOf(attrs: Attrs, container: string | null, create: boolean): Attrs | undefined {
  if (container === null) return attrs
  const c = attrs[container]
  if (isPlainObject(c)) return c
  if (!create) return undefined
  const fresh: Attrs = {}
  attrs[container] = fresh
  return fresh
}

function applyTarget(ctx: PatchContext, attrs: Attrs, op: OpName, target: Target, value: unknown, hasValue: boolean): void {
  switch (target.kind) {
    case 'ignore':
      return
    case 'readOnly':
      if (target.name === 'id' && op !== 'remove' && value === ctx.id) return
      throw mutability(`"${target.name}" is readOnly and cannot be modified`)
    case 'extension': {
      if (op === 'remove') {
        delete attrs[target.container]
        return
      }
      if (!isPlainObject(value)) throw invalidValue(`"${target.label}" needs an object value`)
      for (const [key, v] of Object.entries(value)) {
        const attr = findAttribute(target.schema.attributes, key)
        if (!attr) throw invalidPath(`Unknown attribute "${key}" in ${target.container}`)
        applyTarget(ctx, attrs, op, { kind: 'attr', container: target.container, attr, label: `${target.container}:${attr.name}` }, v, v !== null && v !== undefined)
      }
      return
    }
    case 'attr':
      applyAttr(ctx, attrs, op, target, value, hasValue)
  }
}

function applyAttr(ctx: PatchContext, attrs: Attrs, op: OpName, t: AttrTarget, value: unknown, hasValue: boolean): void {
  const { attr, sub } = t
  if (attr.mutability === 'readOnly') throw mutability(`"${attr.name}" is readOnly and cannot be modified`)
  if (sub && sub.mutability === 'readOnly') throw mutability(`"${attr.name}.${sub.name}" is readOnly and cannot be modified`)
  if (sub && sub.mutability === 'immutable') throw mutability(`"${attr.name}.${sub.name}" is immutable; replace the whole value instead`)
  if (attr.name === 'members' && op !== 'remove') requireMemberValues(value)

  const written: Attrs[] = []
  const obj = containerOf(attrs, t.container, op !== 'remove')
  if (!obj) return // removing from an extension the resource does not have

  if (attr.mutability === 'immutable' && obj[attr.name] !== undefined) {
    // Set once: an unchanged value is accepted, anything else is refused (RFC 7643 §2.2).
    const same = op !== 'remove' && !sub && !t.filter && deepEqual(coerceValue(attr, value, t.label, ctx.flags), obj[attr.name])
    if (same) return
    throw mutability(`"${t.label}" is immutable and already has a value`)
  }

  if (t.filter) applyFiltered(ctx, obj, op, t, value, written)
  else if (sub) applySubAttribute(ctx, obj, op, t, sub, value, written)
  else applyWhole(ctx, obj, op, t, value, hasValue, written)

  if (attr.multiValued && attr.type === 'complex') enforceSinglePrimary(obj[attr.name], written, attr.name)
}

function requireMemberValues(value: unknown): void {
  if (value === null || value === undefined) return
  const list = Array.isArray(value) ? value : [value]
  for (const m of list) {
    const v = isPlainObject(m) ? getKey(m, 'value').value : m
    if (typeof v !== 'string' || v === '') throw invalidValue('Every member needs a non-empty "value" (the member id)')
  }
}

function applyWhole(ctx: PatchContext, obj: Attrs, op: OpName, t: AttrTarget, value: unknown, hasValue: boolean, written: Attrs[]): void {
  const { attr } = t
  const name = attr.name
  const path = t.label

  if (op === 'remove') {
    if (attr.required && t.container === null) throw mutability(`"${name}" is required and cannot be removed`)
    if (attr.multiValued && hasValue) removeListed(ctx, obj, attr, value)
    else delete obj[name]
    return
  }

  if (attr.multiValued) {
    const incoming = coerceValue(attr, value, path, ctx.flags) as unknown[] | undefined
    if (op === 'replace') {
      if (incoming === undefined) delete obj[name]
      else {
        const deduped = appendValues(attr, [], incoming, written)
        obj[name] = deduped
      }
      return
    }
    if (incoming === undefined) return
    const existing = Array.isArray(obj[name]) ? (obj[name] as unknown[]) : []
    obj[name] = appendValues(attr, existing, incoming, written)
    return
  }

  if (attr.type === 'complex') {
    const incoming = coerceComplex(attr, value, path, ctx.flags)
    if (incoming === undefined) {
      if (op === 'replace') delete obj[name]
      return
    }
    // Sub-attributes not named in the value are left unchanged (RFC 7644 §3.5.2.1, §3.5.2.3).
    const existing = isPlainObject(obj[name]) ? (obj[name] as Attrs) : {}
    obj[name] = { ...existing, ...incoming }
    return
  }

  const v = coerceSimple(attr, value, path, ctx.flags)
  if (v === undefined) {
    if (op === 'add') throw invalidValue(`"add" of "${path}" needs a value`)
    if (attr.required && t.container === null) throw invalidValue(`"${name}" is required and cannot be cleared`)
    delete obj[name]
    return
  }
  if (attr.required && typeof v === 'string' && v.trim() === '') throw invalidValue(`"${name}" is required and must not be empty`)
  obj[name] = v
}

function applySubAttribute(
  ctx: PatchContext,
  obj: Attrs,
  op: OpName,
  t: AttrTarget,
  sub: AttributeDefinition,
  value: unknown,
  written: Attrs[],
): void {
  const name = t.attr.name
  const path = t.label
  if (t.attr.multiValued) {
    // `emails.primary` without a filter addresses every value of the attribute.
    const list = Array.isArray(obj[name]) ? (obj[name] as Attrs[]) : []
    if (list.length === 0) {
      if (op === 'remove') return
      throw noTarget(`"${path}" has no values to ${op}`)
    }
    const v = op === 'remove' ? undefined : coerceSimple(sub, value, path, ctx.flags)
    for (const el of list) {
      if (v === undefined) delete el[sub.name]
      else {
        el[sub.name] = v
        written.push(el)
      }
    }
    return
  }
  const current = isPlainObject(obj[name]) ? (obj[name] as Attrs) : undefined
  if (op === 'remove') {
    if (current) delete current[sub.name]
    return
  }
  const v = coerceSimple(sub, value, path, ctx.flags)
  if (v === undefined) {
    if (current) delete current[sub.name]
    return
  }
  obj[name] = { ...(current ?? {}), [sub.name]: v }
}

/** `type eq "<canonical>"` alone: the filter Entra uses to address an element that may not exist yet. */
function canonicalTypeOf(t: AttrTarget): string | undefined {
  const f = t.filterNode
  if (!f || f.type !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string') return undefined
  if (f.path.toLowerCase() !== 'type') return undefined
  const typeDef = findAttribute(t.attr.subAttributes, 'type')
  const wanted = f.value.toLowerCase()
  return typeDef?.canonicalValues?.find((c) => c.toLowerCase() === wanted)
}

function applyFiltered(ctx: PatchContext, obj: Attrs, op: OpName, t: AttrTarget, value: unknown, written: Attrs[]): void {
  const name = t.attr.name
  const path = t.label
  let list = Array.isArray(obj[name]) ? (obj[name] as Attrs[]) : []
  let matched = list.filter((el) => isPlainObject(el) && t.filter!(el))
  let created: Attrs | undefined

  if (matched.length === 0) {
    if (op === 'remove') {
      if (ctx.flags.removeUnmatchedSucceeds) return
      throw noTarget(`No value of "${name}" matches "${path}"`)
    }
    const canonical = canonicalTypeOf(t)
    if (!canonical) throw noTarget(`No value of "${name}" matches "${path}"`)
    created = { type: canonical }
    list = [...list, created]
    obj[name] = list
    matched = [created]
  }

  const sub = t.sub
  if (op === 'remove') {
    if (sub) for (const el of matched) delete el[sub.name]
    else obj[name] = list.filter((el) => !matched.includes(el))
    if (Array.isArray(obj[name]) && (obj[name] as unknown[]).length === 0) delete obj[name]
    return
  }

  if (sub) {
    const v = coerceSimple(sub, value, path, ctx.flags)
    for (const el of matched) {
      if (v === undefined) delete el[sub.name]
      else el[sub.name] = v
      written.push(el)
    }
    return
  }

  const incoming = coerceComplex(t.attr, value, path, ctx.flags)
  const next = list.flatMap((el) => {
    if (!matched.includes(el)) return [el]
    if (incoming === undefined) return op === 'replace' ? [] : [el]
    // replace swaps the matched value; add merges into it. A freshly created
    // element keeps the type its filter asked for.
    const merged = op === 'replace' && el !== created ? { ...incoming } : { ...el, ...incoming }
    if (el === created && merged['type'] === undefined) merged['type'] = created['type']
    written.push(merged)
    return [merged]
  })
  if (next.length === 0) delete obj[name]
  else obj[name] = next
}

/** Two values of a multi-valued attribute are the same when their `value` (and `type`, if both have one) agree. */
function sameElement(attr: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (attr.type !== 'complex') return deepEqual(a, b)
  if (!isPlainObject(a) || !isPlainObject(b)) return false
  if (b['value'] === undefined) return deepEqual(a, b)
  const valueDef = findAttribute(attr.subAttributes, 'value')
  const eq = (x: unknown, y: unknown) =>
    typeof x === 'string' && typeof y === 'string' && !valueDef?.caseExact ? x.toLowerCase() === y.toLowerCase() : x === y
  if (!eq(a['value'], b['value'])) return false
  if (attr.name === 'members') return true
  if (a['type'] !== undefined && b['type'] !== undefined) return eq(a['type'], b['type'])
  return true
}

/** add on a multi-valued attribute: new values are appended, values already present are merged (RFC 7644 §3.5.2.1). */
function appendValues(attr: AttributeDefinition, existing: unknown[], incoming: unknown[], written: Attrs[]): unknown[] {
  const out = [...existing]
  for (const item of incoming) {
    const i = out.findIndex((e) => sameElement(attr, e, item))
    if (i === -1) {
      out.push(item)
      if (isPlainObject(item)) written.push(item)
      continue
    }
    if (isPlainObject(item) && isPlainObject(out[i])) {
      const merged = { ...(out[i] as Attrs), ...item }
      out[i] = merged
      written.push(merged)
    }
  }
  return out
}

/** remove with a value list: only the listed values go (Entra/JumpCloud member removal). */
function removeListed(ctx: PatchContext, obj: Attrs, attr: AttributeDefinition, value: unknown): void {
  const list = obj[attr.name]
  if (!Array.isArray(list)) return
  if (ctx.flags.removeValueListRemovesAll && attr.name === 'members') {
    delete obj[attr.name]
    return
  }
  const patterns = (Array.isArray(value) ? value : [value])
    .map((item) => (attr.type === 'complex' ? coerceComplex(attr, item, attr.name, ctx.flags) : item))
    .filter((p) => p !== undefined)
  const keep = list.filter((el) => !patterns.some((p) => matchesPattern(attr, el, p)))
  if (keep.length === 0) delete obj[attr.name]
  else obj[attr.name] = keep
}

function matchesPattern(attr: AttributeDefinition, el: unknown, pattern: unknown): boolean {
  if (attr.type !== 'complex') return deepEqual(el, pattern)
  if (!isPlainObject(el) || !isPlainObject(pattern)) return false
  const keys = Object.keys(pattern)
  if (keys.length === 0) return false
  return keys.every((k) => {
    const def = findAttribute(attr.subAttributes, k)
    const a = el[k]
    const b = pattern[k]
    if (typeof a === 'string' && typeof b === 'string' && !def?.caseExact) return a.toLowerCase() === b.toLowerCase()
    return a === b
  })
}

/**
 * "primary" true may appear once (RFC 7643 §2.4); a PATCH that sets a value
 * primary makes the others non-primary (RFC 7644 §3.5.2).
 */
function enforceSinglePrimary(list: unknown, written: Attrs[], name: string): void {
  if (!Array.isArray(list)) return
  const primaries = list.filter((e): e is Attrs => isPlainObject(e) && e['primary'] === true)
  if (primaries.length <= 1) return
  const winners = primaries.filter((p) => written.includes(p))
  if (winners.length !== 1) throw invalidValue(`"${name}" would have ${primaries.length} values with primary=true; at most one is allowed`)
  for (const p of primaries) if (p !== winners[0]) p['primary'] = false
}

/** Drops values that became empty so that "unassigned" has one representation. */
function cleanup(rt: ResourceTypeModel, attrs: Attrs): void {
  const prune = (obj: Attrs) => {
    for (const k of Object.keys(obj)) {
      const v = obj[k]
      if (v === undefined || v === null) delete obj[k]
      else if (Array.isArray(v)) {
        const kept = v.filter((e) => e !== null && e !== undefined && !(isPlainObject(e) && Object.keys(e).length === 0))
        if (kept.length === 0) delete obj[k]
        else obj[k] = kept
      } else if (isPlainObject(v) && Object.keys(v).length === 0) delete obj[k]
    }
  }
  prune(attrs)
  for (const ext of rt.extensions) {
    const c = attrs[ext.schema.id]
    if (isPlainObject(c)) {
      prune(c)
      if (Object.keys(c).length === 0) delete attrs[ext.schema.id]
    }
  }
}
