import type { ActionContext, IdpProfile } from './types.js'
import { BASE_MAPPING, buildUser, flattenChanges, parsePath, pathFor, schemasOf } from './mapping.js'
import { SCHEMA, encodeQuery, literal, patchOp, resourcePath } from './wire.js'
import { deleted, firstResource, memberList, pageThrough, runState } from './common.js'
import { IdpDirectory } from './directory.js'
import { VERSION } from '../version.js'

/**
 * The strict RFC 7644 client: what a careful implementation of the RFC sends, and nothing an IdP adds.
 * It is the default profile and the one that runs the catalogue's probes.
 */
// Content-Type (application/scim+json) goes only on requests with a body; the HTTP client adds it there.
const HEADERS = { accept: 'application/scim+json', 'user-agent': `scim-check/${VERSION} (generic RFC 7644 client)` }

function patchValue(ctx: ActionContext, attr: string, value: unknown): unknown {
  const p = parsePath(pathFor(attr, ctx.mapping, ctx.custom.urn))
  // RFC 7643 §8.7.1: manager is a complex attribute whose `value` is the manager's id.
  if (p.urn && p.attr === 'manager' && typeof value === 'string') return { value }
  return value
}

/** The users this run created, as the client wrote them, so an update knows which typed values already exist. */
const directoryOf = (ctx: ActionContext) => runState(ctx, 'generic.directory', () => new IdpDirectory())

/**
 * One PATCH op per changed attribute. A value in a typed element the user does not have yet (a first work email) is
 * added to its multi-valued attribute ({"op":"add","path":"emails","value":[{"type":"work","value":…}]}, RFC 7644
 * §3.5.2.1 "a new value is added"): a replace through a value filter that matches nothing SHALL fail with noTarget
 * (§3.5.2.3), and an add through one is unspecified. Users this run did not create are assumed to hold the element.
 */
function userOps(ctx: ActionContext, id: string, changes: Record<string, unknown>): Record<string, unknown>[] {
  const known = directoryOf(ctx).get(id)
  const element = (attr: string) => {
    let p
    try {
      p = parsePath(pathFor(attr, ctx.mapping, ctx.custom.urn))
    } catch {
      return undefined
    }
    return p.filter && !p.urn ? { attr: p.attr, type: p.filter.value, sub: p.sub ?? 'value', key: `${p.attr}|${p.filter.attr}|${p.filter.value}` } : undefined
  }
  const held = new Set(Object.entries(known ?? {}).filter(([, v]) => v !== undefined && v !== null).map(([a]) => element(a)?.key).filter(Boolean))
  const ops: Record<string, unknown>[] = []
  const created = new Map<string, Record<string, unknown>>()
  for (const [attr, value] of Object.entries(changes)) {
    const e = element(attr)
    if (known && e && !held.has(e.key) && value !== null && value !== undefined) {
      const el = created.get(e.key)
      if (el) el[e.sub] = value
      else {
        const fresh = { type: e.type, [e.sub]: value }
        created.set(e.key, fresh)
        ops.push({ op: 'add', path: e.attr, value: [fresh] })
      }
      continue
    }
    ops.push({ op: 'replace', path: pathFor(attr, ctx.mapping, ctx.custom.urn), value: patchValue(ctx, attr, value) })
  }
  return ops
}

