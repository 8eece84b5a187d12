import { randomBytes } from 'node:crypto'
import type { RequestSpec } from '../http/exchange.js'
import type { ActionContext, ActionResult, IdpExpectation, IdpProfile } from './types.js'
import { BASE_MAPPING, applyChanges, buildUser, flattenChanges } from './mapping.js'
import { SCHEMA, encodeQuery, filterQuery, literal, patchOp, resourcePath } from './wire.js'
import { accepted, firstResource, memberList, notSent, pageThrough, runState, type Member } from './common.js'
import { lookupExpectation, lookupThenCreate } from './flows.js'
import { dropKeys, keyTokens, mapOps, rejectedExpectation, sendJudged, withPaths, type Quirk } from './quirks.js'

/**
 * Okta (Lifecycle Management provisioning to a SCIM 2.0 app). Two app kinds behave differently on the wire:
 * OIN template apps update profiles by GET-then-PUT and (de)activate by a path-less PATCH; custom apps made with the
 * App Integration Wizard (AIW) do every user and group update with PUT.
 */

const SRC = {
  ref: 'https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/',
  ref11: 'https://github.com/okta/okta-developer-docs/blob/master/packages/@okta/vuepress-site/docs/reference/scim/scim-11/index.md',
  concepts: 'https://developer.okta.com/docs/concepts/scim/',
  connect: 'https://developer.okta.com/docs/guides/scim-provisioning-integration-connect/main/',
  delinea: 'https://docs.delinea.com/online-help/delinea-platform/scim/okta-scim-provisioning/okta-scim-endpoint-reference.htm',
  capture: 'https://github.com/oktadeveloper/okta-blog-archive/pull/1956',
  gosim57: 'https://github.com/imulab/go-scim/issues/57',
}

const source = (behaviour: string, url: string): IdpExpectation['source'] => ({ idp: 'okta', behaviour, url })

const EXPECT = {
  createExtras: 'idp.okta.create-groups-password',
  putReadOnly: 'idp.okta.put-echoes-readonly',
  pathless: 'idp.okta.pathless-active',
  rename: 'idp.okta.group-rename-with-id',
  groupPut: 'idp.okta.group-put',
  groupPushOff: 'idp.okta.group-push-off',
  lookup: 'idp.okta.lookup-userName-only',
} as const

const EXPECTATIONS: IdpExpectation[] = [
  lookupExpectation('okta', 'Determine if the User already exists (GET /Users?filter=userName eq …), then Create the User when none is found', SRC.ref),
  { id: EXPECT.createExtras, title: 'Okta creates users with groups: [] and a password in the body', source: source('Create the User: POST /Users carries "groups": [] and a random "password"', SRC.ref) },
  { id: EXPECT.putReadOnly, title: "Okta's PUT echoes id, meta and groups as the server returned them", source: source('Update a specific User (PUT): GET the user, change the managed attributes, PUT the whole object back', SRC.ref) },
  { id: EXPECT.pathless, title: 'Okta (de)activates with a path-less replace of {"active": …}', source: source('Update a specific User (PATCH): {"op":"replace","value":{"active":false}}', SRC.ref) },
  { id: EXPECT.rename, title: "Okta's group rename is a path-less replace of {id, displayName}, sent after every membership change", source: source('Update a specific Group name: {"op":"replace","value":{"id":…,"displayName":…}}', SRC.ref) },
  { id: EXPECT.groupPut, title: 'Okta AIW apps push group membership and names with PUT /Groups/{id}', source: source('Update specific Group membership (AIW): PUT with {schemas, displayName, members:[{value, display}]}', SRC.ref) },
  { id: EXPECT.groupPushOff, title: 'With Group Push off, Okta sends no group requests', source: source('Create Groups: groups reach the app only through Push Groups', SRC.ref) },
  { id: EXPECT.lookup, title: 'Okta looks users up by userName only, with GET /Users?filter=userName eq "…"&startIndex=1&count=100', source: source('Determine if the User already exists: filter=userName eq "…" (or the configured unique attribute)', SRC.ref) },
  rejectedExpectation('okta', SRC.ref),
]

