import { randomUUID } from 'node:crypto'
import type { ActionContext, ActionResult, Behaviour, IdpExpectation, IdpProfile } from './types.js'
import type { Exchange } from '../http/exchange.js'
import { BASE_MAPPING, buildUser, flattenChanges } from './mapping.js'
import { SCHEMA, encodeQuery, literal, patchOp, resourcePath } from './wire.js'
import { accepted, answer, deleted, expectationFactory, firstResource, memberList, notSent, runState } from './common.js'
import { lookupExpectation, lookupThenCreate } from './flows.js'
import { IdpDirectory, type NeutralUser } from './directory.js'
import { judgeQuirks, mapBody, rejectedExpectation, sendJudged, type Quirk } from './quirks.js'
import type { RequestSpec } from '../http/exchange.js'

/**
 * OneLogin's "SCIM Provisioner with SAML (SCIM v2 …)" connector. Bodies come from an admin-editable SCIM JSON
 * template, so the two template shapes seen in the field are an option; everything else is what OneLogin documents
 * or what captures of its traffic show.
 */

const SOURCES = {
  'OL-IMPL': 'https://developers.onelogin.com/scim/implement-scim-api',
  'OL-TEST': 'https://developers.onelogin.com/scim/test-your-scim',
  'OL-KB': 'https://onelogin.service-now.com/kb_view_customer.do?sysparm_article=KB0010298',
  'AK-11249': 'https://github.com/goauthentik/authentik/issues/11249',
  'OL-NODE': 'https://github.com/onelogin/onelogin-scim-node',
  'OL-VENDORS': 'https://doc.keepnetlabs.com/next-generation-product/platform/company/company-settings/scim-settings/onelogin-scim-integration',
  LIVINGSEC: 'https://www.livingsecurity.com/support/training-platform-deactivate-scim-provisioned-users',
} as const
type Key = keyof typeof SOURCES
const cite = (...keys: Key[]) => keys.map((k) => `${k} ${SOURCES[k]}`).join('; ')

/** The pre-RFC URNs of the default "SCIM v2 Enterprise" template, as captured (AK-11249). */
export const LEGACY = {
  core: 'urn:scim:schemas:core:2.0',
  enterprise: 'urn:scim:schemas:extension:enterprise:2.0',
} as const

const expectation = expectationFactory<Key>('onelogin', SOURCES)

const EXPECTATIONS: IdpExpectation[] = [
  lookupExpectation('onelogin', 'OneLogin sends Get User by userName before creating a user', SOURCES['OL-IMPL']),
  expectation('connection-test', 'OneLogin connection test: a userName lookup for a user that does not exist gets an empty list or 404', 'On enabling the API connection OneLogin sends Get User by userName for a value it knows does not exist; an empty array or 404 Not Found confirms the endpoint', 'OL-IMPL'),
  expectation('plus-encoded-filter', "OneLogin's '+'-encoded userName filter with a trailing '&' is understood", "OneLogin looks users up with GET /Users?filter=userName+eq+%22…%22& ('+' for spaces, a trailing '&')", 'AK-11249'),
  expectation('put-trailing-question-mark', "OneLogin's PUT /Users/{id}? (trailing '?') with the full template body is accepted", "OneLogin updates users with PUT /Users/{id}? carrying the whole SCIM JSON template, with a trailing '?' on the path", 'AK-11249'),
  expectation('legacy-urns', 'The default v2 Enterprise template with pre-RFC schema URNs is accepted', 'The default SCIM v2 Enterprise template sends schemas urn:scim:schemas:core:2.0 and urn:scim:schemas:extension:enterprise:2.0', 'AK-11249'),
  expectation('string-template-values', 'Quoted template placeholders arrive as strings (active: "true")', 'Vendor templates quote placeholders ("active": "{$user.active}"), so values arrive as JSON strings', 'OL-VENDORS'),
  expectation('group-patch', 'OneLogin membership changes by PATCH /Groups/{id} are accepted', 'OneLogin changes group membership with Patch Group (PATCH /Groups/{id}); the SCIM v2 body is not documented', 'OL-IMPL'),
  expectation('inferred', 'Requests whose shape OneLogin does not document', 'Where OneLogin documents a behaviour but not its request, scim-check sends the least-assuming RFC form; a rejection is reported as information', 'OL-IMPL'),
  expectation('not-sent', 'Steps OneLogin does not send under the chosen options', 'OneLogin sends only the calls it documents, under the admin settings', 'OL-IMPL'),
  rejectedExpectation('onelogin', SOURCES['OL-IMPL']),
]

