import type { RunConfig } from '../config/types.js'
import type { Finding } from '../checks/define.js'
import type { HttpClient } from '../http/client.js'
import type { CapturedRequest, Exchange, RequestSpec } from '../http/exchange.js'
import type { Redactor } from '../http/redact.js'
import { resolveMapping } from '../idp/mapping.js'
import type { ActionContext, ActionName, IdpProfile } from '../idp/types.js'
import { Ledger } from '../runner/ledger.js'

/**
 * `scim-check send`: one IdP action, built by the same profile code a run uses, so what is printed is exactly
 * what that IdP sends. For real, `ctx.send` is the run's HTTP client (capture, redaction, timeouts); for
 * --dry-run it is a recorder that builds the request the client would send and sends nothing.
 */
export interface SendInput {
  profile: IdpProfile
  action: ActionName
  args: Record<string, unknown>
  config: Pick<RunConfig, 'idpOptions' | 'mapping' | 'customExtension' | 'maxPages' | 'timeoutFromUser'>
}

export interface SendOutcome {
  exchanges: Exchange[]
  /** IdP expectations the action judged on the way (only when really sent). */
  expectations: { id: string; finding: Finding }[]
  /** Set when the action threw (a missing argument the profile needs, an id it cannot use). */
  error?: string
  /** Set when a request would have changed a resource this command did not create: it was not sent, and why. */
  refused?: string
}

type Sender = (spec: RequestSpec, labels: { idp: string; action: string; headers: Record<string, string> }) => Promise<Exchange>

async function perform(input: SendInput, sender: Sender, dryRun: boolean): Promise<SendOutcome> {
  const { profile, action, args, config } = input
  const options = { maxPages: config.maxPages, ...Object.fromEntries(profile.options.map((o) => [o.name, o.default])), ...(config.idpOptions[profile.name] ?? {}) }
  const headers = profile.headers(options)
  // The IdP's own deadline (Okta's 60 s) unless the user chose --timeout, as in a run.
  const deadline = config.timeoutFromUser ? undefined : profile.deadlineMs
  const exchanges: Exchange[] = []
  const expectations: SendOutcome['expectations'] = []
  const ctx: ActionContext = {
    idp: profile.name,
    options,
    mapping: resolveMapping(profile.mapping ?? {}, config.mapping, profile.name),
    // One IdP action reads no discovery: only a configured extension is known.
    custom: config.customExtension ?? { urn: '', attributes: {} },
    // One action on its own: nothing to remember across steps, and no diagnostic requests beside the one asked for.
    state: new Map(),
    diagnose: false,
    send: async (spec) => {
      let x: Exchange
      try {
        x = await sender(deadline === undefined || spec.timeoutMs !== undefined ? spec : { ...spec, timeoutMs: deadline }, { idp: profile.name, action, headers })
      } catch (err) {
        if (err instanceof Refused) exchanges.push(err.exchange)
        throw err
      }
      exchanges.push(x)
      return x
    },
    expectation: (id, finding) => {
      if (!dryRun) expectations.push({ id, finding })
    },
  }
  const impl = profile.actions[action]
  if (!impl) return { exchanges, expectations, error: profile.never?.[action] ?? `${profile.title} has no ${action} action` }
  try {
    await impl(ctx, args)
  } catch (err) {
    return { exchanges, expectations, error: (err as Error).message }
  }
  return { exchanges, expectations }
}

/**
 * Sends the action's requests through the client (which captures and redacts them), behind the same guard a run
 * uses: a write to a resource this command did not create is not sent unless `yesModify` names exactly that id.
 * The first refused request is kept (captured, not sent) so it can be shown, and the action stops there.
 */
export async function sendAction(input: SendInput, client: HttpClient, yesModify?: string): Promise<SendOutcome> {
  const ledger = new Ledger()
  if (yesModify !== undefined) ledger.adopt({ type: 'User', id: yesModify, scenario: 'send', idp: input.profile.name })
  let refused: string | undefined
  const outcome = await perform(
    input,
    async (spec, l) => {
      const labels = { scenario: 'send', idp: l.idp, action: l.action, headers: l.headers }
      const url = client.resolve(spec)
      const why = refused ?? ledger.refuse(spec, url)
      if (why) {
        refused ??= why
        throw new Refused(client.refuse(spec, labels, why))
      }
      const x = await client.send(spec, labels)
      ledger.observe(x, spec, url)
      return x
    },
    false,
  )
  return refused ? { ...outcome, error: undefined, refused } : outcome
}

/** Stops an action at the first request the guard refuses (an action never gets to see a refusal as an answer). */
class Refused extends Error {
  constructor(readonly exchange: Exchange) {
    super(exchange.error?.message ?? 'refused')
  }
}

/**
 * Builds the action's requests without sending any: each is captured the way the HTTP client would send it
 * (its default Accept, the profile's headers, the request's own, a bearer token unless the request goes
 * without, JSON bodies serialised) and answered with "not sent", so an action that needs a response to go
 * on (Okta's GET-then-PUT) stops where a real one would have waited.
 */
export function dryRunAction(input: SendInput, client: HttpClient, redactor: Redactor): Promise<SendOutcome> {
  let index = 0
  return perform(
    input,
    async (spec, l) => {
      const headers: Record<string, string> = { accept: 'application/scim+json', ...lower(l.headers), ...lower(spec.headers) }
      if (!spec.noAuth && !('authorization' in headers)) headers.authorization = 'Bearer $SCIM_TOKEN'
      let body: string | undefined
      if (spec.body !== undefined) {
        body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
        headers['content-type'] ??= 'application/scim+json'
      }
      const request: CapturedRequest = { method: spec.method.toUpperCase(), url: redactor.text(client.resolve(spec).toString()), headers: redactor.headers(headers), body: body === undefined ? undefined : redactor.body(body) }
      return { index: index++, request, startedAt: new Date().toISOString(), durationMs: 0, scenario: 'send', idp: l.idp, action: l.action, error: { code: 'dry-run', message: 'not sent (--dry-run)' } }
    },
    true,
  )
}

function lower(h?: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
}

