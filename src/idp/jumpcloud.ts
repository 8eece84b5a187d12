import { randomUUID } from 'node:crypto'
import type { ActionContext, ActionResult, Behaviour, IdpExpectation, IdpProfile } from './types.js'
import type { Exchange } from '../http/exchange.js'
import type { Finding } from '../checks/define.js'
import { BASE_MAPPING, buildUser, flattenChanges, parsePath, pathFor } from './mapping.js'
import { SCHEMA, encodeQuery, literal, patchOp, resourcePath } from './wire.js'
import { accepted, answer, deleted, expectationFactory, firstResource, memberList, notSent, runState } from './common.js'
import { lookupExpectation, lookupThenCreate } from './flows.js'
import { IdpDirectory, type NeutralUser } from './directory.js'
import { judgeQuirks, mapBody, memberFilterRemove, rejectedExpectation, sendJudged, type Quirk } from './quirks.js'
import type { RequestSpec } from '../http/exchange.js'

/**
 * JumpCloud's Custom SCIM Identity Management connector. JumpCloud documents behaviour at the feature level
 * (connection test, group rules); wire shapes come from integrators' captures and are marked as such.
 */

const SOURCES = {
  'JC-DOC': 'https://jumpcloud.com/support/provision-and-manage-users-and-groups-in-apps-using-custom-scim-identity-management-integration',
  'JC-HEAP': 'https://jumpcloud.com/wp-json/wp/v2/support/85119',
  'JC-TROUBLE': 'https://jumpcloud.com/support/troubleshoot-custom-scim-integrations',
  'JC-SAMPLES': 'https://github.com/ShiftControl-io/scim-v2-rust/tree/main/src/test_data/provider_samples',
  UNIMONI: 'https://app.uni-moni.com/en/kb/sso-setup-jumpcloud',
  /** The reference file's low-weight "scim-v2-rust fixtures" for JumpCloud PATCHes; not in that crate's current test data. */
  'RUST-FIX': 'https://github.com/ShiftControl-io/scim-v2-rust',
} as const
type Key = keyof typeof SOURCES
const cite = (...keys: Key[]) => keys.map((k) => `${k} ${SOURCES[k]}`).join('; ')

const expectation = expectationFactory<Key>('jumpcloud', SOURCES)

const EXPECTATIONS: IdpExpectation[] = [
  lookupExpectation('jumpcloud', 'JumpCloud looks a user up before creating it (user_lookup_provision event)', SOURCES['JC-DOC']),
  expectation('connection-test', 'JumpCloud connection test: a test user and a test group are created, then deleted (the user deactivated when DELETE fails)', 'Test Connection creates a test user (the admin\'s Test User Email) and a test group, and deletes both when DELETE is supported; a user that cannot be deleted is deactivated instead', 'JC-DOC'),
  expectation('value-list-member-removal', 'JumpCloud member removal (remove, path "members", value list) removes only the listed members', 'JumpCloud removes members with {"op":"remove","path":"members","value":[{"value":"<id>"}]} (no filter)', 'UNIMONI'),
  expectation('patch-per-attribute', 'JumpCloud attribute updates (one replace with a path per attribute, JSON booleans) are accepted', 'User updates arrive as PATCH with one replace and a path per attribute, active as a JSON boolean', 'RUST-FIX'),
  expectation('put-user', 'JumpCloud user PUT (whole user with id, both URNs, empty arrays) is accepted', 'Captured JumpCloud PUTs carry the whole user, its id, both schema URNs, and [] for attributes without values', 'JC-SAMPLES'),
  expectation('group-management', 'Groups: JumpCloud needs group create, update and delete to enable group management', 'JumpCloud enables group management only for service providers that support Group Creation, Group Updates and Group Deletion', 'JC-TROUBLE'),
  expectation('inferred', 'Requests whose shape JumpCloud does not document', 'Where JumpCloud documents a behaviour but not its request, scim-check sends the least-assuming RFC form; a rejection is reported as information', 'JC-DOC'),
  expectation('not-sent', 'Steps JumpCloud does not send', 'JumpCloud never creates empty groups and documents no other user lookup than its own', 'JC-HEAP'),
  rejectedExpectation('jumpcloud', SOURCES['JC-DOC']),
]

