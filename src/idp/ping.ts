import type { ActionContext, ActionResult, Behaviour, IdpExpectation, IdpProfile } from './types.js'
import type { Exchange } from '../http/exchange.js'
import type { Finding } from '../checks/define.js'
import { BASE_MAPPING, buildUser, flattenChanges, schemasOf } from './mapping.js'
import { SCHEMA, encodeQuery, literal, patchOp, resourcePath } from './wire.js'
import { accepted, answer, deleted, expectationFactory, firstResource, memberList, notSent, runState } from './common.js'
import { lookupExpectation, lookupThenCreate } from './flows.js'
import { IdpDirectory, type NeutralUser } from './directory.js'
import { rejectedExpectation, sendJudged, type Quirk } from './quirks.js'

/**
 * Ping Identity's outbound SCIM provisioner (PingFederate SCIM Provisioner; PingOne's SCIM outbound connection
 * documents the same options). Users are never PATCHed, groups always are, and groups are found by listing them all.
 */

const SOURCES = {
  'PING-CONN': 'https://docs.pingidentity.com/integrations/scim/pf_scim_connector.html',
  'PING-SET': 'https://docs.pingidentity.com/integrations/scim/setup/pf_scim_connector_scim_connector_settings_reference.html',
  'PING-MGMT': 'https://docs.pingidentity.com/integrations/scim/pf_scim_connector_user_and_group_management.html',
  'PING-CODE42': 'https://docs.pingidentity.com/r/en-us/pingfederate-code42-integration/pingfederate_code42_integration_scim_connector_settings_reference_for_code42',
  'PING-P1': 'https://docs.pingidentity.com/pingone/integrations/p1_scim_provisioning_features.html',
  'PING-FILTER': 'https://docs.pingidentity.com/pingone/integrations/p1_scim_filter_expressions.html',
  'PING-P1-CONN': 'https://docs.pingidentity.com/r/en-us/pingone/p1_create_scim_connection',
} as const
type Key = keyof typeof SOURCES
const cite = (...keys: Key[]) => keys.map((k) => `${k} ${SOURCES[k]}`).join('; ')

/** The expression PingFederate derives from Unique User Identifier = userName (the default). */
export const DEFAULT_FILTER = 'userName eq "%s"'
/** Ping's own example of an admin-edited expression (PING-FILTER), operator and attribute case as printed. */
export const EXAMPLE_FILTER = 'username Eq "%s"'

const expectation = expectationFactory<Key>('ping', SOURCES)

const EXPECTATIONS: IdpExpectation[] = [
  lookupExpectation('ping', 'The provisioner matches users with the Filter Expression before creating them', SOURCES['PING-SET']),
  expectation('filter-expression', "Ping's matching filter is answered as written by the admin (operator and attribute case included)", 'The provisioner matches users with the Filter Expression, %s replaced by the unique user identifier; Ping\'s examples write username Eq "%s" and email Co "%s"', 'PING-FILTER'),
  expectation('put-only', 'Users are updated, disabled and re-enabled with PUT (Ping never PATCHes users)', 'PATCH: Users No, Groups Yes', 'PING-CONN'),
  expectation('group-list-unfiltered', 'An unfiltered GET /Groups lists the groups Ping matches by name', 'The connector allows group filtering by retrieving all groups and finding a match', 'PING-CONN'),
  expectation('group-patch', 'Group changes by PATCH are accepted', 'Groups are updated with PATCH', 'PING-CONN'),
  expectation('inferred', 'Requests whose shape Ping does not document', 'Where Ping documents a behaviour but not its request, scim-check sends the least-assuming RFC form; a rejection is reported as information', 'PING-MGMT'),
  expectation('not-sent', 'Steps Ping does not send under the chosen options', 'Ping sends what its provisioning options allow', 'PING-SET'),
  rejectedExpectation('ping', SOURCES['PING-CONN']),
]

