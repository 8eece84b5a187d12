import { randomUUID } from 'node:crypto'
import type { RequestSpec } from '../http/exchange.js'
import type { ActionContext, ActionImpl, ActionResult, IdpExpectation, IdpProfile } from './types.js'
import { BASE_MAPPING, buildUser, flattenChanges, getPath, parsePath, pathFor } from './mapping.js'
import { SCHEMA, filterQuery, literal, opName, patchOp, resourcePath } from './wire.js'
import { answer, firstResource, memberList, runState } from './common.js'
import { lookupExpectation, lookupThenCreate } from './flows.js'
import { booleanTokens, dropKeys, dropNullRefs, jsonBooleans, keepSchemas, keyTokens, lowerOps, managerObject, mapBody, memberFilterRemove, opTokens, rejectedExpectation, sendJudged, withPaths, type Quirk } from './quirks.js'

/**
 * Microsoft Entra ID provisioning to a non-gallery SCIM app ("scim" job). By default it writes capitalised PatchOp
 * ops and `active` as the strings "True"/"False", and removes members with a value list; the `aadOptscim062020`
 * tenant-URL flag switches to lower-case ops, JSON booleans, a path-less multi-attribute replace and filtered
 * member removal (`AzureAdScimPatch2017` is the documented way back once that becomes the default). Entra never
 * reads discovery and never lists users while provisioning; it looks each user up by its matching attribute.
 */

const SRC = {
  tut: 'https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  compat: 'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility',
  how: 'https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works',
  map: 'https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes',
  disc: 'https://learn.microsoft.com/entra/identity/app-provisioning/how-to-account-discovery',
  testConn: 'https://github.com/MicrosoftDocs/azure-docs/issues/94189',
  // Microsoft's own SCIM Validator sends Add on emails[type eq "work"].value for a user without emails (SDK-416);
  // an integrator reports the same Add on addresses[type eq "work"].* from Entra (SDK-680).
  addFilter: 'https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416',
  addFilterSeen: 'https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/680',
  refCode21: 'https://github.com/AzureAD/SCIMReferenceCode/issues/21',
  addOp: 'https://github.com/rancher/rancher/issues/54025',
  manager: 'https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/686',
  noUa: 'https://github.com/kortix-ai/suna/pull/7297',
  bwCtx: 'https://github.com/bitwarden/server/blob/main/bitwarden_license/src/Scim/Context/ScimContext.cs',
  defaults: 'https://docs.hyperproof.io/admin/en/get-to-know-hyperproof/manage-users/scim-config-overview/scim-entra-attribute-mappings.html',
}

/** The ADSCIMVersion value the one public log shows; no Microsoft document gives one (scim-check could not confirm it). */
const ADSCIM_DEFAULT = '5.0'

const MS_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'

const source = (behaviour: string, url: string): IdpExpectation['source'] => ({ idp: 'entra', behaviour, url })

const EXPECT = {
  capitalisedOps: 'idp.entra.capitalised-ops',
  stringBooleans: 'idp.entra.string-booleans',
  valueListRemove: 'idp.entra.value-list-remove',
  memberRefNull: 'idp.entra.member-ref-null',
  groupSchema: 'idp.entra.group-schema-uri',
  createExtras: 'idp.entra.create-meta-roles',
  managerString: 'idp.entra.manager-bare-id',
  pathlessReplace: 'idp.entra.pathless-multi-replace',
  testGroups: 'idp.entra.test-connection-groups',
  addFilterPath: 'idp.entra.add-filter-path',
} as const