const BEHAVIOURS: Behaviour[] = [
  { topic: 'Connection test', does: 'POST /Users (Test User Email), POST /Groups with that user as member, DELETE /Groups/{id}, DELETE /Users/{id}; if the user DELETE fails, deactivates the user (active false)', source: cite('JC-DOC'), confidence: 'D' },
  { topic: 'Connection test order and bodies', does: 'group created after the user with the user as its first member, deleted before it', source: cite('JC-DOC', 'JC-HEAP'), confidence: 'I' },
  { topic: 'Lookup', does: 'JumpCloud looks a user up before create/update (user_lookup_provision event); the filter is undocumented, scim-check sends GET /Users?filter=userName%20eq%20"…"', source: cite('JC-DOC'), confidence: 'I' },
  { topic: 'Create user', does: 'POST /Users with schemas [core User, enterprise User] (enterprise URN listed even without an extension body), userName, name, displayName, emails/phoneNumbers/addresses typed work with primary true, externalId = the JumpCloud user id, active true', source: cite('JC-SAMPLES'), confidence: 'S' },
  { topic: 'Update user (userUpdate=patch, default)', does: 'PATCH, one lower-case replace with a path per attribute, JSON values (low-weight report; the same crate\'s current samples show PUT)', source: cite('RUST-FIX'), confidence: 'S' },
  { topic: 'Update user (userUpdate=put)', does: 'PUT /Users/{id} with the whole user: id, schemas [enterprise, core], [] for multi-valued attributes without values', source: cite('JC-SAMPLES'), confidence: 'S' },
  { topic: 'Deactivate / reactivate', does: 'PATCH replace path active false / true (JSON boolean); with userUpdate=put, a PUT of the whole user', source: cite('JC-DOC', 'RUST-FIX'), confidence: 'S' },
  { topic: 'Delete user', does: 'Only the connection-test user; when JumpCloud otherwise deletes instead of deactivating is undocumented', source: cite('JC-DOC'), confidence: 'D' },
  { topic: 'Groups', does: 'Empty groups are never created; existing groups with the same name are taken over (looked up by displayName); renamed and deleted with the JumpCloud group', source: cite('JC-HEAP', 'JC-TROUBLE'), confidence: 'D' },
  { topic: 'Group created with its first member', does: 'createGroup without members sends nothing: the group exists only in JumpCloud until a member is added; the first addMembers sends POST /Groups {displayName, members:[{value: <first>}]}, then PATCH add [{value}] for the other members of that change. A read, rename or delete of a group never pushed sends nothing', source: cite('JC-HEAP', 'JC-DOC'), confidence: 'I' },
  { topic: 'Member add', does: 'PATCH add path members [{value}] (no display, no type); a batch size is undocumented, so one PATCH carries every member of one change', source: cite('RUST-FIX'), confidence: 'S' },
  { topic: 'Member remove', does: 'PATCH remove path "members" with a value list [{value}] (no filter)', source: cite('UNIMONI'), confidence: 'S' },
  { topic: 'Group rename / lookup bodies', does: 'PATCH replace path displayName; GET /Groups?filter=displayName%20eq%20"…"', source: cite('JC-HEAP'), confidence: 'I' },
  { topic: 'Headers, import, errors', does: 'Bearer token or "SCIM API Key"; User-Agent, paging and retry behaviour undocumented (scim-check\'s default headers are sent)', source: cite('JC-DOC'), confidence: 'D' },
]

/** With userUpdate=put JumpCloud sends its own values of the whole user, so the profile remembers them (per run). */
const directoryOf = (ctx: ActionContext) => runState(ctx, 'jumpcloud.directory', () => new IdpDirectory())
/** Members this profile put into each group (per run), to tell a remove-all from a targeted removal. */
const membershipOf = (ctx: ActionContext) => runState(ctx, 'jumpcloud.membership', () => new Map<string, Set<string>>())

/**
 * A group that exists in JumpCloud but not yet in the application: JumpCloud never creates an empty group, so an
 * empty createGroup is remembered here, under a handle, until its first member is added. The record is also what
 * the step saves, so once the group is pushed its `id` becomes the application's id and later steps address it.
 */