const BEHAVIOURS: Behaviour[] = [
  { topic: 'Connection test', does: 'GET /Users?filter=userName+eq+%22<a userName known not to exist>%22&; 200 with an empty list or 404 both count as success', source: cite('OL-IMPL', 'AK-11249'), confidence: 'D' },
  { topic: 'Documented calls', does: 'Get User with userName filter, Create User, Get User by ID, Update User, Get Groups, Create Group, Patch Group, Delete User, Get Users (nothing else)', source: cite('OL-IMPL'), confidence: 'D' },
  { topic: 'Lookup', does: "GET /Users?filter=userName+eq+%22…%22& ('+' for spaces, trailing '&'); before create and before every update", source: cite('OL-IMPL', 'AK-11249'), confidence: 'S' },
  { topic: 'Create user', does: 'POST /Users with the SCIM JSON template body (template option: legacy URNs or the RFC URNs vendors substitute)', source: cite('OL-IMPL', 'AK-11249', 'OL-VENDORS'), confidence: 'S' },
  { topic: 'Template URNs (legacy)', does: 'schemas ["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"]; enterprise attributes under the legacy key', source: cite('AK-11249'), confidence: 'S' },
  { topic: 'Template values (rfc)', does: 'RFC URNs; quoted placeholders, so active is the string "true"/"false"', source: cite('OL-VENDORS'), confidence: 'I' },
  { topic: 'Update user', does: "lookup, then PUT /Users/{id}? (trailing '?') with the whole template body rendered from OneLogin's own values", source: cite('AK-11249'), confidence: 'S' },
  { topic: 'Deprovision', does: 'whenUsersDeleted=delete: DELETE /Users/{id}; =suspend: the account is suspended (active false)', source: cite('OL-TEST', 'OL-KB', 'LIVINGSEC'), confidence: 'D' },
  { topic: 'Suspend / re-enable request', does: 'PUT /Users/{id}? with the template body and active false (true when re-enabled); the method is not documented', source: cite('LIVINGSEC'), confidence: 'I' },
  { topic: 'Groups', does: 'GET /Groups (Get Groups, listed and matched by displayName); POST /Groups {schemas, displayName}', source: cite('OL-IMPL', 'OL-NODE'), confidence: 'D' },
  { topic: 'Membership', does: 'PATCH /Groups/{id}; the v2 body is undocumented, so scim-check sends the RFC 7644 form: add members [{value}], remove members[value eq "…"]', source: cite('OL-IMPL', 'AK-11249'), confidence: 'I' },
  { topic: 'Import', does: 'GET /Users (Get Users); paging parameters undocumented, one unfiltered request', source: cite('OL-IMPL'), confidence: 'I' },
  { topic: 'Headers', does: 'Authorization: Bearer <SCIM Bearer Token>; Accept: application/json (responses must be application/json); Content-Type: application/json on bodies; User-Agent unknown', source: cite('OL-NODE', 'OL-IMPL'), confidence: 'I' },
  { topic: 'Response media type', does: 'Requires application/json responses; application/json is never flagged under this profile', source: cite('OL-IMPL'), confidence: 'D' },
]

const NOT_DOCUMENTED = 'is not among the calls OneLogin documents (Get User with userName filter, Create User, Get User by ID, Update User, Get Groups, Create Group, Patch Group, Delete User, Get Users; OL-IMPL)'

/** OneLogin renders every PUT from its own user record, so the profile remembers what it sent (per run). */
const directoryOf = (ctx: ActionContext) => runState(ctx, 'onelogin.directory', () => new IdpDirectory())