const BEHAVIOURS: Behaviour[] = [
  { topic: 'Lookup (matching)', does: 'GET /Users?filter=<Filter Expression with %s replaced>; default from Unique User Identifier userName: userName eq "…"; admin-edited expressions are sent as written (Ping\'s example: username Eq "…")', source: cite('PING-SET', 'PING-FILTER'), confidence: 'D' },
  { topic: 'Filter encoding', does: 'percent-encoded (%20, %22); Ping does not document its encoding', source: cite('PING-SET'), confidence: 'I' },
  { topic: 'Create user', does: 'POST /Users with the mapped core, enterprise and custom-schema attributes, active true', source: cite('PING-CONN', 'PING-P1'), confidence: 'D' },
  { topic: 'Update user', does: 'PUT /Users/{id} with the whole mapped user (no PATCH for users); rendered from Ping\'s datastore values', source: cite('PING-CONN'), confidence: 'D' },
  { topic: 'Deprovision', does: 'Remove User Action: disable (PUT with active false) or delete (DELETE /Users/{id}); re-enable by PUT active true', source: cite('PING-CONN', 'PING-CODE42', 'PING-P1'), confidence: 'D' },
  { topic: 'Disable / re-enable request', does: 'PUT of the whole user with active false / true (users are never PATCHed, so PUT is the only way)', source: cite('PING-CONN'), confidence: 'I' },
  { topic: 'Group lookup', does: 'GET /Groups, unfiltered; the group is matched by displayName client-side', source: cite('PING-CONN'), confidence: 'D' },
  { topic: 'Groups', does: 'POST /Groups {schemas, displayName, members}; membership, rename by PATCH; DELETE /Groups/{id}', source: cite('PING-CONN', 'PING-MGMT'), confidence: 'D' },
  { topic: 'Group PATCH bodies', does: 'add path members [{value}]; remove members[value eq "…"]; replace path displayName', source: cite('PING-MGMT'), confidence: 'I' },
  { topic: 'Auth and headers', does: 'None, Basic, OAuth 2 bearer token or OAuth 2 client credentials; no distinctive header documented (scim-check\'s defaults are sent)', source: cite('PING-SET'), confidence: 'D' },
]

/** Ping renders every PUT from its datastore through the attribute mapping, so the profile remembers what it sent (per run). */
const directoryOf = (ctx: ActionContext) => runState(ctx, 'ping.directory', () => new IdpDirectory())

/** Ping's request shapes for the shared quirk judge: documented methods, an undocumented group PATCH body. */
const Q = {
  putOnly: { id: 'idp.ping.put-only', what: 'Ping never PATCHes users: every update, disable and re-enable is a PUT of the whole user', source: cite('PING-CONN'), confidence: 'D', method: true },
  putBody: { id: 'idp.ping.put-only', what: "Ping's PUT carries the whole user rendered from its datastore through the attribute mapping", source: cite('PING-CONN'), confidence: 'D' },
  disable: { id: 'idp.ping.inferred', what: 'Ping disables and re-enables with a PUT of the whole user and the new active (the request is inferred: users are never PATCHed)', source: cite('PING-CONN'), confidence: 'I' },
  groupPatch: { id: 'idp.ping.group-patch', what: 'Ping updates groups with PATCH', source: cite('PING-CONN'), confidence: 'D', method: true },
  groupPatchBody: { id: 'idp.ping.inferred', what: "Ping does not document its group PATCH bodies; scim-check sends the RFC 7644 form", source: cite('PING-MGMT'), confidence: 'I' },
} satisfies Record<string, Quirk>

function deleteMode(ctx: ActionContext): boolean {
  return ctx.options.removeUserAction === 'delete'
}

/** The admin's Filter Expression with %s replaced, exactly as Ping sends it. */
export function renderFilter(expression: string, value: string): string {
  if (!expression.includes('%s')) throw new Error(`ping.filterExpression "${expression}" has no %s where the user identifier goes; write e.g. ${DEFAULT_FILTER}`)
  return expression.split('%s').join(value)
}

/** Is the operator of a `<attr> <op> <value>` expression written other than lower-case (RFC 7644's examples)? */
function unusualCase(expression: string): string | undefined {
  const m = /^\s*(\S+)\s+([A-Za-z]{2})\s/.exec(expression)
  if (!m) return undefined
  const [, attr, op] = m
  const notes = []
  if (op !== op.toLowerCase()) notes.push(`operator "${op}"`)
  if (attr.toLowerCase() === 'username' && attr !== 'userName') notes.push(`attribute "${attr}"`)
  return notes.length ? notes.join(' and ') : undefined
}

export function userBody(ctx: ActionContext, user: NeutralUser): Record<string, any> {
  const body = buildUser({ ...user, active: user.active ?? true }, ctx.mapping, ctx.custom)
  return { schemas: schemasOf(body, SCHEMA.user), ...body }
}

function put(ctx: ActionContext, id: string, user: NeutralUser, extra: Quirk[] = []): Promise<Exchange> {
  return sendJudged(ctx, { method: 'PUT', path: resourcePath('Users', id), body: userBody(ctx, user) }, [Q.putOnly, Q.putBody, ...extra])
}

