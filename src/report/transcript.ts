import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { dirname } from 'node:path'
import type { Exchange } from '../http/exchange.js'
import { REDACTED, Redactor } from '../http/redact.js'
import type { RunReport } from '../runner/report.js'
import { UsageError } from '../errors.js'

/**
 * The run's exchanges as HAR 1.2, so any HAR viewer opens them, and `scim-check replay` sends them again.
 * scim-check's own labels (scenario, step, IdP profile, action, retries) ride in `_scimCheck`, the custom-field
 * form HAR 1.2 allows; a request that got no response has status 0 and the reason in `_scimCheck.error`.
 *
 * Secrets were redacted when the exchanges were captured (by key, by the run's token values, and by the extra
 * field names in config). Writing a transcript applies a second, blunt guard that does not depend on that:
 * credential headers (Authorization, Cookie, X-Api-Key...) keep only their scheme word, and body fields named
 * like secrets (password, token, secret...) are replaced, whatever the client did.
 */
export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: never[]
    headers: { name: string; value: string }[]
    queryString: { name: string; value: string }[]
    postData?: { mimeType: string; text: string }
    headersSize: number
    bodySize: number
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: never[]
    headers: { name: string; value: string }[]
    content: { size: number; mimeType: string; text?: string }
    redirectURL: string
    headersSize: number
    bodySize: number
  }
  cache: Record<string, never>
  timings: { send: number; wait: number; receive: number }
  _scimCheck: {
    index: number
    scenario: string
    step?: string
    idp: string
    /** The profile's setting under `--idp okta:all` ("app=aiw, groupPush=true"). */
    setting?: string
    action?: string
    /** The harness's own request (cleanup, ledger lookup, discovery, diagnostic), never the IdP's traffic. */
    purpose?: string
    error?: { code: string; message: string }
    /** A resend after a 429: the index of the first attempt. */
    retry?: { of: number; attempt: number; waitedMs: number }
    /** The body in `content.text` is an excerpt; the run kept only this many characters' worth in full. */
    omitted?: number
    truncated?: boolean
  }
}

export interface Har {
  log: {
    version: '1.2'
    creator: { name: string; version: string }
    comment?: string
    /** Where the recording was made, so a replay can map URLs onto another target. */
    _scimCheck?: { runId: string; target: string; builtin: boolean }
    entries: HarEntry[]
  }
}

export interface TranscriptOptions {
  /** Extra body field names to redact (config `redact`), on top of password, token, secret... */
  redact?: string[]
  /** Secret values (tokens) to scrub wherever they appear. */
  secrets?: string[]
}

/** Headers whose value is a credential: only a scheme word survives. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token'])
const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'ssws', 'apikey', 'digest'])

function guardHeader(name: string, value: string, redactor: Redactor): string {
  if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) return redactor.text(value)
  const scheme = /^\s*(\S+)\s/.exec(value)?.[1]
  return scheme && AUTH_SCHEMES.has(scheme.toLowerCase()) ? `${scheme} ${REDACTED}` : REDACTED
}

function guardBody(text: string, redactor: Redactor): string {
  // A body that was not JSON is kept byte for byte apart from secrets, so a replay sends what was sent.
  return redactor.body(text)
}

const pairs = (h: Record<string, string>, redactor: Redactor) => Object.entries(h).map(([name, value]) => ({ name, value: guardHeader(name, value, redactor) }))

export function harEntry(x: Exchange, options: TranscriptOptions = {}): HarEntry {
  const redactor = redactorOf(options)
  return entryOf(x, redactor)
}

/** Fields newer clients add to an exchange (429 resends, bodies kept as excerpts); read when present. */
type Captured = Exchange & { retry?: { of: number; attempt: number; waitedMs: number }; response?: { omitted?: number } }

