import { randomBytes } from 'node:crypto'
import type { RequestSpec } from '../http/exchange.js'
import type { ActionContext, ActionResult, IdpExpectation, IdpProfile } from './types.js'
import { BASE_MAPPING, applyChanges, buildUser, flattenChanges } from './mapping.js'
import { SCHEMA, encodeQuery, filterQuery, literal, patchOp, resourcePath } from './wire.js'
import { accepted, answer, deleted, firstResource, memberList, notSent, pageThrough, runState, type Member } from './common.js'
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
  faq: 'https://developer.okta.com/docs/concepts/scim/faqs/',
  oinWizard: 'https://developer.okta.com/docs/guides/submit-oin-app/scim/main/',
  entitlements: 'https://developer.okta.com/docs/guides/scim-with-entitlements/main/',
  groupPushBeta: 'https://github.com/oktadeveloper/okta-blog-archive/pull/701',
  testPlan: 'https://developer.okta.com/docs/guides/scim-provisioning-integration-test/main/',
  groupOps: 'https://help.okta.com/en-us/Content/Topics/users-groups-profiles/usgp-group-push-operations.htm',
  undiciConnection: 'https://github.com/nodejs/undici/blob/main/lib/core/request.js',
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
  pushNow: 'idp.okta.push-now',
  aiwPush: 'idp.okta.aiw-group-push',
  patchUser: 'idp.okta.patch-user',
  schema: 'idp.okta.schema-discovery',
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
  { id: EXPECT.pushNow, title: "Okta's Push Now overwrites the app group's whole membership (OIN: PATCH replace of members; AIW: GET then PUT)", source: source('Update specific Group membership: "a full push of the membership ... using the replace operation", {"op":"replace","path":"members","value":[…]}', SRC.ref) },
  { id: EXPECT.aiwPush, title: 'Okta AIW apps push a new group as a displayName lookup, POST with members: [], GET, then PUT of the whole member list', source: source('Group Push for apps that update groups with PUT: POST /Groups {members: []}; "Make a GET request against /Groups/{id}", then PUT /Groups/{id}', SRC.groupPushBeta) },
  { id: EXPECT.patchUser, title: 'With "Support PATCH for User", Okta updates user profiles with PATCH instead of GET-then-PUT', source: source('OIN Wizard user operations: "Support PATCH for User: Okta can update users with the PATCH method in your app" (body shape not documented)', SRC.oinWizard) },
  { id: EXPECT.schema, title: "Okta's user schema discovery reads /ResourceTypes, then /Schemas, and finds the User resource type and its extensions' schemas", source: source('User schema discovery: /ResourceTypes gets the users and extension schema URNs, /Schemas gets the schemas matching those URNs', SRC.entitlements) },
  rejectedExpectation('okta', SRC.ref),
]

/**
 * Okta's request headers (reference examples and a captured Okta request). The capture also shows
 * `Connection: Keep-Alive`, which the profile cannot set: undici consumes a Connection request header (only "close"
 * changes anything) and writes `connection: keep-alive` itself on every request of a kept-alive socket, which is what
 * the capture shows. (`Connection: close`, which some notes attribute to Okta, is not in any capture we found.)
 */