/** Okta's sample request headers (reference examples and a captured Okta request). */
const HEADERS = { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json', 'accept-charset': 'utf-8' }
const BODY_TYPE = { 'content-type': 'application/scim+json; charset=utf-8' }

const isAiw = (ctx: ActionContext) => String(ctx.options.app ?? 'oin') === 'aiw'
const groupPushOn = (ctx: ActionContext) => ctx.options.groupPush !== false && String(ctx.options.groupPush) !== 'false'

const withBodyType = (spec: RequestSpec): RequestSpec => (spec.body === undefined ? spec : { ...spec, headers: { ...BODY_TYPE, ...spec.headers } })

function send(ctx: ActionContext, spec: RequestSpec) {
  return ctx.send(withBodyType(spec))
}

/** Okta lists with startIndex/count after the filter, the filter percent-encoded (%20, %22). */
const listQuery = (filter: string) => filterQuery(filter, { after: [['startIndex', 1], ['count', 100]] })

/** Okta's quirks, each with the one change that undoes it, for the shared judge's minimal pairs. */
const Q = {
  createExtras: { id: EXPECT.createExtras, what: 'Okta sends "groups": [] and a "password" in every create', source: SRC.ref, confidence: 'D', normalise: dropKeys('groups', 'password'), tokens: keyTokens('groups', 'password') },
  putReadOnly: { id: EXPECT.putReadOnly, what: 'Okta updates by PUT of the whole user as the server returned it, echoing id, meta and groups', source: SRC.ref, confidence: 'D', normalise: dropKeys('id', 'meta', 'groups'), tokens: keyTokens('id', 'meta', 'groups') },
  put: { id: EXPECT.putReadOnly, what: 'Okta updates user profiles only with PUT', source: SRC.ref, confidence: 'D', method: true },
  deactivate: { id: EXPECT.pathless, what: 'Okta deactivates with a path-less {"op":"replace","value":{"active":false}}', source: SRC.ref, confidence: 'D', normalise: withPaths },
  // Reactivation uses the same shape by Okta's account, but no reactivation request is shown: inferred.
  reactivate: { id: EXPECT.pathless, what: 'Okta reactivates with a path-less {"op":"replace","value":{"active":true}}', source: SRC.connect, confidence: 'I', normalise: withPaths },
  rename: {
    id: EXPECT.rename,
    what: 'Okta renames a group with a path-less {"op":"replace","value":{"id":…,"displayName":…}}',
    source: SRC.ref,
    confidence: 'D',
    normalise: (spec: RequestSpec) => mapOps(spec, (op) => (op.path === undefined && op.value && typeof op.value === 'object' ? { op: op.op, path: 'displayName', value: (op.value as { displayName?: unknown }).displayName } : op)),
  },
  groupPut: { id: EXPECT.groupPut, what: 'Okta AIW apps push a group as PUT {schemas, displayName, members:[{value, display}]}', source: SRC.ref, confidence: 'D', method: true },
  lookup: {
    id: EXPECT.lookup,
    what: 'Okta checks whether a user exists with GET /Users?filter=userName eq "…"&startIndex=1&count=100',
    source: SRC.ref,
    confidence: 'D',
    normalise: (spec: RequestSpec) => (spec.rawQuery?.includes('&startIndex=') ? { ...spec, rawQuery: spec.rawQuery.replace(/&startIndex=\d+&count=\d+$/, '') } : undefined),
  },
} satisfies Record<string, Quirk>

/** Okta's own record of the groups it pushed (per run): AIW pushes send the whole member list, which Okta (not the app) holds. */
const pushedOf = (ctx: ActionContext) => runState(ctx, 'okta.pushed', () => new Map<string, { displayName: string; members: Member[] }>())

/** Send a request carrying Okta quirks and judge it with the shared quirk judge. */
function judged(ctx: ActionContext, spec: RequestSpec, quirks: Quirk[]) {
  return sendJudged(ctx, withBodyType(spec), quirks)
}

async function groupState(ctx: ActionContext, id: string): Promise<{ displayName: string; members: Member[] }> {
  const pushed = pushedOf(ctx)
  const known = pushed.get(id)
  if (known) return known
  // A group this profile did not push: learn its name and members once, as seen in captures (GET after PATCH).
  const x = await send(ctx, { method: 'GET', path: resourcePath('Groups', id) })
  const g = (x.response?.json ?? {}) as { displayName?: string; members?: Member[] }
  const state = { displayName: String(g.displayName ?? ''), members: memberList(g.members ?? []) }
  pushed.set(id, state)
  return state
}

const member = (m: Member) => (m.display === undefined ? { value: m.value } : { value: m.value, display: m.display })

async function getThenPut(ctx: ActionContext, id: unknown, changes: Record<string, unknown>): Promise<ActionResult> {
  const got = await send(ctx, { method: 'GET', path: resourcePath('Users', id) })
  const current = got.response?.status === 200 ? (got.response.json as Record<string, any>) : undefined
  if (!current || typeof current !== 'object') return { exchange: got }
  const body = applyChanges(current, changes, ctx.mapping, ctx.custom.urn)
  // An extension Okta writes for the first time joins `schemas` (not documented either way; RFC 7643 §3 wants it).
  const schemas: unknown[] = Array.isArray(body.schemas) ? body.schemas : []
  for (const k of Object.keys(body)) if (k.startsWith('urn:') && !schemas.some((u) => typeof u === 'string' && u.toLowerCase() === k.toLowerCase())) schemas.push(k)
  if (schemas.length) body.schemas = schemas
  const put = await judged(ctx, { method: 'PUT', path: resourcePath('Users', id), body }, [Q.putReadOnly, Q.put])
  return { exchange: put }
}

async function setActive(ctx: ActionContext, id: unknown, active: boolean): Promise<ActionResult> {
  if (isAiw(ctx)) return getThenPut(ctx, id, { active })
  const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Users', id), body: patchOp([{ op: 'replace', value: { active } }]) }, [active ? Q.reactivate : Q.deactivate])
  return { exchange: x }
}

/** After every membership change Okta re-sends the group's name, as a path-less replace that repeats the id. */
async function renamePatch(ctx: ActionContext, id: string, displayName: string) {
  return judged(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'replace', value: { id, displayName } }]) }, [Q.rename])
}

