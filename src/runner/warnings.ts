import { pathnameOf, type Exchange } from '../http/exchange.js'

/** The first line of a run without credentials: every verdict below was judged on unauthenticated requests. */
export const NO_TOKEN = 'no token: every request is sent without Authorization; pass --token or SCIM_TOKEN'

/** Said when the endpoints every SCIM server has are all missing: the base URL, not the server, is the likely fault. */
export const WRONG_BASE = 'is the base URL right? it usually ends in /scim/v2 (discovery and /Users all answered 404)'

/**
 * Run-level warnings, most telling first, so a run that could not really test the target (no token, a wrong base
 * URL, 401s everywhere, a silent peer) never reads as a list of the server's defects, nor as a clean bill of health.
 */
export function warningsOf(exchanges: readonly Exchange[], opts: { tokenGiven: boolean }): string[] {
  const out: string[] = []
  if (!opts.tokenGiven) out.push(NO_TOKEN)
  const own = exchanges.filter((x) => x.purpose !== 'cleanup' && x.step !== 'cleanup')
  const answered = own.filter((x) => x.response)
  if (wrongBase(answered)) out.push(WRONG_BASE)
  const rejected = answered.filter((x) => x.response!.status === 401 || x.response!.status === 403).length
  const probes = answered.filter((x) => x.request.headers.authorization === undefined).length
  if (opts.tokenGiven && answered.length >= 4 && rejected - probes > answered.length / 2) {
    out.push(`${rejected} of ${answered.length} requests were rejected with 401/403: check the token; most verdicts below could not be judged`)
  }
  const failed = own.filter((x) => x.error).length
  if (own.length >= 4 && failed > own.length / 2) {
    out.push(`${failed} of ${own.length} requests got no usable response (timeouts, resets): the target could not be tested properly`)
  }
  return out
}

const ROOTS = /\/(ServiceProviderConfigs?|ResourceTypes|Schemas|Users)\/?$/i

/** Every request to a discovery document or the /Users collection was answered 404 (and /Users was asked). */
function wrongBase(answered: readonly Exchange[]): boolean {
  const roots = answered.filter((x) => ROOTS.test(pathnameOf(x)))
  if (!roots.some((x) => /\/Users\/?$/i.test(pathnameOf(x)))) return false
  return roots.every((x) => x.response!.status === 404)
}