interface Unpushed {
  id: string
  displayName: string
  externalId?: unknown
  /** Set once pushed: the handle then resolves to the application's id. */
  pushed?: string
}
const unpushedOf = (ctx: ActionContext) => runState(ctx, 'jumpcloud.unpushed', () => new Map<string, Unpushed>())
const HANDLE = 'jumpcloud-unpushed-'

/** The application's id for a group id or handle; undefined for a group JumpCloud has not pushed. */
function groupId(ctx: ActionContext, id: unknown): string | undefined {
  const s = String(id)
  if (!s.startsWith(HANDLE)) return s
  return unpushedOf(ctx).get(s)?.pushed
}

function unpushed(ctx: ActionContext, what: string): ActionResult {
  return notSent(ctx, 'idp.jumpcloud.not-sent', `JumpCloud has not pushed this group to the application (it never creates an empty group, ${cite('JC-HEAP')}), so it sends nothing to ${what} it`)
}

/** JumpCloud's request shapes, for the shared quirk judge; only the PUT carries something a minimal pair can undo. */
const Q = {
  patch: { id: 'idp.jumpcloud.patch-per-attribute', what: 'JumpCloud updates users with PATCH, one replace with a path per attribute and JSON booleans', source: cite('RUST-FIX'), confidence: 'S', method: true },
  putId: { id: 'idp.jumpcloud.put-user', what: "JumpCloud's captured PUTs carry the user's id", source: cite('JC-SAMPLES'), confidence: 'S', normalise: (spec: RequestSpec) => mapBody(spec, ({ id: _id, ...b }) => b) },
  putEmpty: {
    id: 'idp.jumpcloud.put-user',
    what: "JumpCloud's captured PUTs carry [] for multi-valued attributes without values",
    source: cite('JC-SAMPLES'),
    confidence: 'S',
    normalise: (spec: RequestSpec) => mapBody(spec, (b) => Object.fromEntries(Object.entries(b).filter(([, v]) => !(Array.isArray(v) && v.length === 0)))),
  },
  put: { id: 'idp.jumpcloud.put-user', what: "JumpCloud's captured PUTs carry the whole user with its id, schemas [enterprise, core] and [] for empty multi-valued attributes", source: cite('JC-SAMPLES'), confidence: 'S', method: true },
  addMembers: { id: 'idp.jumpcloud.group-management', what: 'JumpCloud adds members with {"op":"add","path":"members","value":[{"value":"<id>"}]} and needs Group Updates for group management', source: cite('RUST-FIX', 'JC-TROUBLE'), confidence: 'S', method: true },
  groupPatch: { id: 'idp.jumpcloud.group-management', what: 'JumpCloud changes groups with PATCH /Groups/{id} and needs Group Updates for group management', source: cite('JC-TROUBLE'), confidence: 'D', method: true },
  deleteGroup: { id: 'idp.jumpcloud.group-management', what: 'JumpCloud deletes the application group when the managed group is deleted and needs Group Deletion for group management', source: cite('JC-HEAP', 'JC-TROUBLE'), confidence: 'D', method: true },
  removeList: { id: 'idp.jumpcloud.value-list-member-removal', what: 'JumpCloud removes members with {"op":"remove","path":"members","value":[{"value":"<id>"}]}, no filter', source: cite('UNIMONI'), confidence: 'S', normalise: memberFilterRemove },
  inferred: (what: string): Quirk => ({ id: 'idp.jumpcloud.inferred', what: `JumpCloud ${what} but does not document the request; scim-check sends the least-assuming RFC form`, source: cite('JC-DOC'), confidence: 'I' }),
} satisfies Record<string, Quirk | ((what: string) => Quirk)>

function putMode(ctx: ActionContext): boolean {
  return ctx.options.userUpdate === 'put'
}

function groupsOff(ctx: ActionContext): ActionResult | undefined {
  if (ctx.options.groupManagement === false || ctx.options.groupManagement === 'false') {
    return notSent(ctx, 'idp.jumpcloud.not-sent', `"Enable management of User Groups and Group Membership in this application" is off (groupManagement=false), so JumpCloud sends no group traffic (${cite('JC-HEAP')})`)
  }
  return undefined
}