const LEGACY_TO_RFC: Record<string, string> = { [LEGACY.core]: SCHEMA.user, [LEGACY.enterprise]: SCHEMA.enterprise }

/** The template quirks a user body carries, each with the one change that undoes it. */
const Q = {
  legacyUrns: {
    id: 'idp.onelogin.legacy-urns',
    what: `OneLogin's default SCIM v2 Enterprise template sends schemas ["${LEGACY.core}","${LEGACY.enterprise}"]`,
    source: cite('AK-11249'),
    confidence: 'S',
    // The RFC URNs in `schemas`, and the enterprise attributes under the RFC key: nothing else changes.
    normalise: (spec: RequestSpec) =>
      mapBody(spec, (b) => {
        if (Array.isArray(b.schemas)) b.schemas = b.schemas.map((u: unknown) => (typeof u === 'string' && LEGACY_TO_RFC[u] ? LEGACY_TO_RFC[u] : u))
        if (b[LEGACY.enterprise] !== undefined) {
          b[SCHEMA.enterprise] = b[LEGACY.enterprise]
          delete b[LEGACY.enterprise]
        }
        return b
      }),
    tokens: (spec: RequestSpec) => ((spec.body as { schemas?: unknown[] } | undefined)?.schemas ?? []).filter((u): u is string => typeof u === 'string' && u in LEGACY_TO_RFC),
  },
  stringValues: {
    id: 'idp.onelogin.string-template-values',
    what: 'vendor templates quote placeholders ("active": "{$user.active}"), so OneLogin may send active as a string',
    source: cite('OL-VENDORS'),
    confidence: 'I',
    normalise: (spec: RequestSpec) => mapBody(spec, (b) => (typeof b.active === 'string' && /^(true|false)$/i.test(b.active) ? { ...b, active: b.active.toLowerCase() === 'true' } : b)),
    tokens: (spec: RequestSpec) => [(spec.body as { active?: unknown } | undefined)?.active].filter((v): v is string => typeof v === 'string'),
  },
  trailingQuestionMark: {
    id: 'idp.onelogin.put-trailing-question-mark',
    what: "OneLogin updates with PUT /Users/{id}? (a trailing '?') and the whole template body",
    source: cite('AK-11249'),
    confidence: 'S',
    normalise: (spec: RequestSpec) => (spec.path.endsWith('?') ? { ...spec, path: spec.path.slice(0, -1) } : undefined),
  },
  plusSpaces: {
    id: 'idp.onelogin.plus-encoded-filter',
    what: "OneLogin looks users up with GET /Users?filter=userName+eq+%22…%22& ('+' for spaces)",
    source: cite('AK-11249'),
    confidence: 'S',
    normalise: (spec: RequestSpec) => (spec.rawQuery?.includes('+') ? { ...spec, rawQuery: spec.rawQuery.replace(/\+/g, '%20') } : undefined),
  },
  trailingAmp: {
    id: 'idp.onelogin.plus-encoded-filter',
    what: "OneLogin looks users up with GET /Users?filter=userName+eq+%22…%22& (a trailing '&')",
    source: cite('AK-11249'),
    confidence: 'S',
    normalise: (spec: RequestSpec) => (spec.rawQuery?.endsWith('&') ? { ...spec, rawQuery: spec.rawQuery.slice(0, -1) } : undefined),
  },
  /** PUT is the only way OneLogin updates a user: a server that refuses the method breaks every update. */
  put: { id: 'idp.onelogin.put-trailing-question-mark', what: "OneLogin updates users only with PUT /Users/{id}? (Update User) and the whole template body", source: cite('OL-IMPL', 'AK-11249'), confidence: 'D', method: true },
  suspend: { id: 'idp.onelogin.inferred', what: 'OneLogin documents suspension (active false) but not its request; scim-check sends PUT /Users/{id}? with the template and the new active', source: cite('LIVINGSEC'), confidence: 'I' },
  groupPatch: { id: 'idp.onelogin.group-patch', what: 'OneLogin changes group membership with PATCH /Groups/{id} (Patch Group), so a server without it cannot sync membership', source: cite('OL-IMPL', 'AK-11249'), confidence: 'D', method: true },
  groupPatchBody: { id: 'idp.onelogin.group-patch', what: "OneLogin's SCIM v2 Patch Group body is undocumented; scim-check sends the RFC 7644 form", source: cite('AK-11249'), confidence: 'I' },
} satisfies Record<string, Quirk>

