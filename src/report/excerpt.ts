/**
 * Short, safe renderings of one exchange: the request and response excerpts and the one-line `curl`
 * reproduction that a failure shows. The runner calls `evidenceOf` when it turns a finding into a Result;
 * reporters fall back to `evidenceFor` when a result points at an exchange but carries no evidence.
 *
 * Redaction of bodies and secret values happened in the HTTP client. These helpers add a second, blunt
 * guard that does not depend on it: only allow-listed headers are ever shown, and the Authorization value
 * is never copied, always written as `$SCIM_TOKEN` (so a reproduction line can be pasted as is).
 */
import type { CapturedRequest, CapturedResponse, Exchange } from '../http/exchange.js'
import type { Result } from '../result/types.js'

export type Evidence = NonNullable<Result['evidence']>

export interface ExcerptOptions {
  /** Body lines shown before "… N more lines". */
  maxLines?: number
  /** Characters of body shown at most, whatever the line count. */
  maxChars?: number
  /** Shell variable written in place of the token (e.g. SCIM_PREVIOUS_TOKEN for rotation probes). */
  tokenVar?: string
}

const DEFAULTS = { maxLines: 25, maxChars: 2000, tokenVar: 'SCIM_TOKEN' }

/** Request headers worth showing and replaying; anything else (cookies, custom keys) is left out on purpose. */
const REQUEST_HEADERS = ['content-type', 'accept', 'if-match', 'if-none-match']
/** Replayed by curl as well, because some targets answer IdPs by User-Agent. */
const REPLAY_HEADERS = [...REQUEST_HEADERS, 'user-agent']
const RESPONSE_HEADERS = ['content-type', 'location', 'etag', 'www-authenticate', 'retry-after']

const AUTH_SCHEMES = ['bearer', 'basic', 'token', 'ssws', 'apikey']

const CANONICAL: Record<string, string> = { etag: 'ETag', 'www-authenticate': 'WWW-Authenticate' }

function canonicalName(name: string): string {
  const lower = name.toLowerCase()
  return CANONICAL[lower] ?? lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

function pick(headers: Record<string, string>, allowed: string[]): [string, string][] {
  const out: [string, string][] = []
  for (const want of allowed) {
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === want) out.push([canonicalName(name), value])
    }
  }
  return out
}

/** "Bearer $SCIM_TOKEN" when the request carried credentials, whatever they were; undefined for unauthenticated probes. */
function authLine(headers: Record<string, string>, tokenVar: string): string | undefined {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')
  if (!entry) return undefined
  // Only a known scheme word is copied: anything else in the value could be the secret itself.
  const scheme = /^\s*(\S+)\s/.exec(entry[1])?.[1]
  return scheme && AUTH_SCHEMES.includes(scheme.toLowerCase()) ? `${scheme} $${tokenVar}` : `$${tokenVar}`
}

/**
 * Makes text safe to print on a terminal: control characters (ANSI escapes included) and bidirectional
 * overrides become visible `\u{…}` escapes; newlines and tabs are kept.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
}

/** `printable` for fields meant to be one line (ids, titles, steps, reasons): a newline shows as `\n`. */
export function oneLine(text: string): string {
  return printable(text).replace(/\n/g, '\\n')
}

function formatBody(body: string, parsed: unknown, opts: Required<ExcerptOptions>): string {
  let text = parsed !== undefined ? JSON.stringify(parsed, null, 2) : body
  if (parsed === undefined && body.trim() !== '') {
    try {
      text = JSON.stringify(JSON.parse(body), null, 2)
    } catch {
      // not JSON: shown as received
    }
  }
  let note = ''
  if (text.length > opts.maxChars) {
    note = `… (${text.length - opts.maxChars} more characters)`
    text = text.slice(0, opts.maxChars)
  }
  const lines = text.split('\n')
  if (lines.length > opts.maxLines) {
    note = `… (${lines.length - opts.maxLines} more lines)`
    lines.length = opts.maxLines
  }
  return note ? `${lines.join('\n')}\n${note}` : lines.join('\n')
}

/** `METHOD url`, the allow-listed headers (Authorization as `$SCIM_TOKEN`), a blank line and the body. */
export function excerptRequest(req: CapturedRequest, options: ExcerptOptions = {}): string {
  const opts = { ...DEFAULTS, ...options }
  const lines = [`${req.method.toUpperCase()} ${req.url}`]
  const auth = authLine(req.headers, opts.tokenVar)
  if (auth) lines.push(`Authorization: ${auth}`)
  for (const [name, value] of pick(req.headers, REQUEST_HEADERS)) lines.push(`${name}: ${value}`)
  if (req.body !== undefined && req.body !== '') lines.push('', formatBody(req.body, undefined, opts))
  return lines.join('\n')
}

/** `HTTP status`, the allow-listed headers and the body; for a transport failure, what went wrong instead. */
export function excerptResponse(x: Pick<Exchange, 'response' | 'error'>, options: ExcerptOptions = {}): string {
  const opts = { ...DEFAULTS, ...options }
  const res: CapturedResponse | undefined = x.response
  if (!res) return x.error ? `no response: ${x.error.code} ${x.error.message}` : 'no response'
  const lines = [`HTTP ${res.status}`]
  for (const [name, value] of pick(res.headers, RESPONSE_HEADERS)) lines.push(`${name}: ${value}`)
  if (res.body !== '') lines.push('', formatBody(res.body, res.json, opts))
  if (res.truncated) lines.push('… (body truncated at capture)')
  return lines.join('\n')
}

/** Single quotes for any POSIX shell; text with control characters uses $'…' (bash, zsh, ksh) so the line stays one line. */
function shellQuote(text: string): string {
  if (!/[\u0000-\u001f\u007f]/.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`
  const escaped = text.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\\') return '\\\\'
    if (c === "'") return "\\'"
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    if (c === '\t') return '\\t'
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
  return `$'${escaped}'`
}

function compactBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body))
  } catch {
    return body
  }
}

/** One `curl` line that replays the request; the token stays in the environment (`"$SCIM_TOKEN"` expands in double quotes). */
export function reproduce(req: CapturedRequest, options: Pick<ExcerptOptions, 'tokenVar'> = {}): string {
  const tokenVar = options.tokenVar ?? DEFAULTS.tokenVar
  const method = req.method.toUpperCase()
  const parts = ['curl', '-sS', '-i']
  if (method === 'HEAD') parts.push('--head')
  else if (method !== 'GET') parts.push('-X', method)
  parts.push(shellQuote(req.url))
  const auth = authLine(req.headers, tokenVar)
  if (auth) parts.push('-H', `"Authorization: ${auth}"`)
  for (const [name, value] of pick(req.headers, REPLAY_HEADERS)) parts.push('-H', shellQuote(`${name}: ${value}`))
  if (req.body !== undefined && req.body !== '') parts.push('--data-raw', shellQuote(compactBody(req.body)))
  return parts.join(' ')
}

/** What a Result carries as evidence for the exchange behind its verdict. */
export function evidenceOf(x: Exchange, options: ExcerptOptions = {}): Evidence {
  return { request: excerptRequest(x.request, options), response: excerptResponse(x, options), reproduce: reproduce(x.request, options) }
}

/** The result's own evidence, or else one built (excerpted) from the exchange it points at. */
export function evidenceFor(r: Result, exchanges: readonly Exchange[]): Evidence | undefined {
  if (r.evidence) return r.evidence
  if (r.exchange === undefined) return undefined
  const direct = exchanges[r.exchange]
  const x = direct?.index === r.exchange ? direct : exchanges.find((e) => e.index === r.exchange)
  return x ? evidenceOf(x) : undefined
}