/** JumpCloud's create body: both URNs always listed, multi-valued attributes typed work and primary. */
export function createBody(ctx: ActionContext, user: NeutralUser): Record<string, any> {
  const body = buildUser({ ...user, active: user.active ?? true }, ctx.mapping, ctx.custom)
  delete body[ctx.custom.urn] // the custom connector supports no extension schemas (JC-DOC)
  return { schemas: [SCHEMA.user, SCHEMA.enterprise], ...body }
}

/** The captured whole-user PUT: id, [enterprise, core] URNs, [] where a multi-valued attribute has no value. */
export function putBody(ctx: ActionContext, id: string, user: NeutralUser): Record<string, any> {
  const body = buildUser(user, ctx.mapping, ctx.custom)
  delete body[ctx.custom.urn]
  for (const attr of ['emails', 'phoneNumbers', 'addresses']) body[attr] ??= []
  return { schemas: [SCHEMA.enterprise, SCHEMA.user], id, ...body }
}

function patchValue(ctx: ActionContext, attr: string, value: unknown): unknown {
  const p = parsePath(pathFor(attr, ctx.mapping, ctx.custom.urn))
  if (p.urn && p.attr === 'manager' && typeof value === 'string') return { value }
  return value
}

async function patchUser(ctx: ActionContext, id: string, changes: Record<string, unknown>): Promise<Exchange> {
  const ops = Object.entries(changes)
    .filter(([attr]) => !attr.startsWith('custom.'))
    .map(([attr, value]) => ({ op: 'replace', path: pathFor(attr, ctx.mapping, ctx.custom.urn), value: patchValue(ctx, attr, value) }))
  return sendJudged(ctx, { method: 'PATCH', path: resourcePath('Users', id), body: patchOp(ops) }, [Q.patch])
}

async function putUser(ctx: ActionContext, id: string, changes: Record<string, unknown>): Promise<Exchange> {
  const directory = directoryOf(ctx)
  await directory.values(ctx, id)
  const user = directory.change(id, changes)!
  return sendJudged(ctx, { method: 'PUT', path: resourcePath('Users', id), body: putBody(ctx, id, user) }, [Q.putId, Q.putEmpty, Q.put])
}

async function updateUser(ctx: ActionContext, id: string, changes: Record<string, unknown>): Promise<Exchange> {
  return putMode(ctx) ? putUser(ctx, id, changes) : patchUser(ctx, id, changes)
}

async function createUser(ctx: ActionContext, user: NeutralUser): Promise<Exchange> {
  const x = await ctx.send({ method: 'POST', path: '/Users', body: createBody(ctx, user) })
  const id = (x.response?.json as { id?: unknown } | undefined)?.id
  if (accepted(x) && typeof id === 'string') directoryOf(ctx).remember(id, { ...user, active: user.active ?? true })
  return x
}

async function createGroup(ctx: ActionContext, displayName: string, members: string[], externalId?: unknown): Promise<Exchange> {
  const body: Record<string, unknown> = { schemas: [SCHEMA.group], displayName }
  if (externalId !== undefined) body.externalId = externalId
  body.members = members.map((value) => ({ value }))
  const x = await ctx.send({ method: 'POST', path: '/Groups', body })
  const id = (x.response?.json as { id?: unknown } | undefined)?.id
  if (accepted(x) && typeof id === 'string') membershipOf(ctx).set(id, new Set(members))
  return x
}

/** A request JumpCloud sends whose shape it does not document: a rejection is information, never a failure. */
function inferred(ctx: ActionContext, spec: RequestSpec, what: string): Promise<Exchange> {
  return sendJudged(ctx, spec, [Q.inferred(what)])
}