async function setActive(ctx: ActionContext, id: string, active: boolean): Promise<ActionResult> {
  const directory = directoryOf(ctx)
  await directory.values(ctx, id)
  return outcome(await put(ctx, id, directory.change(id, { active })!, [Q.disable]), id)
}

/** What `save:` stores for a step that changed a resource: later steps can run only when it was really sent (`when:`). */
function outcome(x: Exchange, id: unknown): ActionResult {
  return { exchange: x, value: { id, status: x.response?.status ?? null } }
}


async function listGroups(ctx: ActionContext): Promise<Exchange> {
  const x = await ctx.send({ method: 'GET', path: '/Groups' })
  const json = x.response?.json as { Resources?: unknown; totalResults?: unknown } | undefined
  const list = json?.Resources
  // RFC 7644 §3.4.2: "Resources ... REQUIRED if "totalResults" is non-zero", so an empty list may leave it out.
  const emptyWithout = list === undefined && json?.totalResults === 0
  const finding: Finding = !x.response
    ? { ok: 'error', message: `Ping's group listing got no answer: ${answer(x)}`, reason: answer(x), exchange: x }
    : x.response.status === 200 && (Array.isArray(list) || emptyWithout)
      ? { ok: true, message: emptyWithout ? 'GET /Groups answered totalResults 0 without Resources, which RFC 7644 §3.4.2 allows ("REQUIRED if totalResults is non-zero")' : `GET /Groups listed ${(list as unknown[]).length} group(s)`, exchange: x }
      : { ok: false, message: `Ping finds groups by retrieving all groups and matching them itself, with an unfiltered GET /Groups (${cite('PING-CONN')}); ${answer(x)}${x.response.status === 200 ? ' without a Resources list' : ''}`, expected: '200 with a ListResponse', actual: String(x.response.status), exchange: x }
  ctx.expectation('idp.ping.group-list-unfiltered', finding)
  return x
}

function groupPatch(ctx: ActionContext, id: string, ops: Record<string, unknown>[]): Promise<Exchange> {
  return sendJudged(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp(ops) }, [Q.groupPatch, Q.groupPatchBody])
}