const EXPECTATIONS: IdpExpectation[] = [
  lookupExpectation('entra', 'Entra queries the target system for each user by its matching attribute and creates the user only when none is found', SRC.how),
  { id: EXPECT.capitalisedOps, title: 'Entra writes PatchOp ops capitalised ("Add", "Replace", "Remove")', source: source('Microsoft Entra ID emits the values of op as Add, Replace, and Remove', SRC.tut) },
  { id: EXPECT.stringBooleans, title: 'Entra sends active as the string "False"/"True" in PATCH', source: source('Requests made to disable users, without feature flag: {"op":"Replace","path":"active","value":"False"}', SRC.compat) },
  { id: EXPECT.valueListRemove, title: 'Entra removes group members with "Remove" on path "members" and a value list', source: source('Requests made to remove a group member, without feature flag', SRC.compat) },
  { id: EXPECT.memberRefNull, title: 'Entra adds members as [{"$ref": null, "value": id}]', source: source('Update Group [Add Members]', SRC.tut) },
  { id: EXPECT.groupSchema, title: "Entra's group create lists a Microsoft schema URI besides the core Group schema", source: source('Create Group: schemas [core Group, http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group], meta.resourceType', SRC.tut) },
  { id: EXPECT.createExtras, title: "Entra's user create carries meta.resourceType and an empty roles array", source: source('Create User request', SRC.tut) },
  { id: EXPECT.managerString, title: 'Entra sets manager with a PATCH whose value is the bare manager id', source: source('manager written as a bare id string on the enterprise manager path', SRC.manager) },
  { id: EXPECT.pathlessReplace, title: 'With aadOptscim062020 Entra replaces several attributes in one path-less op with dotted and URN keys', source: source('Requests to replace multiple attributes, with feature flag', SRC.compat) },
  { id: EXPECT.testGroups, title: "Entra's connection test also looks up a random group", source: source('Microsoft Entra ID makes requests to fetch a random user and group ... as a part of the Test Connection flow', SRC.tut) },
  { id: EXPECT.addFilterPath, title: 'Entra sets a value the user has no element for yet with "Add" on a filter path (emails[type eq "work"].value), and the server creates the element', source: source('{"op":"Add","path":"emails[type eq \\"work\\"].value","value":…} for a user without a work email; the element is expected to be created, not answered with noTarget', SRC.addFilter) },
  rejectedExpectation('entra', SRC.tut),
]

/** The tenant-URL flags that change Entra's PATCH shapes (EN-COMPAT), as `patchFlag` values. */
const PATCH_FLAGS = ['none', 'aadOptscim062020', 'AzureAdScimPatch2017'] as const

/**
 * Does Entra send RFC-shaped PATCH? Only with aadOptscim062020: that behaviour is still not the default (EN-COMPAT's
 * table: "Update PATCH behavior to ensure compliance … Fixed? No"), so AzureAdScimPatch2017, the documented way back
 * "once the new SCIM compliant behavior becomes the default", sends today's default shapes. `aadOptscim062020: true`
 * is the option's older spelling, kept so existing configs work; naming both flags at once is refused.
 */
function flag(ctx: ActionContext): boolean {
  const named = String(ctx.options.patchFlag ?? 'none')
  const legacy = ctx.options.aadOptscim062020 === true || String(ctx.options.aadOptscim062020) === 'true'
  if (legacy && named === 'AzureAdScimPatch2017') throw new Error('entra: aadOptscim062020=true and patchFlag=AzureAdScimPatch2017 name opposite tenant-URL flags; choose one patchFlag')
  return named === 'aadOptscim062020' || legacy
}

/** The matching attribute Entra looks users up by: userName (the default mapping's userPrincipalName) or the work email. */
const matchByEmail = (ctx: ActionContext) => ctx.options.matchingAttribute === 'emails'
const EMAIL_MATCH = 'emails[type eq "work"].value'

/** The work email Entra holds for each user it provisioned (by SCIM id), for lookups when it matches on email. */
const emailsOf = (ctx: ActionContext) => runState(ctx, 'entra.emails', () => new Map<string, string>())

/**
 * The lookup filter: the matching attribute with `eq`, one attribute per query (EN-TUT: Entra uses only eq and and;
 * EN-MAP: matching on a combination of attributes isn't supported). A user without a work email cannot be matched on
 * it, and with mail as the only matching attribute Entra would not provision it (EN-MAP: "All users must have a value
 * for at least one matching attribute"); scim-check looks it up by userName, as if userName came next in precedence.
 */
function matchFilter(ctx: ActionContext, who: { userName?: unknown; email?: unknown }): string | undefined {
  if (matchByEmail(ctx) && who.email !== undefined && who.email !== null) return `${EMAIL_MATCH} eq ${literal(String(who.email))}`
  if (who.userName !== undefined) return `userName eq ${literal(String(who.userName))}`
  return undefined
}

const style = (ctx: ActionContext) => (flag(ctx) ? 'lower' : 'capitalised') as 'lower' | 'capitalised'
const op = (ctx: ActionContext, name: 'add' | 'replace' | 'remove') => opName(name, style(ctx))

/** Entra encodes spaces in filters as '+' and quotes as %22 (captured test-connection and lookup requests). */
const query = (filter: string, before: [string, string][] = []) => filterQuery(filter, { space: '+', before })