/** The quirks a rendered template body carries under the chosen template. */
function templateQuirks(ctx: ActionContext): Quirk[] {
  return template(ctx) === 'legacy' ? [Q.legacyUrns] : [Q.stringValues]
}

const JSON_BODY = { 'content-type': 'application/json' }

function template(ctx: ActionContext): 'legacy' | 'rfc' {
  return ctx.options.template === 'rfc' ? 'rfc' : 'legacy'
}

/** The SCIM JSON template rendered with a user's values: what OneLogin POSTs and PUTs. */
export function renderTemplate(ctx: ActionContext, user: NeutralUser): Record<string, any> {
  const body = buildUser({ ...user, active: user.active ?? true }, ctx.mapping, ctx.custom)
  const extra = Object.keys(body).filter((k) => k.startsWith('urn:') && k !== SCHEMA.enterprise)
  if (template(ctx) === 'rfc') {
    // Vendor templates quote every placeholder, "active": "{$user.active}" included.
    if (typeof body.active === 'boolean') body.active = String(body.active)
    return { schemas: [SCHEMA.user, ...(body[SCHEMA.enterprise] ? [SCHEMA.enterprise] : []), ...extra], ...body }
  }
  if (body[SCHEMA.enterprise]) {
    body[LEGACY.enterprise] = body[SCHEMA.enterprise]
    delete body[SCHEMA.enterprise]
  }
  return { schemas: [LEGACY.core, LEGACY.enterprise, ...extra], ...body }
}

function userFilter(userName: string): string {
  return encodeQuery([['filter', `userName eq ${literal(userName)}`]], '+', true)
}

/** GET /Users?filter=userName+eq+%22…%22& judged as OneLogin judges it: 200 or 404 is an answer, anything else is not. */
async function lookup(ctx: ActionContext, userName: string): Promise<Exchange> {
  const spec: RequestSpec = { method: 'GET', path: '/Users', rawQuery: userFilter(userName) }
  const x = await ctx.send(spec)
  const s = x.response?.status
  if (!x.response) ctx.expectation('idp.onelogin.plus-encoded-filter', { ok: 'error', message: `OneLogin's lookup got no answer: ${answer(x)}`, reason: answer(x), exchange: x })
  // OneLogin reads 404 as "no such user", as it does in its connection test: an answer, not a refusal.
  else if (s === 200 || s === 404) ctx.expectation('idp.onelogin.plus-encoded-filter', { ok: true, message: `the '+'-encoded filter with a trailing '&' was answered ${s}`, exchange: x })
  else await judgeQuirks(ctx, x, spec, [Q.plusSpaces, Q.trailingAmp])
  return x
}

async function put(ctx: ActionContext, id: string, user: NeutralUser, extra: Quirk[] = []): Promise<Exchange> {
  await lookup(ctx, String(user.userName))
  const spec: RequestSpec = { method: 'PUT', path: `${resourcePath('Users', id)}?`, headers: JSON_BODY, body: renderTemplate(ctx, user) }
  return sendJudged(ctx, spec, [...templateQuirks(ctx), Q.trailingQuestionMark, Q.put, ...extra])
}

async function setActive(ctx: ActionContext, id: string, active: boolean): Promise<ActionResult> {
  const directory = directoryOf(ctx)
  await directory.values(ctx, id)
  return outcome(await put(ctx, id, directory.change(id, { active })!, [Q.suspend]), id)
}

/** What `save:` stores for a step that changed a resource: later steps can run only when it was really sent (`when:`). */
function outcome(x: Exchange, id: unknown): ActionResult {
  return { exchange: x, value: { id, status: x.response?.status ?? null } }
}