export const jumpcloud: IdpProfile = {
  name: 'jumpcloud',
  title: 'JumpCloud (Custom SCIM Identity Management)',
  description: 'JumpCloud\'s custom SCIM connector: a connection test that creates and deletes a test user and group, attribute PATCHes with a path per attribute, groups created with their first member, member removal by value list.',
  options: [
    { name: 'groupManagement', description: 'The "Enable management of User Groups and Group Membership in this application" checkbox: off sends no group traffic', default: true },
    { name: 'userUpdate', description: 'Not a JumpCloud setting: the two shapes reported for JumpCloud user updates. patch (default): one replace per attribute; put: the whole user, as in sanitized captures (JC-SAMPLES). Run both when in doubt', default: 'patch', values: ['patch', 'put'] },
  ],
  behaviours: BEHAVIOURS,
  expectations: EXPECTATIONS,
  mapping: BASE_MAPPING,
  headers: () => ({}),
  never: {
    deleteUser: `JumpCloud deprovisions by deactivating the user; it documents DELETE /Users only for its connection-test user (${cite('JC-DOC')})`,
    listGroups: `JumpCloud documents no listing of the application's groups (${cite('JC-HEAP')})`,
    pushGroup: `JumpCloud documents no overwrite of a group's whole membership; it adds and removes the members that changed (${cite('JC-DOC')})`,
    importSchema: `JumpCloud documents no read of the application's /Schemas or /ResourceTypes (${cite('JC-DOC')})`,
  },
  actions: {
    async testConnection(ctx, args) {
      const email = String(args.userName ?? args.email ?? `scimcheck-jumpcloud-test-${randomUUID()}@example.com`)
      const steps: string[] = []
      const fail = (x: Exchange, what: string): ActionResult => {
        if (x.error?.code.startsWith('refused')) {
          // --read-only (or the safety guard) kept the write back: JumpCloud's test writes, so it could not be replayed.
          ctx.expectation('idp.jumpcloud.connection-test', { ok: 'skip', reason: x.error.message, message: `skipped: JumpCloud's Test Connection creates and deletes a test user and group (${cite('JC-DOC')}), and ${x.error.message}`, exchange: x })
          return { exchange: x }
        }
        ctx.expectation('idp.jumpcloud.connection-test', { ok: x.response ? false : 'error', reason: x.response ? undefined : answer(x), message: `JumpCloud's Test Connection ${what} (${cite('JC-DOC')}); ${answer(x)}`, expected: '2xx', actual: String(x.response?.status ?? 'no answer'), exchange: x })
        return { exchange: x }
      }
      const user = await createUser(ctx, { userName: email, email, givenName: args.givenName ?? 'Test', familyName: args.familyName ?? 'User' })
      const userId = (user.response?.json as { id?: unknown } | undefined)?.id
      if (!accepted(user) || typeof userId !== 'string') return fail(user, 'creates a test user first, and could not')
      steps.push(`created the test user (${user.response!.status})`)
      // With group management off only the user half runs (groupsOff records why the group half is skipped).
      if (!groupsOff(ctx)) {
        const group = await createGroup(ctx, String(args.displayName ?? `scimcheck-jumpcloud-test-group-${randomUUID()}`), [userId])
        const groupId = (group.response?.json as { id?: unknown } | undefined)?.id
        if (!accepted(group) || typeof groupId !== 'string') return fail(group, 'creates a test group (group management needs Group Creation), and could not')
        const gone = await ctx.send({ method: 'DELETE', path: resourcePath('Groups', groupId) })
        if (!accepted(gone) && gone.response?.status !== 404) return fail(gone, 'deletes its test group (group management needs Group Deletion), and could not')
        membershipOf(ctx).delete(groupId)
        steps.push('created and deleted the test group')
      }
      const del = await ctx.send({ method: 'DELETE', path: resourcePath('Users', userId) })
      let last = del
      if (accepted(del) || del.response?.status === 404) {
        steps.push('deleted the test user')
        directoryOf(ctx).forget(userId)
      } else {
        // "If the DELETE method is not supported for users, then the test user will be deactivated" (JC-DOC).
        last = await setActive(ctx, userId, false)
        if (!accepted(last)) return fail(last, 'deactivates its test user when DELETE is refused, and could not')
        steps.push(`could not delete the test user (${answer(del)}), so deactivated it, as JumpCloud does`)
      }
      ctx.expectation('idp.jumpcloud.connection-test', { ok: true, message: steps.join('; '), exchange: last })
      // The step is judged on the test user's creation: the request that proves the token and the endpoint work.
      return { exchange: user, value: { userId } }
    },
    async findUser(ctx, args) {
      if (args.userName === undefined) return notSent(ctx, 'idp.jumpcloud.not-sent', `JumpCloud's user lookup is undocumented beyond its existence; scim-check models it by userName only (${cite('JC-DOC')})`)
      const x = await inferred(ctx, { method: 'GET', path: '/Users', rawQuery: encodeQuery([['filter', `userName eq ${literal(String(args.userName))}`]]) }, 'looks users up before creating or updating them (user_lookup_provision)')
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    createUser: lookupThenCreate((ctx, args) => jumpcloud.actions.findUser!(ctx, args), async (ctx, args) => {
      if (args.custom && typeof args.custom === 'object' && Object.keys(args.custom).length) {
        ctx.expectation('idp.jumpcloud.not-sent', { ok: 'skip', reason: 'not sent by JumpCloud', message: `skipped: the custom SCIM connector supports no extension schemas, so JumpCloud creates the user without ${Object.keys(args.custom).join(', ')} (${cite('JC-DOC')})` })
      }
      return { exchange: await createUser(ctx, args as NeutralUser) }
    }, { refused: 'create' }),
    async getUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async listUsers(ctx) {
      const x = await inferred(ctx, { method: 'GET', path: '/Users' }, 'imports existing users on request')
      const json = x.response?.json as { totalResults?: unknown; Resources?: unknown } | undefined
      const resources = Array.isArray(json?.Resources) ? (json!.Resources as { id?: unknown }[]) : []
      return { exchange: x, value: { totalResults: typeof json?.totalResults === 'number' ? [json.totalResults] : [], ids: resources.map((r) => String(r?.id)), pages: 1, inferred: 'JumpCloud does not document how it pages an import (one unfiltered GET /Users is scim-check\'s guess)' } }
    },
    async updateUser(ctx, args) {
      const changes = flattenChanges(args.changes)
      const custom = Object.keys(changes).filter((k) => k.startsWith('custom.'))
      if (custom.length && custom.length === Object.keys(changes).length) {
        return notSent(ctx, 'idp.jumpcloud.not-sent', `the custom SCIM connector supports no extension schemas, so JumpCloud never sends ${custom.join(', ')} (${cite('JC-DOC')})`)
      }
      return { exchange: await updateUser(ctx, String(args.id), changes) }
    },
    async deactivateUser(ctx, args) {
      return outcome(await setActive(ctx, String(args.id), false), args.id)
    },
    async reactivateUser(ctx, args) {
      return outcome(await setActive(ctx, String(args.id), true), args.id)
    },
    async createGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const members = memberList(args.members).map((m) => m.value)
      if (!members.length) {
        // Nothing on the wire yet; the saved record lets the scenario go on, and addMembers pushes the group.
        const record: Unpushed = { id: `${HANDLE}${randomUUID()}`, displayName: String(args.displayName) }
        if (args.externalId !== undefined) record.externalId = args.externalId
        unpushedOf(ctx).set(record.id, record)
        const skipped = notSent(ctx, 'idp.jumpcloud.not-sent', `JumpCloud never creates an empty group (${cite('JC-HEAP')}); it creates "${record.displayName}" in the application with its first member, when one is added`)
        return { ...skipped, value: record }
      }
      return { exchange: await createGroup(ctx, String(args.displayName), members, args.externalId) }
    },
    async getGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = groupId(ctx, args.id)
      return id === undefined ? unpushed(ctx, 'read') : { exchange: await ctx.send({ method: 'GET', path: resourcePath('Groups', id) }) }
    },
    async findGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      if ([...unpushedOf(ctx).values()].some((g) => !g.pushed && g.displayName === String(args.displayName))) return unpushed(ctx, 'look up')
      const x = await inferred(ctx, { method: 'GET', path: '/Groups', rawQuery: encodeQuery([['filter', `displayName eq ${literal(String(args.displayName))}`]]) }, 'takes over an existing group whose name matches')
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    async addMembers(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      let ids = memberList(args.members).map((m) => m.value)
      const record = unpushedOf(ctx).get(String(args.id))
      if (record && !record.pushed) {
        // The first member assignment is what creates the group in the application (JC-HEAP: no empty groups).
        const created = await createGroup(ctx, record.displayName, ids.slice(0, 1), record.externalId)
        const id = (created.response?.json as { id?: unknown } | undefined)?.id
        if (!accepted(created) || typeof id !== 'string') return { exchange: created }
        record.pushed = id
        record.id = id
        ids = ids.slice(1)
        if (!ids.length) return { exchange: created }
      }
      const id = groupId(ctx, args.id)
      if (id === undefined) return unpushed(ctx, 'add members to')
      const x = await sendJudged(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }]) }, [Q.addMembers])
      const membership = membershipOf(ctx)
      if (accepted(x)) for (const m of ids) (membership.get(id) ?? membership.set(id, new Set()).get(id)!).add(m)
      return { exchange: x }
    },
    async removeMembers(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = groupId(ctx, args.id)
      if (id === undefined) return unpushed(ctx, 'remove members from')
      return { exchange: await removeMembers(ctx, id, memberList(args.members).map((m) => m.value)) }
    },
    async renameGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = groupId(ctx, args.id)
      if (id === undefined) {
        // Renamed in JumpCloud only; the group reaches the application under its new name.
        const record = unpushedOf(ctx).get(String(args.id))
        if (record) record.displayName = String(args.displayName)
        return unpushed(ctx, 'rename')
      }
      const x = await inferred(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'replace', path: 'displayName', value: args.displayName }]) }, 'renames groups (group renaming is supported)')
      return outcome(x, id)
    },
    async deleteGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = groupId(ctx, args.id)
      if (id === undefined) {
        unpushedOf(ctx).delete(String(args.id))
        return unpushed(ctx, 'delete')
      }
      const x = await sendJudged(ctx, { method: 'DELETE', path: resourcePath('Groups', id) }, [Q.deleteGroup])
      if (accepted(x)) membershipOf(ctx).delete(id)
      return deleted(x, id)
    },
  },
}