function send(ctx: ActionContext, spec: RequestSpec) {
  return ctx.send(spec)
}

/** Entra's quirks, most specific first: a rejection is diagnosed in this order, one normalised quirk at a time. */
const Q = {
  bool: { id: EXPECT.stringBooleans, what: 'Entra sends active as the string "False"/"True"', source: SRC.compat, confidence: 'D', normalise: jsonBooleans, tokens: booleanTokens },
  manager: { id: EXPECT.managerString, what: 'Entra sets the enterprise manager to the bare manager id (a string, not {"value": …})', source: SRC.manager, confidence: 'S', normalise: managerObject },
  pathless: { id: EXPECT.pathlessReplace, what: 'With aadOptscim062020 Entra replaces attributes in one path-less op whose keys are dotted and URN paths', source: SRC.compat, confidence: 'D', normalise: withPaths },
  removeList: { id: EXPECT.valueListRemove, what: 'Entra removes members with {"op":"Remove","path":"members","value":[{"$ref":null,"value":…}]}', source: SRC.compat, confidence: 'D', normalise: memberFilterRemove },
  refNull: { id: EXPECT.memberRefNull, what: 'Entra adds members as [{"$ref":null,"value":…}]', source: SRC.tut, confidence: 'D', normalise: dropNullRefs },
  groupSchema: { id: EXPECT.groupSchema, what: `Entra creates groups with schemas [core Group, "${MS_GROUP_SCHEMA}"] and meta`, source: SRC.tut, confidence: 'D', normalise: keepSchemas((u) => u !== MS_GROUP_SCHEMA), tokens: () => [MS_GROUP_SCHEMA] },
  createExtras: { id: EXPECT.createExtras, what: 'Entra creates users with "meta": {"resourceType":"User"} and "roles": []', source: SRC.tut, confidence: 'D', normalise: dropKeys('meta', 'roles'), tokens: keyTokens('meta', 'roles') },
  addFilter: { id: EXPECT.addFilterPath, what: 'Entra sets a value the user has no element for yet with "Add" on a filter path (emails[type eq "work"].value, phoneNumbers[type eq "work"].value), expecting the element to be created', source: `${SRC.addFilter}; ${SRC.addFilterSeen}`, confidence: 'S', normalise: elementAdds, tokens: filterAddTokens },
  ops: { id: EXPECT.capitalisedOps, what: 'Entra writes PatchOp ops capitalised ("Add", "Replace", "Remove")', source: SRC.tut, confidence: 'D', normalise: lowerOps, tokens: opTokens },
} satisfies Record<string, Quirk>

const FILTER_PATH = /^([A-Za-z][\w-]*)\[type eq "([^"]*)"\]\.([A-Za-z][\w-]*)$/

/**
 * The same PATCH with each "Add" on a `attr[type eq "x"].sub` path rewritten as the add RFC 7644 §3.5.2.1 defines
 * without a filter ("If the target location specifies a multi-valued attribute, a new value is added"): one op per
 * element, {"op":"Add","path":"emails","value":[{"type":"work","value":…}]}, several sub-attributes of one element
 * (an address) merged into it.
 */
function elementAdds(spec: RequestSpec): RequestSpec | undefined {
  let changed = false
  const out = mapBody(spec, (body) => {
    if (!Array.isArray(body.Operations)) return body
    const ops: Record<string, unknown>[] = []
    const elements = new Map<string, Record<string, unknown>>()
    for (const op of body.Operations as Record<string, unknown>[]) {
      const m = typeof op.path === 'string' && String(op.op).toLowerCase() === 'add' ? FILTER_PATH.exec(op.path) : null
      if (!m) {
        ops.push(op)
        continue
      }
      changed = true
      const [, attr, type, sub] = m
      const key = `${attr.toLowerCase()}|${type}`
      const element = elements.get(key)
      if (element) element[sub] = op.value
      else {
        const fresh: Record<string, unknown> = { type, [sub]: op.value }
        elements.set(key, fresh)
        ops.push({ op: op.op, path: attr, value: [fresh] })
      }
    }
    return { ...body, Operations: ops }
  })
  return changed ? out : undefined
}

