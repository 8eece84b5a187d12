/** What was sent and what came back, captured once by the HTTP client and shared by checks, reporters and transcripts. */
export interface RequestSpec {
  method: string
  /** Path relative to the base URL (may carry its own query string, e.g. OneLogin's trailing '?'), or an absolute URL. */
  path: string
  /** Query parameters appended in order; `raw` lets a profile control the exact encoding ('+' vs '%20'). */
  query?: Record<string, string | number | boolean | undefined>
  rawQuery?: string
  headers?: Record<string, string>
  /** An object is serialised as JSON; a string is sent verbatim. */
  body?: unknown
  /** Send without the bearer token (auth probes). */
  noAuth?: boolean
  /** Use this token instead of the run's current one (rotation and invalid-token probes). */
  token?: string
  /**
   * Set on the harness's own requests (never IdP traffic): they go out with `User-Agent: scim-check/<version> (<purpose>)`
   * and are labelled in reports and transcripts, so a server's logs and a recording can tell them from the IdP's.
   */
  purpose?: Purpose
  /** This request's deadline in ms, instead of the client's (an IdP profile's own deadline, such as Okta's 60 s). */
  timeoutMs?: number
}

/** Why scim-check itself sent a request that no IdP sends. */
export type Purpose = 'cleanup' | 'diagnostic' | 'discovery' | 'ledger'

export interface CapturedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

export interface CapturedResponse {
  status: number
  headers: Record<string, string>
  /** Body text as received (capped); `json` is the parsed body when it parsed. */
  body: string
  json?: unknown
  /** Why the body did not parse, when it did not. */
  parseError?: string
  truncated?: boolean
  /**
   * Set when the run kept only an excerpt of this body (the full length, in characters): a long import keeps
   * full bodies only for exchanges that results point at, unless a transcript was asked for.
   */
  omitted?: number
}

export interface Exchange {
  index: number
  request: CapturedRequest
  response?: CapturedResponse
  /** Transport failure (timeout, reset, refused): the tool could not judge. */
  error?: { code: string; message: string }
  startedAt: string
  durationMs: number
  scenario: string
  step?: string
  idp: string
  /** The profile's setting, when the run plays several (see Result.setting). */
  setting?: string
  /** Set by the profile: which IdP action produced it (createUser, ...). */
  action?: string
  /** Set on the harness's own requests (cleanup, diagnostics, discovery, ledger lookups): not IdP traffic. */
  purpose?: Purpose
  /** Set on a resend after a 429: the exchange it repeats, which attempt this is, and how long the client waited. */
  retry?: { of: number; attempt: number; waitedMs: number }
  /** On a 429 that was not (or no longer) retried: why the client stopped. */
  retryStopped?: string
}

const urls = new WeakMap<CapturedRequest, URL | null>()

/**
 * The request's URL, parsed once per exchange: the runner, a dozen checks and the reporters each ask for it, for
 * every exchange of the run, often several times. Readers only: the URL object is shared and must not be changed.
 * Undefined when the captured URL does not parse.
 */
export function requestUrl(x: Exchange): URL | undefined {
  let u = urls.get(x.request)
  if (u === undefined) {
    try {
      u = new URL(x.request.url)
    } catch {
      u = null
    }
    urls.set(x.request, u)
  }
  return u ?? undefined
}

/** The request's path without its query (the captured URL up to '?' when it does not parse). */
export function pathnameOf(x: Exchange): string {
  return requestUrl(x)?.pathname ?? x.request.url.split('?')[0]
}

/** The request's path and query, as reports name an exchange ("PATCH /Users/42"). */
export function pathOf(x: Exchange): string {
  const u = requestUrl(x)
  return u ? u.pathname + u.search : x.request.url
}

const PROJECTION = /^(attributes|excludedAttributes)$/i

/** Whether the request's query asked for a reduced representation (attributes or excludedAttributes, RFC 7644 §3.9). */
export function projected(x: Exchange): boolean {
  const q = requestUrl(x)?.searchParams
  if (q) for (const k of q.keys()) if (PROJECTION.test(k)) return true
  return false
}

/** The first query parameter of that name, compared case-insensitively (SCIM parameter names are). */
export function queryParam(x: Exchange, name: string): string | undefined {
  const u = requestUrl(x)
  if (!u) return undefined
  const lower = name.toLowerCase()
  for (const [k, v] of u.searchParams) if (k.toLowerCase() === lower) return v
  return undefined
}