export const generic: IdpProfile = {
  name: 'generic',
  title: 'Generic strict RFC 7644 client',
  description: 'Sends only what RFC 7643/7644 define: discovery first, percent-encoded filters, lower-case PATCH ops with a path, JSON booleans, DELETE to deprovision.',
  options: [],
  mapping: BASE_MAPPING,
  behaviours: [
    { topic: 'Connection test', does: 'GET /ServiceProviderConfig', source: 'RFC 7644 §4', confidence: 'D' },
    { topic: 'Discovery', does: 'GET /ServiceProviderConfig, /ResourceTypes, /Schemas before anything else; optional features gated on the answers', source: 'RFC 7644 §4', confidence: 'D' },
    { topic: 'Lookup', does: 'GET /Users?filter=userName%20eq%20"…" (percent-encoded)', source: 'RFC 7644 §3.4.2.2', confidence: 'D' },
    { topic: 'Create user', does: 'POST /Users with schemas, userName, name, emails[], active (no read-only attributes)', source: 'RFC 7644 §3.3', confidence: 'D' },
    { topic: 'Update user', does: 'PATCH, one lower-case replace with a path per attribute, JSON values; a first value of a typed element (a work email for a user created without one) is an add on the attribute: {"op":"add","path":"emails","value":[{"type":"work","value":…}]}', source: 'RFC 7644 §3.5.2.1, §3.5.2.3', confidence: 'D' },
    { topic: 'Deactivate / reactivate', does: 'PATCH replace path active, JSON boolean', source: 'RFC 7644 §3.5.2.3', confidence: 'D' },
    { topic: 'Delete user', does: 'DELETE /Users/{id}, expects 204', source: 'RFC 7644 §3.6', confidence: 'D' },
    { topic: 'Groups', does: 'POST /Groups; PATCH add members [{value}]; remove members[value eq "…"]; replace members with the whole list (an overwrite); replace displayName; DELETE', source: 'RFC 7644 §3.5.2', confidence: 'D' },
    { topic: 'Import', does: 'GET /Users?startIndex=1&count=100, following totalResults', source: 'RFC 7644 §3.4.2.4', confidence: 'D' },
  ],
  headers: () => HEADERS,
  never: {
    importSchema: 'the generic client reads /ServiceProviderConfig, /ResourceTypes and /Schemas as scim-check discovery before every run; no IdP import of the schema is modelled',
  },
  actions: {
    async testConnection(ctx) {
      return { exchange: await ctx.send({ method: 'GET', path: '/ServiceProviderConfig' }) }
    },
    async findUser(ctx, args) {
      const [attr, value] = args.externalId !== undefined ? ['externalId', args.externalId] : ['userName', args.userName]
      const x = await ctx.send({ method: 'GET', path: '/Users', rawQuery: encodeQuery([['filter', `${attr} eq ${literal(String(value))}`]]) })
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    async createUser(ctx, args) {
      const body = buildUser({ active: true, ...args }, ctx.mapping, ctx.custom)
      if (args.password) body.password = args.password
      const x = await ctx.send({ method: 'POST', path: '/Users', body: { schemas: schemasOf(body, SCHEMA.user), ...body } })
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      if (typeof id === 'string' && x.response!.status < 300) directoryOf(ctx).remember(id, Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'password')))
      return { exchange: x }
    },
    async getUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async listUsers(ctx, args) {
      return pageThrough(ctx, '/Users', Number(args.pageSize ?? 100), (start, count) => ({ rawQuery: encodeQuery([['startIndex', start], ['count', count]]) }))
    },
    async updateUser(ctx, args) {
      const changes = flattenChanges(args.changes)
      const x = await ctx.send({ method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp(userOps(ctx, String(args.id), changes)) })
      if (x.response && x.response.status < 300) directoryOf(ctx).change(String(args.id), changes)
      return { exchange: x }
    },
    async deactivateUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp([{ op: 'replace', path: 'active', value: false }]) }) }
    },
    async reactivateUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp([{ op: 'replace', path: 'active', value: true }]) }) }
    },
    async deleteUser(ctx, args) {
      return deleted(await ctx.send({ method: 'DELETE', path: resourcePath('Users', args.id) }), args.id)
    },
    async createGroup(ctx, args) {
      const body: Record<string, unknown> = { schemas: [SCHEMA.group], displayName: args.displayName }
      if (args.externalId) body.externalId = args.externalId
      body.members = memberList(args.members).map((m) => ({ value: m.value }))
      return { exchange: await ctx.send({ method: 'POST', path: '/Groups', body }) }
    },
    async getGroup(ctx, args) {
      return { exchange: await ctx.send({ method: 'GET', path: resourcePath('Groups', args.id) }) }
    },
    async findGroup(ctx, args) {
      const x = await ctx.send({ method: 'GET', path: '/Groups', rawQuery: encodeQuery([['filter', `displayName eq ${literal(String(args.displayName))}`]]) })
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    async listGroups(ctx, args) {
      return pageThrough(ctx, '/Groups', Number(args.pageSize ?? 100), (start, count) => ({ rawQuery: encodeQuery([['startIndex', start], ['count', count]]) }))
    },
    async addMembers(ctx, args) {
      const value = memberList(args.members).map((m) => ({ value: m.value }))
      return { exchange: await ctx.send({ method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp([{ op: 'add', path: 'members', value }]) }) }
    },
    async removeMembers(ctx, args) {
      const ops = memberList(args.members).map((m) => ({ op: 'remove', path: `members[value eq ${literal(m.value)}]` }))
      return { exchange: await ctx.send({ method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp(ops) }) }
    },
    async pushGroup(ctx, args) {
      // RFC 7644 §3.5.2.3: "replace" of the whole members attribute is the overwrite of a group's membership.
      const members = memberList(args.members).map((m) => (m.display === undefined ? { value: m.value } : { value: m.value, display: m.display }))
      // `save:` keeps the id and status, as after a delete (a 204 has no body to save).
      return deleted(await ctx.send({ method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp([{ op: 'replace', path: 'members', value: members }]) }), args.id)
    },
    async renameGroup(ctx, args) {
      return { exchange: await ctx.send({ method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp([{ op: 'replace', path: 'displayName', value: args.displayName }]) }) }
    },
    async deleteGroup(ctx, args) {
      return deleted(await ctx.send({ method: 'DELETE', path: resourcePath('Groups', args.id) }), args.id)
    },
  },
}