const HEADERS = { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json', 'accept-charset': 'utf-8', 'accept-encoding': 'gzip,deflate' }
const BODY_TYPE = { 'content-type': 'application/scim+json; charset=utf-8' }

const isAiw = (ctx: ActionContext) => String(ctx.options.app ?? 'oin') === 'aiw'
const groupPushOn = (ctx: ActionContext) => ctx.options.groupPush !== false && String(ctx.options.groupPush) !== 'false'
/** "Support PATCH for User" is an OIN Wizard switch; AIW apps cannot be switched to PATCH (OK-FAQ), so it is ignored there. */
const patchUsers = (ctx: ActionContext) => !isAiw(ctx) && (ctx.options.patchUsers === true || String(ctx.options.patchUsers) === 'true')

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
  pushNowPut: { id: EXPECT.pushNow, what: "Okta AIW apps' Push Now is a PUT of the whole group with Okta's member list", source: SRC.ref, confidence: 'D', method: true },
  pushNow: {
    id: EXPECT.pushNow,
    what: 'Okta\'s Push Now overwrites the membership with {"op":"replace","path":"members","value":[…the whole list]}',
    source: SRC.ref,
    confidence: 'D',
    // The same overwrite without "replace": remove every member, then add the list.
    normalise: (spec: RequestSpec) => mapOps(spec, (op) => (op.op === 'replace' && op.path === 'members' ? [{ op: 'remove', path: 'members' }, ...(Array.isArray(op.value) && op.value.length ? [{ op: 'add', path: 'members', value: op.value }] : [])] : op)),
    tokens: () => ['replace'],
  },
  aiwPush: { id: EXPECT.aiwPush, what: 'Okta AIW apps send a new group\'s members as a PUT of the whole group after POST {members: []} and a GET', source: SRC.groupPushBeta, confidence: 'I', method: true },
  patchUser: {
    id: EXPECT.patchUser,
    // The switch is documented; the body is not: scim-check sends the path-less replace Okta documents for (de)activation.
    what: 'With "Support PATCH for User", Okta updates a profile with a path-less {"op":"replace","value":{…changed attributes}}',
    source: SRC.oinWizard,
    confidence: 'I',
    normalise: withPaths,
  },
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
  const json = x.response?.status === 200 ? x.response.json : undefined
  const g = json && typeof json === 'object' && !Array.isArray(json) ? (json as { displayName?: unknown; members?: unknown }) : undefined
  // Only a group read that names the group is remembered; otherwise the name stays unknown and no rename is re-sent.
  const state = { displayName: typeof g?.displayName === 'string' ? g.displayName : '', members: Array.isArray(g?.members) ? memberList(g!.members) : [] }
  if (state.displayName) pushed.set(id, state)
  return state
}

const member = (m: Member) => (m.display === undefined ? { value: m.value } : { value: m.value, display: m.display })

/** Okta judges its user schema discovery by what it needs: the User resource type, and every extension it does not know. */
const KNOWN_SCHEMAS = [SCHEMA.user, SCHEMA.enterprise].map((u) => u.toLowerCase())

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

/**
 * AIW apps change a group by reading it, then PUTting the whole group with Okta's own member list (Okta, not the app,
 * holds the membership). A GET that does not answer 200 stops the push, so nothing is overwritten blind.
 */
async function aiwGetThenPut(ctx: ActionContext, id: string, change: (state: { displayName: string; members: Member[] }) => void, quirks: Quirk[]): Promise<ActionResult> {
  const got = await send(ctx, { method: 'GET', path: resourcePath('Groups', id) })
  if (got.response?.status !== 200) return { exchange: got }
  const pushed = pushedOf(ctx)
  let state = pushed.get(id)
  if (!state) {
    // A group Okta did not push (linked to an existing app group): its name and members come from this read.
    const g = (got.response.json ?? {}) as { displayName?: string; members?: Member[] }
    state = { displayName: String(g.displayName ?? ''), members: memberList(g.members ?? []) }
    pushed.set(id, state)
  }
  change(state)
  const body = { schemas: [SCHEMA.group], displayName: state.displayName, members: state.members.map(member) }
  return { exchange: await judged(ctx, { method: 'PUT', path: resourcePath('Groups', id), body }, quirks) }
}

/** The changed attributes as one object, shaped as the user resource holds them (name.givenName under name, extensions under their URN). */
function changedAttributes(ctx: ActionContext, changes: Record<string, unknown>): Record<string, unknown> {
  return applyChanges({}, changes, ctx.mapping, ctx.custom.urn)
}

function groupsOff(ctx: ActionContext): ActionResult | undefined {
  if (groupPushOn(ctx)) return undefined
  return notSent(ctx, EXPECT.groupPushOff, 'Okta sends no group traffic with Group Push off (option groupPush=false)')
}