export const ping: IdpProfile = {
  name: 'ping',
  title: 'Ping Identity (PingFederate SCIM Provisioner / PingOne SCIM outbound)',
  description: 'Ping\'s outbound SCIM provisioner: users matched with the admin\'s filter expression, created by POST and updated only by PUT, deprovisioned by disable or delete as configured; groups found by listing /Groups and changed by PATCH.',
  options: [
    { name: 'removeUserAction', description: 'The "Remove User Action" setting: disable sends a PUT with active false; delete sends DELETE /Users/{id}', default: 'disable', values: ['disable', 'delete'] },
    { name: 'filterExpression', description: `The "Filter Expression" SCIM override (%s is the user identifier). Default: what Unique User Identifier userName sets, ${DEFAULT_FILTER}; Ping's own example is ${EXAMPLE_FILTER}`, default: DEFAULT_FILTER, validate: (v) => (v.includes('%s') ? undefined : `has no %s where the user identifier goes; write e.g. ${DEFAULT_FILTER}`) },
  ],
  behaviours: BEHAVIOURS,
  expectations: EXPECTATIONS,
  mapping: BASE_MAPPING,
  headers: () => ({}),
  never: {
    testConnection: `the request behind Ping's "Test connection" is not documented (${cite('PING-P1-CONN')})`,
    listUsers: `Ping documents no import of the target's users; it matches each user with the filter expression (${cite('PING-MGMT')})`,
    getGroup: `Ping reads groups only by retrieving all of them and matching (${cite('PING-CONN')})`,
    pushGroup: `Ping documents no overwrite of a group's whole membership (${cite('PING-CONN')})`,
    importSchema: `Ping documents no read of the target's /Schemas or /ResourceTypes (${cite('PING-CONN')})`,
  },
  actions: {
    async findUser(ctx, args) {
      if (args.userName === undefined) return notSent(ctx, 'idp.ping.not-sent', `Ping matches users only with its filter expression on the unique user identifier (userName by default; ${cite('PING-SET')})`)
      const expression = String(ctx.options.filterExpression ?? DEFAULT_FILTER)
      const x = await ctx.send({ method: 'GET', path: '/Users', rawQuery: encodeQuery([['filter', renderFilter(expression, String(args.userName))]]) })
      const unusual = unusualCase(expression)
      const s = x.response?.status
      if (x.response && unusual) {
        ctx.expectation('idp.ping.filter-expression', s === 200
          ? { ok: true, message: `the filter expression ${expression} (${unusual}) was answered 200`, exchange: x }
          : { ok: false, message: `Ping sends the admin's Filter Expression as written, and its own example is ${EXAMPLE_FILTER} (${cite('PING-FILTER')}); filter operators and attribute names are case-insensitive (RFC 7644 §3.4.2.2), but for ${expression} (${unusual}) ${answer(x)}`, expected: '200 with a ListResponse', actual: String(s), exchange: x })
      } else if (x.response && s !== 200) {
        ctx.expectation('idp.ping.filter-expression', { ok: false, message: `Ping matches users with GET /Users?filter=${expression} (${cite('PING-SET')}); ${answer(x)}`, expected: '200 with a ListResponse', actual: String(s), exchange: x })
      }
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    createUser: lookupThenCreate((ctx, args) => ping.actions.findUser!(ctx, args), async (ctx, args) => {
      const user: NeutralUser = { ...args, active: args.active ?? true }
      const x = await ctx.send({ method: 'POST', path: '/Users', body: userBody(ctx, user) })
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      if (accepted(x) && typeof id === 'string') directoryOf(ctx).remember(id, user)
      return { exchange: x }
    }),
    async getUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async updateUser(ctx, args) {
      const directory = directoryOf(ctx)
      await directory.values(ctx, String(args.id))
      return { exchange: await put(ctx, String(args.id), directory.change(String(args.id), flattenChanges(args.changes))!) }
    },
    async deactivateUser(ctx, args) {
      if (deleteMode(ctx)) return notSent(ctx, 'idp.ping.not-sent', `with Remove User Action = Delete, Ping deletes the user instead of disabling it (${cite('PING-CONN')})`)
      return setActive(ctx, String(args.id), false)
    },
    async reactivateUser(ctx, args) {
      if (deleteMode(ctx)) return notSent(ctx, 'idp.ping.not-sent', `with Remove User Action = Delete a removed user is deleted, so there is nothing to re-enable; Ping creates it again (${cite('PING-CONN')})`)
      return setActive(ctx, String(args.id), true)
    },
    async deleteUser(ctx, args) {
      if (!deleteMode(ctx)) return notSent(ctx, 'idp.ping.not-sent', `with Remove User Action = Disable, Ping disables users and never sends DELETE (${cite('PING-CONN')}); run with --idp-option ping.removeUserAction=delete`)
      const x = await ctx.send({ method: 'DELETE', path: resourcePath('Users', args.id) })
      if (accepted(x)) directoryOf(ctx).forget(String(args.id))
      return deleted(x, args.id)
    },
    async createGroup(ctx, args) {
      const body: Record<string, unknown> = { schemas: [SCHEMA.group], displayName: args.displayName }
      const members = memberList(args.members)
      if (members.length) body.members = members.map((m) => ({ value: m.value }))
      return { exchange: await ctx.send({ method: 'POST', path: '/Groups', body }) }
    },
    async findGroup(ctx, args) {
      const x = await listGroups(ctx)
      const list = (x.response?.json as { Resources?: Record<string, unknown>[] } | undefined)?.Resources
      const match = Array.isArray(list) ? list.find((g) => g?.displayName === args.displayName) : undefined
      return { exchange: x, value: match ?? null }
    },
    async listGroups(ctx) {
      return { exchange: await listGroups(ctx) }
    },
    async addMembers(ctx, args) {
      const value = memberList(args.members).map((m) => ({ value: m.value }))
      return { exchange: await groupPatch(ctx, String(args.id), [{ op: 'add', path: 'members', value }]) }
    },
    async removeMembers(ctx, args) {
      const ops = memberList(args.members).map((m) => ({ op: 'remove', path: `members[value eq ${literal(m.value)}]` }))
      return { exchange: await groupPatch(ctx, String(args.id), ops) }
    },
    async renameGroup(ctx, args) {
      return outcome(await groupPatch(ctx, String(args.id), [{ op: 'replace', path: 'displayName', value: args.displayName }]), args.id)
    },
    async deleteGroup(ctx, args) {
      return deleted(await ctx.send({ method: 'DELETE', path: resourcePath('Groups', args.id) }), args.id)
    },
  },
}