/** The filter paths a PATCH adds on, as written (a detail that quotes one names this quirk). */
function filterAddTokens(spec: RequestSpec): string[] {
  const ops = (spec.body as { Operations?: Record<string, unknown>[] } | undefined)?.Operations
  return Array.isArray(ops) ? ops.filter((o) => String(o.op).toLowerCase() === 'add' && typeof o.path === 'string' && FILTER_PATH.test(o.path)).map((o) => String(o.path)) : []
}

/** Send a request carrying Entra quirks and judge it with the shared quirk judge (proof by minimal pair or detail). */
function judged(ctx: ActionContext, spec: RequestSpec, quirks: Quirk[]) {
  return sendJudged(ctx, spec, quirks)
}

/** The value Entra puts in a PATCH for an attribute: active as a string unless flagged, manager as a bare id. */
function wireValue(ctx: ActionContext, path: string, value: unknown): unknown {
  if (path === 'active' && typeof value === 'boolean' && !flag(ctx)) return value ? 'True' : 'False'
  return value
}

/**
 * Entra's update: look the user up by its matching attribute, then PATCH one op per attribute that differs from what
 * the server holds: Add when the server has no value, Replace otherwise. With the flag, replaces of plain attributes
 * go into one path-less op (filtered paths such as emails[type eq "work"].value keep their own op).
 */
async function patchUser(ctx: ActionContext, args: Record<string, any>, changes: Record<string, unknown>, quirkOverride?: Quirk[]): Promise<ActionResult> {
  let current: Record<string, any> | undefined
  let lookup: ActionResult['exchange'] | undefined
  const filter = args.userName !== undefined ? matchFilter(ctx, { userName: args.userName, email: emailsOf(ctx).get(String(args.id)) }) : undefined
  if (filter) {
    lookup = await send(ctx, { method: 'GET', path: '/Users', rawQuery: query(filter) })
    current = firstResource(lookup.response?.json)
  }
  const ops: Record<string, unknown>[] = []
  const grouped: Record<string, unknown> = {}
  const quirks = new Set<Quirk>()
  for (const [attr, value] of Object.entries(changes)) {
    const path = pathFor(attr, ctx.mapping, ctx.custom.urn)
    const have = getPath(current, path)
    const isManager = parsePath(path).attr === 'manager' && parsePath(path).urn !== undefined
    const haveComparable = isManager && have && typeof have === 'object' ? (have as { value?: unknown }).value : have
    if (current && JSON.stringify(haveComparable) === JSON.stringify(value)) continue
    const kind = current && (have === undefined || have === null) ? 'add' : 'replace'
    const v = wireValue(ctx, path, value)
    if (path === 'active' && typeof v === 'string') quirks.add(Q.bool)
    if (isManager) quirks.add(Q.manager)
    if (kind === 'add' && parsePath(path).filter) quirks.add(Q.addFilter)
    if (flag(ctx) && kind === 'replace' && !parsePath(path).filter) {
      grouped[path] = v
      continue
    }
    ops.push({ op: op(ctx, kind), path, value: v })
  }
  if (Object.keys(grouped).length > 1 || (Object.keys(grouped).length === 1 && ops.length > 0)) {
    ops.push({ op: 'replace', value: grouped })
    quirks.add(Q.pathless)
  } else if (Object.keys(grouped).length === 1) {
    const [[path, v]] = Object.entries(grouped)
    ops.push({ op: 'replace', path, value: v })
  }
  if (!flag(ctx)) quirks.add(Q.ops)
  // Nothing differs: Entra sends no update, and the lookup is all that happened on the wire.
  if (ops.length === 0 && lookup) return { exchange: lookup }
  const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp(ops) }, quirkOverride ?? [...quirks].sort((a, b) => order(a) - order(b)))
  const email = changes.email
  if (x.response && x.response.status < 300 && typeof email === 'string') emailsOf(ctx).set(String(args.id), email)
  return { exchange: x }
}

/** Most specific quirk first: minimal pairs are tried in this order. */
const order = (q: Quirk) => [Q.bool, Q.manager, Q.addFilter, Q.pathless, Q.ops].indexOf(q as never)

