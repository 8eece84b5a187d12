import type { ActionContext, ActionImpl, ActionResult, IdpExpectation } from './types.js'
import { answer } from './common.js'
import { NAMES } from './quirks.js'

/**
 * The IdP's create flow: every IdP that matches before provisioning (Okta, Entra, OneLogin, JumpCloud, Ping) looks the
 * user up by its matching attribute and creates it only when the lookup finds nobody. Scenario authors write
 * `createUser`; the profile wraps its create in this flow, so every POST /Users under that profile follows a lookup.
 */

export const lookupId = (idp: string) => `idp.${idp}.lookup-before-create`

export function lookupExpectation(idp: string, behaviour: string, url: string): IdpExpectation {
  const name = NAMES[idp] ?? idp
  return { id: lookupId(idp), title: `${name} looks a user up before creating it, and creates it only when the lookup finds nobody`, source: { idp, behaviour, url } }
}

interface Listed {
  Resources?: unknown
}

/** userName is caseExact false (RFC 7643 §4.1.1), so the IdP's match ignores case. */
const same = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()

/**
 * `find` is the profile's own findUser (its filter, encoding and judgement); `create` its POST. The lookup is given
 * only what an IdP matches on (userName, or the work email where the profile's matching attribute says so). A refused
 * lookup stops the IdP (the create is not sent) unless `refused: 'create'`.
 */
export function lookupThenCreate(find: ActionImpl, create: ActionImpl, opts: { refused?: 'stop' | 'create' } = {}): ActionImpl {
  return async (ctx: ActionContext, args: Record<string, any>): Promise<ActionResult> => {
    if (args.userName === undefined) return create(ctx, args)
    let judgedHere = false
    const watching: ActionContext = { ...ctx, expectation: (id, f) => ((judgedHere = true), ctx.expectation(id, f)) }
    const found = await find(watching, { userName: args.userName, email: args.email })
    const x = found.exchange
    // The profile does not look up under these options (it said why): the create goes out alone.
    if (!x) return create(ctx, args)
    const name = NAMES[ctx.idp] ?? ctx.idp
    const s = x.response?.status
    if (s === 404) return create(ctx, args)
    // Where the lookup's shape is scim-check's guess (JumpCloud), its refusal says nothing of the real IdP's lookup:
    // the create still goes out, so the create is judged on its own.
    if (s !== 200 && opts.refused === 'create') return create(ctx, args)
    if (s !== 200) {
      // The IdP stops provisioning this user: the create is not sent, and the lookup's verdict explains the step.
      if (!judgedHere) ctx.expectation(lookupId(ctx.idp), { ok: false, message: `${name} looks the user up before creating it and stops when the lookup is refused; ${answer(x)}`, expected: '200 with a ListResponse (or 404)', actual: String(s ?? 'no answer'), exchange: x })
      return { exchange: x }
    }
    const resources = Array.isArray((x.response?.json as Listed | undefined)?.Resources) ? ((x.response!.json as Listed).Resources as Record<string, unknown>[]) : []
    const match = resources.find((r) => r && typeof r === 'object' && (same(r.userName, args.userName) || (args.email !== undefined && JSON.stringify(r.emails ?? []).toLowerCase().includes(JSON.stringify(String(args.email)).toLowerCase()))))
    if (match) {
      ctx.expectation(lookupId(ctx.idp), { ok: 'skip', reason: 'the IdP links the user it found', message: `skipped: ${name}'s lookup found ${String(args.userName)} (id ${String(match.id)}), so ${name} links that user instead of creating it; no POST is sent`, exchange: x })
      return { exchange: undefined as unknown as ActionResult['exchange'], value: match }
    }
    if (resources.length) {
      // A filter the server ignored: the IdP would take the first result for the user it looked for.
      ctx.expectation(lookupId(ctx.idp), { ok: false, message: `${name}'s lookup for userName ${String(args.userName)} answered ${resources.length} resource(s), none of them that user (first: id ${String(resources[0]?.id)}, userName ${String(resources[0]?.userName)}): ${name} would link a stranger's account instead of creating this one`, expected: 'an empty ListResponse for a user that does not exist', actual: `${resources.length} other resource(s)`, exchange: x })
      return { exchange: x }
    }
    ctx.expectation(lookupId(ctx.idp), { ok: true, message: `the lookup found nobody, so ${name} creates the user`, exchange: x })
    return create(ctx, args)
  }
}