export const okta: IdpProfile = {
  name: 'okta',
  title: 'Okta',
  description: 'Okta Lifecycle Management to a SCIM 2.0 app: userName lookups with startIndex=1&count=100, GET-then-PUT profile updates (PATCH with "Support PATCH for User"), path-less PATCH (de)activation, Push Now as a replace of members, never DELETE /Users, 60 s deadline; AIW apps update with GET then PUT only.',
  options: [
    { name: 'app', description: 'oin: OIN template app (PUT for profiles, PATCH for (de)activation and groups); aiw: custom App Integration Wizard app (PUT for everything)', default: 'oin', values: ['oin', 'aiw'] },
    { name: 'groupPush', description: 'Push Groups enabled; false: Okta sends no group requests', default: true, values: ['true', 'false'] },
    {
      name: 'patchUsers',
      description: 'OIN Wizard "Support PATCH for User": true updates profiles with PATCH instead of GET-then-PUT (OIN apps only; AIW apps always PUT)',
      default: false,
      values: ['false', 'true'],
    },
  ],
  // "Support PATCH for User" is an OIN Wizard switch: AIW apps cannot use it (OK-FAQ), so `okta:all` runs it on the
  // OIN app with Push Groups only, where it changes the user traffic and nothing else.
  settings: [
    { app: 'oin', groupPush: true },
    { app: 'oin', groupPush: true, patchUsers: true },
    { app: 'oin', groupPush: false },
    { app: 'aiw', groupPush: true },
    { app: 'aiw', groupPush: false },
  ],
  mapping: {
    ...BASE_MAPPING,
    // The template app maps user.email to the primary work email; the rest follow the SCIM 2.0 template profile.
    email: 'emails[type eq "work"].value',
  },
  behaviours: [
    { topic: 'Headers', does: 'User-Agent: Okta SCIM Client 1.0.0; Accept: application/scim+json; Accept-Charset: utf-8; Accept-Encoding: gzip,deflate (gzip and deflate answers are decoded, the body cap applying after decompression); Content-Type: application/scim+json; charset=utf-8 on bodies', source: `OK-REF ${SRC.ref}; capture OK-PR1956 ${SRC.capture}`, confidence: 'D' },
    { topic: 'Connection header', does: 'the capture shows Connection: Keep-Alive, not close; the profile does not set it: undici consumes a Connection request header (only "close" changes anything) and itself writes connection: keep-alive on every request of a kept-alive socket, so the wire matches the capture', source: `capture OK-PR1956 ${SRC.capture}; undici ${SRC.undiciConnection} (lib/core/request.js, lib/dispatcher/client-h1.js)`, confidence: 'S' },
    { topic: 'Deadline', does: 'gives up when nothing arrives on the socket for 60 s after any SCIM request: the profile\'s default request deadline (60000 ms), used unless --timeout or the config\'s timeout is set', source: `OK-FAQ ${SRC.faq}`, confidence: 'D' },
    { topic: 'Connection test', does: 'GET /Users?startIndex=1&count=2 ("Test API Credentials"); the SCIM 1.1 reference also lists GET /Groups?startIndex=1&count=100 after saving, not sent here (Import Groups sends it, scenario group-link)', source: `DELINEA ${SRC.delinea}; SCIM 1.1 reference ("the query parameters that Okta sends at this point are always constant") ${SRC.ref11}`, confidence: 'S' },
    { topic: 'Import User Schema', does: 'GET /ResourceTypes for the User resource type and its extension URNs, then GET /Schemas for the extensions Okta does not know (it knows core and Enterprise User); the sequence is documented for user schema discovery, the query strings and the wizard\'s button name are not (scenario schema-import)', source: `OK-ENT ${SRC.entitlements}`, confidence: 'I' },
    { topic: 'Lookup before create', does: 'GET /Users?filter=userName%20eq%20%22…%22&startIndex=1&count=100 (userName only; 200 with an empty list or 404 both mean "not found")', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Create user', does: 'POST /Users {schemas:[core User], userName, name, emails[{primary,value,type:work}], displayName, externalId (the Okta user id), groups: [], password (random), active: true}; enterprise/custom URNs added to schemas when such attributes are mapped (not documented)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Update user', does: 'GET /Users/{id}, then PUT /Users/{id} with the returned object (id, meta, groups echoed) and the changed attributes; an extension written for the first time is added to schemas (not documented)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Support PATCH for User', does: 'OIN Wizard switch (option patchUsers=true, OIN apps only): profile updates by PATCH /Users/{id} with no GET first; the body is not documented, so scim-check sends the path-less replace Okta documents for (de)activation, {"op":"replace","value":{…changed attributes}}', source: `OIN Wizard ${SRC.oinWizard}; body by analogy with OK-REF ${SRC.ref}`, confidence: 'I' },
    { topic: 'Deactivate', does: 'OIN: PATCH {"op":"replace","value":{"active":false}} (no path); AIW: GET then PUT with active false', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Reactivate', does: 'OIN: PATCH {"op":"replace","value":{"active":true}}; AIW: GET then PUT with active true (shape inferred from deactivation)', source: `OK-CONN ${SRC.connect}`, confidence: 'I' },
    { topic: 'Delete user', does: 'never: deprovisioning sets active=false; a deleted Okta user causes no request', source: `OK-REF ${SRC.ref}; OK-CON ${SRC.concepts}`, confidence: 'D' },
    { topic: 'Group create', does: 'POST /Groups {schemas:[core Group], displayName, members: []} (an empty group is pushed the same way, scenario group-push-now)', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Group push (AIW)', does: 'GET /Groups?filter=displayName eq "…"&startIndex=1&count=100 (a match is linked, no POST), POST /Groups {members: []}, GET /Groups/{id}, then PUT /Groups/{id} with the whole member list; every later AIW group change is GET then PUT', source: `OK-REF ${SRC.ref}; Okta Group Push beta draft ${SRC.groupPushBeta}`, confidence: 'I' },
    { topic: 'Push Now', does: 'a full membership overwrite with Okta\'s list: OIN PATCH {"op":"replace","path":"members","value":[{value, display}…]} (an empty list empties the group), then the rename PATCH; AIW GET then PUT of the whole group (scenario group-push-now)', source: `OK-REF ("a full push of the membership … using the replace operation") ${SRC.ref}; test plan ${SRC.testPlan}`, confidence: 'D' },
    { topic: 'Link group', does: 'Import Groups (GET /Groups?startIndex=1&count=100, paged by 100), then the admin links an Okta group to an app group: Okta pushes its membership to that group\'s id (OIN: GET, PATCH replace of members, rename PATCH; AIW: GET then PUT), no POST (scenario group-link); the push after linking is inferred from Push Now', source: `Group Push operations ("Create a mapping for an existing group (group linking)") ${SRC.groupOps}; OK-REF ${SRC.ref}; test plan ${SRC.testPlan}`, confidence: 'I' },
    { topic: 'Group lookup', does: 'GET /Groups/{id}; GET /Groups?filter=displayName%20eq%20%22…%22&startIndex=1&count=100 when the id is unknown', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Membership (OIN)', does: 'PATCH add members [{value, display}] / remove members[value eq "…"], then a path-less replace {id, displayName} (the rename re-sent after every membership change)', source: `OK-REF ${SRC.ref}; seen ${SRC.gosim57}`, confidence: 'D' },
    { topic: 'Membership (AIW)', does: 'PUT /Groups/{id} {schemas, displayName, members:[{value, display}]} with the whole member list, after a GET /Groups/{id} (the GET before the PUT is from the Group Push draft, not the current reference)', source: `OK-REF ${SRC.ref}; GET first: ${SRC.groupPushBeta}`, confidence: 'D' },
    { topic: 'Group rename', does: 'OIN: PATCH {"op":"replace","value":{"id":…,"displayName":…}}; AIW: GET then PUT of the group', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Group delete', does: 'DELETE /Groups/{id} when a pushed group is unlinked with "Delete the group in the target app"', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: 'Import', does: 'GET /Users?startIndex=1&count=100, then startIndex+100 while totalResults says more remain (advances by 100 even if a page held fewer); Import Groups pages GET /Groups the same way', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: '409 on create', does: 'expected for a duplicate; stops provisioning of that user', source: `OK-REF ${SRC.ref}`, confidence: 'D' },
    { topic: '429', does: 'waits an integer Retry-After (else 5 min), doubling, at most 10 tries (not replayed by scim-check, whose own 429 policy is in src/http/retry.ts)', source: `OK-CON ${SRC.concepts}`, confidence: 'D' },
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
    async importSchema(ctx) {
      return importUserSchema(ctx)
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
      const changes = flattenChanges(args.changes)
      if (!patchUsers(ctx)) return getThenPut(ctx, args.id, changes)
      // No read first: a PATCH carries only what changed.
      const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp([{ op: 'replace', value: changedAttributes(ctx, changes) }]) }, [Q.patchUser])
      return { exchange: x }
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
      if (isAiw(ctx)) return aiwCreateGroup(ctx, String(args.displayName), members)
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
      const adding = memberList(args.members)
      const add = (state: { members: Member[] }) => void (state.members = [...state.members.filter((m) => !adding.some((a) => a.value === m.value)), ...adding])
      if (isAiw(ctx)) return aiwGetThenPut(ctx, id, add, [Q.groupPut])
      const state = await groupState(ctx, id)
      add(state)
      const x = await send(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'add', path: 'members', value: adding.map(member) }]) })
      if (accepted(x) && state.displayName) await renamePatch(ctx, id, state.displayName)
      return { exchange: x }
    },
    async removeMembers(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const removing = memberList(args.members)
      const remove = (state: { members: Member[] }) => void (state.members = state.members.filter((m) => !removing.some((r) => r.value === m.value)))
      if (isAiw(ctx)) return aiwGetThenPut(ctx, id, remove, [Q.groupPut])
      const state = await groupState(ctx, id)
      remove(state)
      const ops = removing.map((m) => ({ op: 'remove', path: `members[value eq ${literal(m.value)}]` }))
      const x = await send(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp(ops) })
      if (accepted(x) && state.displayName) await renamePatch(ctx, id, state.displayName)
      return { exchange: x }
    },
    async pushGroup(ctx, args) {
      // Push Now: Okta sends its whole membership of the group, whatever the app holds (an empty list empties it).
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const members = memberList(args.members)
      const overwrite = (state: { displayName: string; members: Member[] }) => {
        state.members = members
        if (args.displayName !== undefined) state.displayName = String(args.displayName)
      }
      // What `save:` keeps is the id and the status (a 204 has no body), so later steps can run only when the push was sent.
      if (isAiw(ctx)) return pushed(id, (await aiwGetThenPut(ctx, id, overwrite, [Q.pushNowPut, Q.groupPut])).exchange)
      const state = await groupState(ctx, id)
      overwrite(state)
      const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Groups', id), body: patchOp([{ op: 'replace', path: 'members', value: members.map(member) }]) }, [Q.pushNow])
      if (accepted(x) && state.displayName) await renamePatch(ctx, id, state.displayName)
      return pushed(id, x)
    },
    async renameGroup(ctx, args) {
      const off = groupsOff(ctx)
      if (off) return off
      const id = String(args.id)
      const rename = (state: { displayName: string }) => void (state.displayName = String(args.displayName))
      if (isAiw(ctx)) return aiwGetThenPut(ctx, id, rename, [Q.groupPut])
      const state = await groupState(ctx, id)
      rename(state)
      return { exchange: await renamePatch(ctx, id, state.displayName) }
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

/**
 * AIW Group Push of a new group: look the name up, create the group empty, read it, then PUT Okta's member list. A
 * group the lookup finds is linked (no POST) and gets the same read and PUT; a refused lookup stops the push.
 */
async function aiwCreateGroup(ctx: ActionContext, displayName: string, members: Member[]): Promise<ActionResult> {
  const found = await okta.actions.findGroup!(ctx, { displayName })
  const status = found.exchange?.response?.status
  if (status !== 200 && status !== 404) return { exchange: found.exchange }
  const hit = status === 200 ? listed(found.exchange.response?.json).find((g) => typeof g.displayName === 'string' && g.displayName.toLowerCase() === displayName.toLowerCase()) : undefined
  const replaceAll = (state: { members: Member[] }) => void (state.members = members)
  if (hit && typeof hit.id === 'string') {
    ctx.expectation(EXPECT.aiwPush, { ok: 'skip', reason: 'Okta links the group it found', message: `skipped: Okta's lookup found a group named ${JSON.stringify(displayName)} (id ${hit.id}), so Okta links it and pushes its members to it; no POST is sent`, exchange: found.exchange })
    pushedOf(ctx).set(hit.id, { displayName, members })
    await aiwGetThenPut(ctx, hit.id, replaceAll, [Q.groupPut, Q.aiwPush])
    return { exchange: undefined as unknown as ActionResult['exchange'], value: hit }
  }
  const post = await send(ctx, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group], displayName, members: [] } })
  const id = (post.response?.json as { id?: unknown } | undefined)?.id
  if (!accepted(post) || typeof id !== 'string') return { exchange: post }
  pushedOf(ctx).set(id, { displayName, members: [] })
  await aiwGetThenPut(ctx, id, replaceAll, [Q.groupPut, Q.aiwPush])
  return { exchange: post }
}