function entryOf(exchange: Exchange, redactor: Redactor): HarEntry {
  const x = exchange as Captured
  let query: { name: string; value: string }[] = []
  try {
    query = [...new URL(x.request.url).searchParams].map(([name, value]) => ({ name, value: redactor.text(value) }))
  } catch {
    // a URL the client refused to send may not parse; it has no query worth listing
  }
  const ct = headerOf(x.request.headers, 'content-type') ?? 'application/scim+json'
  const requestBody = x.request.body !== undefined ? guardBody(x.request.body, redactor) : undefined
  const responseBody = x.response?.body ? guardBody(x.response.body, redactor) : undefined
  const status = x.response?.status ?? 0
  return {
    startedDateTime: x.startedAt,
    time: x.durationMs,
    request: {
      method: x.request.method,
      url: redactor.text(x.request.url),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(x.request.headers, redactor),
      queryString: query,
      ...(requestBody !== undefined ? { postData: { mimeType: ct, text: requestBody } } : {}),
      headersSize: -1,
      bodySize: requestBody ? Buffer.byteLength(requestBody) : 0,
    },
    response: {
      status,
      statusText: status ? (STATUS_CODES[status] ?? '') : '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(x.response?.headers ?? {}, redactor),
      content: {
        size: responseBody ? Buffer.byteLength(responseBody) : 0,
        mimeType: (x.response && headerOf(x.response.headers, 'content-type')) ?? '',
        ...(responseBody ? { text: responseBody } : {}),
      },
      redirectURL: (x.response && headerOf(x.response.headers, 'location')) ?? '',
      headersSize: -1,
      bodySize: x.response ? (responseBody ? Buffer.byteLength(responseBody) : 0) : -1,
    },
    cache: {},
    timings: { send: 0, wait: x.durationMs, receive: 0 },
    _scimCheck: {
      index: x.index,
      scenario: x.scenario,
      step: x.step,
      idp: x.idp,
      ...(x.setting ? { setting: x.setting } : {}),
      action: x.action,
      ...(x.purpose ? { purpose: x.purpose } : {}),
      ...(x.error ? { error: { code: x.error.code, message: redactor.text(x.error.message) } } : {}),
      ...(x.retry ? { retry: x.retry } : {}),
      ...(x.response?.omitted !== undefined ? { omitted: x.response.omitted } : {}),
      ...(x.response?.truncated ? { truncated: true } : {}),
    },
  }
}

function headerOf(h: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(h).find((k) => k.toLowerCase() === name)
  return key === undefined ? undefined : h[key]
}

function redactorOf(options: TranscriptOptions): Redactor {
  const r = new Redactor(options.redact ?? [])
  for (const s of options.secrets ?? []) r.addSecret(s)
  return r
}

export function toHar(report: Pick<RunReport, 'tool' | 'exchanges' | 'target' | 'runId'>, options: TranscriptOptions = {}): Har {
  const redactor = redactorOf(options)
  const target = redactor.text(report.target.url)
  return {
    log: {
      version: '1.2',
      creator: { name: report.tool.name, version: report.tool.version },
      comment: `scim-check run ${report.runId} against ${target}`,
      _scimCheck: { runId: report.runId, target, builtin: report.target.builtin },
      entries: report.exchanges.map((x) => entryOf(x, redactor)),
    },
  }
}

export function writeTranscript(file: string, report: Pick<RunReport, 'tool' | 'exchanges' | 'target' | 'runId'>, options: TranscriptOptions = {}): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(toHar(report, options), null, 2)}\n`)
}

/** A transcript file is unusable: one line saying where and what to do (exit 2, like any bad input). */
export class TranscriptError extends UsageError {}

/**
 * Reads a HAR file (scim-check's, or one saved from a browser's developer tools or a proxy) and checks the
 * parts a replay needs: every entry has a request with a method and an absolute http(s) URL.
 */
export function readTranscript(file: string): Har {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new TranscriptError(`cannot read transcript ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
  }
  let har: unknown
  try {
    har = JSON.parse(text)
  } catch (err) {
    throw new TranscriptError(`${file} is not JSON (${(err as Error).message}); expected a HAR file as written by scim-check run --transcript`)
  }
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries
  if (!Array.isArray(entries)) throw new TranscriptError(`${file} is not a HAR file: it has no log.entries list; expected a file written by scim-check run --transcript`)
  entries.forEach((e: unknown, i: number) => {
    const req = (e as { request?: { method?: unknown; url?: unknown } } | null)?.request
    const where = `${file}: log.entries[${i}].request`
    if (!req || typeof req !== 'object') throw new TranscriptError(`${where} is missing`)
    if (typeof req.method !== 'string' || !/^[A-Za-z]+$/.test(req.method)) throw new TranscriptError(`${where}.method is not an HTTP method`)
    if (typeof req.url !== 'string' || !/^https?:\/\//i.test(req.url)) throw new TranscriptError(`${where}.url is not an absolute http(s) URL`)
  })
  return har as Har
}