async function putGroup(ctx: ActionContext, id: string, state: { displayName: string; members: Member[] }) {
  return judged(ctx, { method: 'PUT', path: resourcePath('Groups', id), body: { schemas: [SCHEMA.group], displayName: state.displayName, members: state.members.map(member) } }, [Q.groupPut])
}

function groupsOff(ctx: ActionContext): ActionResult | undefined {
  if (groupPushOn(ctx)) return undefined
  return notSent(ctx, EXPECT.groupPushOff, 'Okta sends no group traffic with Group Push off (option groupPush=false)')
}

export const okta: IdpProfile = {
  name: 'okta',
  title: 'Okta',
  description: 'Okta Lifecycle Management to a SCIM 2.0 app: userName lookups with startIndex=1&count=100, GET-then-PUT profile updates, path-less PATCH (de)activation, never DELETE /Users; AIW apps update with PUT only.',
  options: [
    { name: 'app', description: 'oin: OIN template app (PUT for profiles, PATCH for (de)activation and groups); aiw: custom App Integration Wizard app (PUT for everything)', default: 'oin', values: ['oin', 'aiw'] },
    { name: 'groupPush', description: 'Push Groups enabled; false: Okta sends no group requests', default: true, values: ['true', 'false'] },
  ],
  mapping: {
    ...BASE_MAPPING,
    // The template app maps user.email to the primary work email; the rest follow the SCIM 2.0 template profile.
    email: 'emails[type eq "work"].value',
  },
  behaviours: [
    { topic: 'Headers', does: 'User-Agent: Okta SCIM Client 1.0.0; Accept: application/scim+json; Accept-Charset: utf-8; Content-Type: application/scim+json; charset=utf-8 on bodies (Okta also sends Accept-Encoding: gzip,deflate, which scim-check leaves out so responses stay readable)', source: `OK-REF ${SRC.ref}; capture ${SRC.capture}`, confidence: 'D' },
    { topic: 'Connection test', does: 'GET /Users?startIndex=1&count=2 ("Test API Credentials"); the SCIM 1.1 reference also lists GET /Groups?startIndex=1&count=100 after saving, not sent here', source: `DELINEA ${SRC.delinea}; SCIM 1.1 reference ("the query parameters that Okta sends at this point are always constant") ${SRC.ref11}`, confidence: 'S' },
    { topic: 'Lookup before create', does: 'GET /Users?filter=userName%20eq%20%22…%22&startIndex=1&count=100 (userName only; 200 with an empty list or 404 both mean "not found")', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Create user', does: 'POST /Users {schemas:[core User], userName, name, emails[{primary,value,type:work}], displayName, externalId (the Okta user id), groups: [], password (random), active: true}; enterprise/custom URNs added to schemas when such attributes are mapped (not documented)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Update user', does: 'GET /Users/{id}, then PUT /Users/{id} with the returned object (id, meta, groups echoed) and the changed attributes; an extension written for the first time is added to schemas (not documented)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Deactivate', does: 'OIN: PATCH {"op":"replace","value":{"active":false}} (no path); AIW: GET then PUT with active false', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Reactivate', does: 'OIN: PATCH {"op":"replace","value":{"active":true}}; AIW: GET then PUT with active true (shape inferred from deactivation)', source: `OK-CONN ${SRC.connect}`, confidence: 'I' },
    { topic: 'Delete user', does: 'never: deprovisioning sets active=false; a deleted Okta user causes no request', source: `OK-REF ${SRC.ref}; OK-CON ${SRC.concepts}`, confidence: 'D' },
    { topic: 'Group create', does: 'POST /Groups {schemas:[core Group], displayName, members: []}', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Group lookup', does: 'GET /Groups/{id}; GET /Groups?filter=displayName%20eq%20%22…%22&startIndex=1&count=100 when the id is unknown', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Membership (OIN)', does: 'PATCH add members [{value, display}] / remove members[value eq "…"], then a path-less replace {id, displayName} (the rename re-sent after every membership change)', source: `OK-REF ${SRC.ref}; seen ${SRC.gosim57}`, confidence: 'D' },
    { topic: 'Membership (AIW)', does: 'PUT /Groups/{id} {schemas, displayName, members:[{value, display}]} with the whole member list', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Group rename', does: 'OIN: PATCH {"op":"replace","value":{"id":…,"displayName":…}}; AIW: PUT of the group', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Group delete', does: 'DELETE /Groups/{id} when a pushed group is unlinked with "Delete the group in the target app"', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Import', does: 'GET /Users?startIndex=1&count=100, then startIndex+100 while totalResults says more remain (advances by 100 even if a page held fewer)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: '409 on create', does: 'expected for a duplicate; stops provisioning of that user', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: '429', does: 'waits an integer Retry-After (else 5 min), doubling, at most 10 tries (not replayed by scim-check)', source: `OK-CON ${SRC.concepts}`, confidence: 'D' },
  ],
  never: {
    deleteUser: `Okta never sends DELETE /Users: deprovisioning sets active=false, and deleting a deactivated Okta user sends nothing (OK-REF ${SRC.ref})`,
  },
  expectations: EXPECTATIONS,
  // Okta closes the socket when nothing arrives for 60 s after any SCIM request (OK-FAQ): a server slower than that
  // fails under Okta, one merely slower than scim-check's 10 s default does not.
  deadlineMs: 60_000,
  headers: () => HEADERS,
  actions: {
    async testConnection(ctx) {
      const x = await send(ctx, { method: 'GET', path: '/Users', rawQuery: encodeQuery([['startIndex', 1], ['count', 2]]) })
      return { exchange: x, value: x.response?.json }
    },
    async findUser(ctx, args) {
      if (args.userName === undefined) {
        return notSent(ctx, EXPECT.lookup, 'Okta looks users up by userName (or the unique attribute configured for the app), never by externalId')
      }
      // Okta's create and update flows start with this lookup; 404 is read as "not found", a refusal stops provisioning.
      const x = await judged(ctx, { method: 'GET', path: '/Users', rawQuery: listQuery(`userName eq ${literal(String(args.userName))}`) }, [Q.lookup])
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    createUser: lookupThenCreate((ctx, args) => okta.actions.findUser!(ctx, args), async (ctx, args) => {
      const { custom, password, ...attrs } = args
      const mapped = buildUser({ ...attrs, custom }, ctx.mapping, ctx.custom)
      const { userName, name, emails, displayName, externalId, active: _active, ...rest } = mapped
      const urns = Object.keys(rest).filter((k) => k.startsWith('urn:'))
      // Key order follows Okta's documented create request; servers must not care, readers of transcripts do.
      const body: Record<string, unknown> = { schemas: [SCHEMA.user, ...urns] }
      Object.assign(body, dropUndefined({ userName, name, emails, displayName, externalId }), rest)
      body.groups = []
      body.password = password ?? `Ok${randomBytes(6).toString('base64url')}1!`
      body.active = true
      const x = await judged(ctx, { method: 'POST', path: '/Users', body }, [Q.createExtras])
      return { exchange: x }
    }),
    async getUser(ctx, args) {
      return { exchange: await send(ctx, { method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async listUsers(ctx) {
      return pageThrough(ctx, '/Users', 100, (start, count) => ({ rawQuery: encodeQuery([['startIndex', start], ['count', count]]) }), 'count')
    },
    async updateUser(ctx, args) {
      return getThenPut(ctx, args.id, flattenChanges(args.changes))
    },
    async deactivateUser(ctx, args) {
      return setActive(ctx, args.id, false)
    },
    async reactivateUser(ctx, args) {
      return setActive(ctx, args.id, true)
    },
    async createGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const members = memberList(args.members)
      const x = await send(ctx, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group], displayName: args.displayName, members: members.map(member) } })
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      if (accepted(x) && typeof id === 'string') pushedOf(ctx).set(id, { displayName: String(args.displayName), members })
      return { exchange: x }
    },
    async getGroup(ctx, args) {
      return groupsOff(ctx) ?? { exchange: await send(ctx, { method: 'GET', path: resourcePath('Groups', args.id) }) }
    },
    async findGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const x = await send(ctx, { method: 'GET', path: '/Groups', rawQuery: listQuery(`displayName eq ${literal(String(args.displayName))}`) })
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    async listGroups(ctx) {
      return groupsOff(ctx) ?? pageThrough(ctx, '/Groups', 100, (start, count) => ({ rawQuery: encodeQuery([['startIndex', start], ['count', count]]) }), 'count')
    },
    async addMembers(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const state = await groupState(ctx, id)
      const adding = memberList(args.members)
      state.members = [...state.members.filter((m) => !adding.some((a) => a.value === m.value)), ...adding]
      if (isAiw(ctx)) return { exchange: await putGroup(ctx, id, state) }
      const x = await send(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'add', path: 'members', value: adding.map(member) }]) })
      if (accepted(x)) await renamePatch(ctx, id, state.displayName)
      return { exchange: x }
    },
    async removeMembers(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const state = await groupState(ctx, id)
      const removing = memberList(args.members)
      state.members = state.members.filter((m) => !removing.some((r) => r.value === m.value))
      if (isAiw(ctx)) return { exchange: await putGroup(ctx, id, state) }
      const ops = removing.map((m) => ({ op: 'remove', path: `members[value eq ${literal(m.value)}]` }))
      const x = await send(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp(ops) })
      if (accepted(x)) await renamePatch(ctx, id, state.displayName)
      return { exchange: x }
    },
    async renameGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const state = await groupState(ctx, id)
      state.displayName = String(args.displayName)
      return { exchange: isAiw(ctx) ? await putGroup(ctx, id, state) : await renamePatch(ctx, id, state.displayName) }
    },
    async deleteGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const x = await send(ctx, { method: 'DELETE', path: resourcePath('Groups', args.id) })
      if (accepted(x)) pushedOf(ctx).delete(String(args.id))
      return { exchange: x, value: { id: args.id, status: x.response?.status ?? null } }
    },
  },
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
}