/** A push's result for `save:`, as after a delete: the group id and the status (a 204 has no body to save). */
function pushed(id: string, x: ActionResult['exchange']): ActionResult {
  return deleted(x, id)
}

function listed(json: unknown): Record<string, any>[] {
  const r = (json as { Resources?: unknown } | undefined)?.Resources
  return Array.isArray(r) ? r.filter((x): x is Record<string, any> => !!x && typeof x === 'object') : []
}

/**
 * Okta's user schema discovery ("Import User Schema"): /ResourceTypes for the User resource type and its extension
 * URNs, then /Schemas for the extensions Okta does not already know (core User and Enterprise User it knows).
 */
async function importUserSchema(ctx: ActionContext): Promise<ActionResult> {
  const rt = await send(ctx, { method: 'GET', path: '/ResourceTypes' })
  const types = rt.response?.status === 200 ? listed(Array.isArray(rt.response.json) ? { Resources: rt.response.json } : rt.response.json) : []
  const user = types.find((t) => typeof t.schema === 'string' && t.schema.toLowerCase() === SCHEMA.user.toLowerCase())
  // Both reads go out whenever the first is answered: the sequence is the documented one, whatever the first held.
  const sc = rt.response?.status === 200 ? await send(ctx, { method: 'GET', path: '/Schemas' }) : undefined
  if (!user || !sc) {
    ctx.expectation(EXPECT.schema, {
      ok: false,
      message: rt.response?.status === 200 ? 'Okta looks for the User resource type in /ResourceTypes and found none whose schema is the core User schema' : `Okta reads /ResourceTypes first; ${answer(rt)}`,
      expected: `a resource type with schema ${SCHEMA.user}`,
      actual: rt.response?.status === 200 ? JSON.stringify(types.map((t) => t.schema ?? t.id)) : String(rt.response?.status ?? 'no answer'),
      exchange: rt,
    })
    return { exchange: sc ?? rt, value: { resourceTypes: types.map((t) => t.id) } }
  }
  const extensions: string[] = (Array.isArray(user.schemaExtensions) ? user.schemaExtensions : []).map((e: { schema?: unknown }) => String(e?.schema))
  const served = (sc.response?.status === 200 ? listed(sc.response.json) : []).map((s) => String(s.id).toLowerCase())
  const needed = extensions.filter((u) => !KNOWN_SCHEMAS.includes(u.toLowerCase()))
  const missing = needed.filter((u) => !served.includes(u.toLowerCase()))
  const value = { resourceTypes: types.map((t) => t.id), userEndpoint: user.endpoint, extensions, schemas: served }
  if (sc.response?.status !== 200 && needed.length) {
    ctx.expectation(EXPECT.schema, { ok: false, message: `Okta reads /Schemas for the User extensions it does not know (${needed.join(', ')}); ${answer(sc)}`, expected: '200 with the schemas', actual: String(sc.response?.status ?? 'no answer'), exchange: sc })
  } else if (missing.length) {
    ctx.expectation(EXPECT.schema, { ok: false, message: `the User resource type names extension(s) ${missing.join(', ')} that /Schemas does not serve: Okta cannot build the app user profile's attributes from them`, expected: `/Schemas listing ${missing.join(', ')}`, actual: JSON.stringify(served), exchange: sc })
  } else {
    ctx.expectation(EXPECT.schema, { ok: true, message: `User resource type found (endpoint ${String(user.endpoint)}); ${needed.length ? `its extension schema(s) ${needed.join(', ')} are served by /Schemas` : 'it names no extension Okta does not already know'}`, exchange: sc })
  }
  return { exchange: sc, value }
}
