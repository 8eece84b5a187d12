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

/** The request's path and query, as reports name an exchange ("PATCH /Users/42"). */
export function pathOf(x: Exchange): string {
  try {
    const u = new URL(x.request.url)
    return u.pathname + u.search
  } catch {
    return x.request.url
  }
}