/** What `save:` stores for a step that changed a resource: later steps can run only when it was really sent (`when:`). */
function outcome(x: Exchange, id: unknown): ActionResult {
  return { exchange: x, value: { id, status: x.response?.status ?? null } }
}

async function setActive(ctx: ActionContext, id: string, active: boolean): Promise<Exchange> {
  if (putMode(ctx)) {
    return putUser(ctx, id, { active })
  }
  return patchUser(ctx, id, { active })
}

/** JumpCloud's Entra-style removal, judged for the danger it carries: a server that reads it as "remove all". */
async function removeMembers(ctx: ActionContext, groupId: string, ids: string[]): Promise<Exchange> {
  const spec: RequestSpec = { method: 'PATCH', path: resourcePath('Groups', groupId), body: patchOp([{ op: 'remove', path: 'members', value: ids.map((value) => ({ value })) }]) }
  const x = await ctx.send(spec)
  const known = membershipOf(ctx).get(groupId)
  if (!accepted(x)) {
    await judgeQuirks(ctx, x, spec, [Q.removeList, Q.groupPatch])
    return x
  }
  const behaviour = `${Q.removeList.what} (${Q.removeList.source})`
  const expectedLeft = known ? [...known].filter((m) => !ids.includes(m)) : []
  let finding: Finding = { ok: true, message: `answered ${x.response!.status}`, exchange: x }
  const group = x.response?.json as { id?: unknown; members?: { value?: unknown }[] } | undefined
  // A group left without members is represented without "members" at all.
  const members = group && typeof group.id === 'string' ? (group.members ?? []) : undefined
  if (x.response!.status === 200 && Array.isArray(members)) {
    const left = new Set(members.map((m) => String(m?.value)))
    const lost = expectedLeft.filter((m) => !left.has(m))
    const kept = ids.filter((m) => left.has(m))
    // Only an emptied group is the "remove all" reading; members missing from a group that kept others were lost
    // some other way (a server that capped the group, say), which the membership checks judge, not this one.
    if (lost.length && left.size === 0) finding = { ok: false, message: `${behaviour}; the server also removed ${lost.length} member(s) that were not listed, so it reads the value list as "remove all members"`, expected: `members still include ${lost.join(', ')}`, actual: 'members: []', exchange: x }
    else if (kept.length) finding = { ok: false, message: `${behaviour}; the server answered 200 but kept ${kept.join(', ')}, so it ignored the value list`, expected: 'the listed members removed', actual: `members: [${[...left].join(', ')}]`, exchange: x }
  }
  ctx.expectation('idp.jumpcloud.value-list-member-removal', finding)
  if (known) for (const id of ids) known.delete(id)
  return x
}