export const entra: IdpProfile = {
  name: 'entra',
  title: 'Microsoft Entra ID',
  description: 'Entra ID provisioning to a non-gallery SCIM app: an ADSCIMVersion header on every request, a lookup by the matching attribute (userName or the work email) before every create and update, capitalised PatchOp ops and "True"/"False" strings unless patchFlag=aadOptscim062020, one op per changed attribute ("Add" on a filter path for a first work email or phone), value-list member removal, $ref:null member adds, group lookups with excludedAttributes=members.',
  options: [
    { name: 'patchFlag', description: 'the flag appended to the Tenant URL. aadOptscim062020: SCIM-compliant PATCH (lower-case ops, JSON booleans, path-less multi-attribute replace, filtered member removal); AzureAdScimPatch2017: the documented way back to the old PATCH once the compliant one is the default, which it is not yet, so it sends the default shapes; none: no flag', default: 'none', values: [...PATCH_FLAGS] },
    // A string default and no `values`: the alias is not one more enumerated setting (entra:all varies patchFlag; the
    // two together would only repeat settings, or name opposite flags).
    { name: 'aadOptscim062020', description: 'true | false: older spelling of patchFlag=aadOptscim062020, kept for existing configs (not varied by entra:all, which varies patchFlag)', default: 'false', validate: (v) => (/^(true|false)$/i.test(v) ? undefined : 'must be true or false'), alias: { option: 'patchFlag', value: 'aadOptscim062020' } },
    { name: 'matchingAttribute', description: 'the attribute Entra matches users on before creating or updating them: userName (default mapping: userPrincipalName) or emails, i.e. emails[type eq "work"].value (mail); lookups are GET /Users?filter=<attribute> eq "…"', default: 'userName', values: ['userName', 'emails'] },
    { name: 'adscimVersion', description: 'the value of the ADSCIMVersion header Entra sends on every request (servers recognise Entra by its presence; Microsoft documents no value). Empty: the header is not sent. Quote it in scim-check.yaml ("5.0"), or YAML reads a number', default: ADSCIM_DEFAULT, validate: (v) => (/^[\x20-\x7e]*$/.test(v) ? undefined : 'must be printable ASCII (it is sent as a header value)') },
  ],
  mapping: {
    ...BASE_MAPPING,
    // Default custom-app mapping: mailNickname → externalId, mail → emails[type eq "work"].value, jobTitle → title,
    // telephoneNumber/mobile/facsimileTelephoneNumber → phoneNumbers work/mobile/fax.
    faxPhone: 'phoneNumbers[type eq "fax"].value',
    preferredLanguage: 'preferredLanguage',
    office: 'addresses[type eq "work"].formatted',
  },
  behaviours: [
    { topic: 'Headers', does: 'Authorization: Bearer …; Content-Type: application/scim+json on bodies; no User-Agent; ADSCIMVersion (next row). Not reproduced: Entra\'s Accept (undocumented; scim-check sends application/scim+json)', source: `EN-TUT ${SRC.tut}; no User-Agent seen ${SRC.noUa}`, confidence: 'S' },
    { topic: 'ADSCIMVersion', does: 'ADSCIMVersion: <adscimVersion, default 5.0> on every request. Its presence is seen: servers recognise Entra by it (Bitwarden checks only that the header exists). Its value is not: no Microsoft document gives one, the 5.0 default comes from one public log scim-check could not find again, and third-party notes describe a date and activity id instead. adscimVersion= (empty) leaves the header out', source: `presence: BW-CTX ${SRC.bwCtx}; value: inferred`, confidence: 'S' },
    { topic: 'Connection test', does: 'GET /Users?filter=userName+eq+%22<random guid>%22, then GET /Groups?excludedAttributes=members&filter=displayName+eq+%22<random guid>%22; expects 200 with an empty ListResponse', source: `EN-TUT ${SRC.tut}; captured ${SRC.testConn}`, confidence: 'S' },
    { topic: 'Lookup', does: 'before every create and every update: GET /Users?filter=<matching attribute>+eq+%22…%22, no paging parameters. matchingAttribute=userName (default): userName eq; matchingAttribute=emails: emails[type eq "work"].value eq. One attribute per query, never combined with and ("Matching based on a combination of attributes isn\'t supported"; several matching attributes are tried one after another in precedence order). A user without a work email: with mail as the only matching attribute Entra does not provision it ("All users must have a value for at least one matching attribute"); scim-check looks it up by userName instead, as if userName came next in precedence. findUser by externalId when a scenario asks for it', source: `EN-TUT ${SRC.tut} ("Use userName or emails[type eq \\"work\\"] attributes to query users"; "only uses the following operators: eq, and"); EN-MAP ${SRC.map} (matching attributes, precedence); EN-HOW ${SRC.how}`, confidence: 'D' },
    { topic: 'Create user', does: 'POST /Users {schemas:[core User, enterprise User], externalId, userName, active:true, emails[{primary,type:work,value}], meta:{resourceType:User}, name:{formatted,familyName,givenName}, roles:[]}; enterprise attributes under the enterprise URN, custom ones under their URN without listing it in schemas; manager in a follow-up PATCH', source: `EN-TUT ${SRC.tut}; EN-MAP ${SRC.map}`, confidence: 'D' },
    { topic: 'Update user', does: 'matching lookup, then PATCH with one op per changed attribute ("Add" when the server has no value, "Replace" otherwise), paths such as emails[type eq "work"].value and enterprise URN paths; manager as the bare id', source: `EN-HOW ${SRC.how}; EN-COMPAT ${SRC.compat}; Add on missing value seen ${SRC.addOp}`, confidence: 'D' },
    { topic: 'Add on a filter path', does: 'a value the user has no element for yet (no work email, no work phone) is sent as {"op":"Add","path":"emails[type eq \\"work\\"].value","value":…} (the same for phoneNumbers and addresses), and Entra expects the element to be created; the add-email scenario exercises it. RFC 7644 leaves an add through a filter that matches nothing unspecified (Table 9\'s noTarget covers it), so a server that refuses it fails only Entra', source: `Microsoft's SCIM Validator SDK-416 ${SRC.addFilter}; Entra SDK-680 ${SRC.addFilterSeen}`, confidence: 'S' },
    { topic: 'Update user (patchFlag=aadOptscim062020)', does: 'lower-case ops; replaces of plain attributes in one path-less op {"name.givenName":…, "urn:…:employeeNumber":…}; filtered paths keep their own op', source: `EN-COMPAT ${SRC.compat}`, confidence: 'D' },
    { topic: 'patchFlag=AzureAdScimPatch2017', does: 'the documented downgrade flag "once the new SCIM compliant behavior becomes the default"; the compliant PATCH is still not the default (EN-COMPAT lists it as not fixed, date TBD), so today it sends the default shapes. Whether Entra has flipped the default since cannot be seen from outside a tenant', source: `EN-COMPAT ${SRC.compat}`, confidence: 'D' },
    { topic: 'Deactivate', does: 'PATCH {"op":"Replace","path":"active","value":"False"} (flag: "replace", false)', source: `EN-COMPAT ${SRC.compat}; ${SRC.refCode21}`, confidence: 'D' },
    { topic: 'Reactivate', does: 'matching lookup, then PATCH {"op":"Replace","path":"active","value":"True"} (flag: "replace", true)', source: `EN-TUT ${SRC.tut} (restore requirement); shape inferred`, confidence: 'I' },
    { topic: 'Rehire and groups', does: 'reactivation sends no membership adds: Entra "won\'t automatically restore the group memberships. The target application should maintain the group memberships for the user in inactive state" (restarting provisioning re-sends them). The rehire-groups scenario checks the server keeps them (idp.memberships-kept-inactive)', source: `EN-HOW ${SRC.how}`, confidence: 'D' },
    { topic: 'Delete user', does: 'DELETE /Users/{id} when the Entra user is hard-deleted and Delete is enabled', source: `EN-HOW ${SRC.how}`, confidence: 'D' },
    { topic: 'Group create', does: 'POST /Groups {schemas:[core Group, http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group], externalId (objectId), displayName, meta:{resourceType:Group}}, no members', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
    { topic: 'Group lookup', does: 'GET /Groups?excludedAttributes=members&filter=displayName+eq+%22…%22; GET /Groups/{id}?excludedAttributes=members', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
    { topic: 'Member add', does: 'PATCH {"op":"Add","path":"members","value":[{"$ref":null,"value":id}, …]}', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
    { topic: 'Member remove', does: 'PATCH {"op":"Remove","path":"members","value":[{"$ref":null,"value":id}]} (flag: "remove" with path members[value eq "id"], no value)', source: `EN-TUT ${SRC.tut}; EN-COMPAT ${SRC.compat}`, confidence: 'D' },
    { topic: 'Group rename', does: 'PATCH {"op":"Replace","path":"displayName","value":…}', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
    { topic: 'Group delete', does: 'DELETE /Groups/{id}', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
    { topic: 'Import', does: 'never during provisioning (Account Discovery pages all users, page size undocumented)', source: `EN-HOW ${SRC.how}; EN-DISC ${SRC.disc}`, confidence: 'D' },
    { topic: 'Discovery', does: 'never for custom apps (/Schemas only for some gallery apps)', source: `EN-TUT ${SRC.tut}`, confidence: 'D' },
  ],
  never: {
    listUsers: `Entra does not list users while provisioning: it queries each user by its matching attribute; only Account Discovery (ID Governance) pages through all users, with an undocumented page size (EN-HOW ${SRC.how}, EN-DISC ${SRC.disc})`,
    listGroups: `Entra does not list groups while provisioning: it queries each group by displayName (EN-TUT ${SRC.tut})`,
    // Added with Okta's Push Now and Import User Schema; the Entra owner may replace these with Entra's own traffic.
    pushGroup: `Entra sends membership changes as PATCH add/remove of the members that changed, never an overwrite of the whole list (EN-TUT ${SRC.tut})`,
    importSchema: `scim-check has no documented Entra request for reading the app's schema while provisioning (EN-TUT ${SRC.tut})`,
  },
  expectations: EXPECTATIONS,
  // ADSCIMVersion on every request (BW-CTX keys on its presence alone); an empty value leaves it out.
  headers: (options): Record<string, string> => {
    const v = options.adscimVersion === undefined ? ADSCIM_DEFAULT : String(options.adscimVersion)
    return v === '' ? {} : { ADSCIMVersion: v }
  },
  actions: {
    async testConnection(ctx) {
      const users = await send(ctx, { method: 'GET', path: '/Users', rawQuery: query(`userName eq ${literal(randomUUID())}`) })
      const groups = await send(ctx, { method: 'GET', path: '/Groups', rawQuery: query(`displayName eq ${literal(randomUUID())}`, [['excludedAttributes', 'members']]) })
      const gs = groups.response?.status
      const list = (groups.response?.json as { schemas?: unknown } | undefined)?.schemas
      const ok = gs === 200 && Array.isArray(list) && list.includes(SCHEMA.list)
      // The group probe's exact shape is inferred: a failure is recorded, never counted against the endpoint.
      ctx.expectation(EXPECT.testGroups, ok ? { ok: true, message: 'group lookup answered 200 with a ListResponse' } : { ok: 'info', message: `Entra's connection test also looks up a random group (source: ${SRC.tut}); ${answer(groups)}`, reason: 'inferred request shape: recorded, not failed', exchange: groups })
      return { exchange: users, value: users.response?.json }
    },
    async findUser(ctx, args) {
      // A scenario that asks for externalId gets it (Entra's tutorial: users are queried by userName and externalId);
      // otherwise the configured matching attribute, as the lookup before every create and update.
      const filter = args.externalId !== undefined ? `externalId eq ${literal(String(args.externalId))}` : matchFilter(ctx, args)
      const x = await send(ctx, { method: 'GET', path: '/Users', rawQuery: query(filter ?? `userName eq ${literal(String(args.userName))}`) })
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    createUser: async (ctx, args) => {
      const r = await createFlow(ctx, args)
      // A user the lookup found is linked, not created: Entra holds its email for later lookups all the same.
      const linked = (r.value as { id?: unknown } | undefined)?.id
      if (!r.exchange && typeof linked === 'string' && typeof args.email === 'string') emailsOf(ctx).set(linked, args.email)
      return r
    },
    async getUser(ctx, args) {
      return { exchange: await send(ctx, { method: 'GET', path: resourcePath('Users', args.id) }) }
    },
    async updateUser(ctx, args) {
      return patchUser(ctx, args, flattenChanges(args.changes))
    },
    async deactivateUser(ctx, args) {
      const value = flag(ctx) ? false : 'False'
      const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Users', args.id), body: patchOp([{ op: op(ctx, 'replace'), path: 'active', value }]) }, flag(ctx) ? [] : [Q.bool, Q.ops])
      return { exchange: x }
    },
    async reactivateUser(ctx, args) {
      // "True" mirrors the documented "False"; no reactivation request is shown: a rejection is recorded as info.
      const inferred: Quirk[] = [{ ...Q.bool, what: 'Entra re-enables with active as the string "True" (inferred from its "False")', confidence: 'I' }, Q.ops]
      return patchUser(ctx, { id: args.id, userName: args.userName }, { active: true }, flag(ctx) ? [] : inferred)
    },
    async deleteUser(ctx, args) {
      const x = await send(ctx, { method: 'DELETE', path: resourcePath('Users', args.id) })
      return { exchange: x, value: { id: args.id, status: x.response?.status ?? null } }
    },
    async createGroup(ctx, args) {
      const body = { schemas: [SCHEMA.group, MS_GROUP_SCHEMA], externalId: String(args.externalId ?? randomUUID()), displayName: args.displayName, meta: { resourceType: 'Group' } }
      const x = await judged(ctx, { method: 'POST', path: '/Groups', body }, [Q.groupSchema])
      const id = (x.response?.json as { id?: unknown } | undefined)?.id
      const members = memberList(args.members)
      if (members.length && typeof id === 'string') await addMembers(ctx, id, members.map((m) => m.value))
      return { exchange: x }
    },
    async getGroup(ctx, args) {
      return { exchange: await send(ctx, { method: 'GET', path: resourcePath('Groups', args.id), rawQuery: 'excludedAttributes=members' }) }
    },
    async findGroup(ctx, args) {
      const x = await send(ctx, { method: 'GET', path: '/Groups', rawQuery: query(`displayName eq ${literal(String(args.displayName))}`, [['excludedAttributes', 'members']]) })
      return { exchange: x, value: firstResource(x.response?.json) ?? x.response?.json }
    },
    async addMembers(ctx, args) {
      return { exchange: await addMembers(ctx, args.id, memberList(args.members).map((m) => m.value)) }
    },
    async removeMembers(ctx, args) {
      const ids = memberList(args.members).map((m) => m.value)
      if (flag(ctx)) {
        const ops = ids.map((id) => ({ op: 'remove', path: `members[value eq ${literal(id)}]` }))
        return { exchange: await send(ctx, { method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp(ops) }) }
      }
      const body = patchOp([{ op: op(ctx, 'remove'), path: 'members', value: ids.map((value) => ({ $ref: null, value })) }])
      const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Groups', args.id), body }, [Q.removeList, Q.ops])
      return { exchange: x }
    },
    async renameGroup(ctx, args) {
      const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Groups', args.id), body: patchOp([{ op: op(ctx, 'replace'), path: 'displayName', value: args.displayName }]) }, flag(ctx) ? [] : [Q.ops])
      return { exchange: x }
    },
    async deleteGroup(ctx, args) {
      const x = await send(ctx, { method: 'DELETE', path: resourcePath('Groups', args.id) })
      return { exchange: x, value: { id: args.id, status: x.response?.status ?? null } }
    },
  },
}

/** Entra's create: the lookup by the matching attribute, then the POST (and the manager PATCH) when nobody is found. */
const createFlow: ActionImpl = lookupThenCreate((ctx, args) => entra.actions.findUser!(ctx, args), async (ctx, args) => {
  const { manager, custom, ...attrs } = args
  const mapped = buildUser({ active: true, ...attrs }, ctx.mapping)
  const { userName, externalId, active, emails, name, ...rest } = mapped
  if (name?.givenName !== undefined && name?.familyName !== undefined) name.formatted = `${name.givenName} ${name.familyName}`
  const body: Record<string, unknown> = { schemas: [SCHEMA.user, SCHEMA.enterprise] }
  Object.assign(body, dropUndefined({ externalId, userName, active, emails, meta: { resourceType: 'User' }, name: name && { formatted: name.formatted, familyName: name.familyName, givenName: name.givenName, ...name } }), rest, { roles: [] })
  // Custom extension attributes go under their URN, which Entra does not add to schemas (EN-MAP).
  if (custom && typeof custom === 'object') body[ctx.custom.urn] = { ...(custom as object) }
  const x = await judged(ctx, { method: 'POST', path: '/Users', body }, [Q.createExtras])
  const id = (x.response?.json as { id?: unknown } | undefined)?.id
  if (typeof id === 'string' && typeof args.email === 'string') emailsOf(ctx).set(id, args.email)
  // Reference attributes follow in a separate PATCH once the user exists (EN-HOW, provisioning cycles step 6).
  if (manager !== undefined && typeof id === 'string') await patchUser(ctx, { id }, { manager })
  return { exchange: x }
})

async function addMembers(ctx: ActionContext, groupId: unknown, ids: string[]) {
  const body = patchOp([{ op: op(ctx, 'add'), path: 'members', value: ids.map((value) => ({ $ref: null, value })) }])
  const x = await judged(ctx, { method: 'PATCH', path: resourcePath('Groups', groupId), body }, flag(ctx) ? [Q.refNull] : [Q.refNull, Q.ops])
  return x
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
}