function deleteMode(ctx: ActionContext): boolean {
  return ctx.options.whenUsersDeleted === 'delete'
}

export const onelogin: IdpProfile = {
  name: 'onelogin',
  title: 'OneLogin (SCIM Provisioner with SAML, SCIM v2)',
  description: "OneLogin's SCIM connector: '+'-encoded userName lookups with a trailing '&', users created and updated from the SCIM JSON template (PUT /Users/{id}?), deprovisioning by DELETE or suspension as the admin chose, groups listed and patched.",
  options: [
    { name: 'whenUsersDeleted', description: 'The Provisioning tab\'s "When users are deleted in OneLogin…" action: delete sends DELETE /Users/{id}; suspend sets active false ("Do Nothing" sends nothing and is not modelled)', default: 'suspend', values: ['suspend', 'delete'] },
    { name: 'template', description: 'The SCIM JSON template: legacy is the default v2 Enterprise template (pre-RFC urn:scim:schemas:core:2.0 URNs); rfc is the RFC-URN template vendors substitute, with quoted placeholders', default: 'legacy', values: ['legacy', 'rfc'] },
  ],
  behaviours: BEHAVIOURS,
  expectations: EXPECTATIONS,
  mapping: BASE_MAPPING,
  headers: () => ({ accept: 'application/json' }),
  never: {
    getGroup: `OneLogin reads groups only as a list (Get Groups, GET /Groups); a read of one group by id ${NOT_DOCUMENTED}`,
    renameGroup: `renaming a group ${NOT_DOCUMENTED}`,
    deleteGroup: `deleting a group ${NOT_DOCUMENTED}`,
    pushGroup: `an overwrite of a group's whole membership ${NOT_DOCUMENTED}`,
    importSchema: `reading the app's /Schemas or /ResourceTypes ${NOT_DOCUMENTED}`,
  },
  actions: {
    async testConnection(ctx) {
      // OneLogin picks its own never-existing userName; the scenario's run-prefixed names are for IdPs whose test creates.
      const probe = `onelogin-connection-test-${randomUUID()}`
      const x = await ctx.send({ method: 'GET', path: '/Users', rawQuery: userFilter(probe) })
      const s = x.response?.status
      const json = x.response?.json as { totalResults?: unknown; Resources?: unknown[] } | undefined
      const empty = s === 200 && (json?.totalResults === 0 || (Array.isArray(json?.Resources) && json!.Resources!.length === 0))
      ctx.expectation('idp.onelogin.connection-test', !x.response
        ? { ok: 'error', message: `OneLogin's connection test got no answer: ${answer(x)}`, reason: answer(x), exchange: x }
        : empty || s === 404
          ? { ok: true, message: `a lookup for a userName that does not exist was answered ${s === 404 ? '404' : '200 with an empty list'}`, exchange: x }
          : { ok: false, message: `On enabling the API connection OneLogin looks up a userName it knows does not exist and expects an empty list or 404 (${cite('OL-IMPL')}); ${answer(x)}`, expected: '200 with an empty ListResponse, or 404', actual: String(s), exchange: x })
      return { exchange: x, value: x.response?.json }
    },
    async findUser(ctx, args) {
      if (args.userName === undefined) return notSent(ctx, 'idp.onelogin.not-sent', `OneLogin looks users up by userName only (Get User with userName filter, ${cite('OL-IMPL')})`)
      const x = await lookup(ctx, String(args.userName))
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    createUser: lookupThenCreate((ctx, args) => onelogin.actions.findUser!(ctx, args), async (ctx, args) => {
      const user: NeutralUser = { ...args, active: args.active ?? true }
      const x = await sendJudged(ctx, { method: 'POST', path: '/Users', headers: JSON_BODY, body: renderTemplate(ctx, user) }, templateQuirks(ctx))
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      if (accepted(x) && typeof id === 'string') directoryOf(ctx).remember(id, user)
      return { exchange: x }
    }),
    async getUser(ctx, args) {
      return { exchange: await ctx.send({ method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async listUsers(ctx) {
      const x = await ctx.send({ method: 'GET', path: '/Users' })
      const json = x.response?.json as { totalResults?: unknown; Resources?: unknown } | undefined
      const resources = Array.isArray(json?.Resources) ? (json!.Resources as { id?: unknown }[]) : []
      const value = { totalResults: typeof json?.totalResults === 'number' ? [json.totalResults] : [], ids: resources.map((r) => String(r?.id)), pages: 1, inferred: 'OneLogin does not document how it pages an import (one unfiltered GET /Users is scim-check\'s guess)' }
      return { exchange: x, value }
    },
    async updateUser(ctx, args) {
      const directory = directoryOf(ctx)
      await directory.values(ctx, String(args.id))
      const updated = directory.change(String(args.id), flattenChanges(args.changes))!
      return { exchange: await put(ctx, String(args.id), updated) }
    },
    async deactivateUser(ctx, args) {
      if (deleteMode(ctx)) return notSent(ctx, 'idp.onelogin.not-sent', `with whenUsersDeleted=delete OneLogin deletes the account instead of suspending it (${cite('OL-TEST')})`)
      return setActive(ctx, String(args.id), false)
    },
    async reactivateUser(ctx, args) {
      if (deleteMode(ctx)) return notSent(ctx, 'idp.onelogin.not-sent', `with whenUsersDeleted=delete a removed account is deleted, so there is nothing to re-enable; OneLogin creates the user again (${cite('OL-TEST')})`)
      return setActive(ctx, String(args.id), true)
    },
    async deleteUser(ctx, args) {
      if (!deleteMode(ctx)) return notSent(ctx, 'idp.onelogin.not-sent', `with whenUsersDeleted=suspend OneLogin suspends the account and never sends DELETE (${cite('OL-TEST')}); run with --idp-option onelogin.whenUsersDeleted=delete`)
      const x = await ctx.send({ method: 'DELETE', path: resourcePath('Users', args.id) })
      if (accepted(x)) directoryOf(ctx).forget(String(args.id))
      return deleted(x, args.id)
    },
    async createGroup(ctx, args) {
      const body: Record<string, unknown> = { schemas: [SCHEMA.group], displayName: args.displayName }
      const x = await ctx.send({ method: 'POST', path: '/Groups', headers: JSON_BODY, body })
      const members = memberList(args.members)
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      // OneLogin assigns members with Patch Group, never inside Create Group.
      if (members.length && accepted(x) && typeof id === 'string') await patchMembers(ctx, id, 'add', members.map((m) => m.value))
      return { exchange: x }
    },
    async findGroup(ctx, args) {
      return listAndMatch(ctx, String(args.displayName))
    },
    async listGroups(ctx) {
      const x = await ctx.send({ method: 'GET', path: '/Groups' })
      return { exchange: x }
    },
    async addMembers(ctx, args) {
      return { exchange: await patchMembers(ctx, String(args.id), 'add', memberList(args.members).map((m) => m.value)) }
    },
    async removeMembers(ctx, args) {
      return { exchange: await patchMembers(ctx, String(args.id), 'remove', memberList(args.members).map((m) => m.value)) }
    },
  },
}

/** Get Groups is an unfiltered list; OneLogin finds the group by name itself. */
async function listAndMatch(ctx: ActionContext, displayName: string): Promise<ActionResult> {
  const x = await ctx.send({ method: 'GET', path: '/Groups' })
  const list = (x.response?.json as { Resources?: Record<string, unknown>[] } | undefined)?.Resources
  const match = Array.isArray(list) ? list.find((g) => g?.displayName === displayName) : undefined
  return { exchange: x, value: match ?? null }
}

async function patchMembers(ctx: ActionContext, id: string, op: 'add' | 'remove', ids: string[]): Promise<Exchange> {
  const ops = op === 'add'
    ? [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }]
    : ids.map((v) => ({ op: 'remove', path: `members[value eq ${literal(v)}]` }))
  return sendJudged(ctx, { method: 'PATCH', path: resourcePath('Groups', id), headers: JSON_BODY, body: patchOp(ops) }, [Q.groupPatch, Q.groupPatchBody])
}
