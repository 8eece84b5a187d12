import { readFileSync } from 'node:fs'
import { createGunzip, createInflate, createInflateRaw, type Gunzip } from 'node:zlib'
import { Agent } from './undici.js'
import { dispatchOnce } from './dispatch.js'
import type { CapturedResponse, Exchange, RequestSpec } from './exchange.js'
import { Redactor } from './redact.js'
import { describeTransportError } from './errors.js'
import { parseJsonCapped } from './json.js'
import { DEFAULT_RETENTION, Retention, type RetentionOptions } from './retention.js'
import { DEFAULT_RETRY, RetryGate, type RetryPolicy } from './retry.js'
import { VERSION } from '../version.js'
import type { Credentials } from './auth.js'

export interface ClientOptions {
  baseUrl: string
  token?: string
  timeoutMs: number
  insecure?: boolean
  caFile?: string
  maxBodyBytes: number
  maxJsonDepth: number
  redactor: Redactor
  /** 429 handling; defaults to DEFAULT_RETRY. */
  retry?: RetryPolicy
  /** Which bodies stay whole in memory; defaults to DEFAULT_RETENTION (keepAll when a transcript is written). */
  retention?: Partial<RetentionOptions>
  /** Aborts waits between retries (Ctrl-C); a request already on the wire still finishes within its deadline. */
  signal?: AbortSignal
  /** Basic or OAuth credentials; without them the static bearer token is sent. */
  credentials?: Credentials
  /** Extra headers on every request (an API gateway's key, a tenant header), after the profile's own. */
  headers?: Record<string, string>
}

export interface SendLabels {
  scenario: string
  step?: string
  idp: string
  /** The profile's setting, when the run plays several (see Result.setting). */
  setting?: string
  action?: string
  /** Headers the profile always sends (User-Agent, Accept...). */
  headers?: Record<string, string>
}

/**
 * The one HTTP client of a run: keep-alive, a deadline on every exchange, capped bodies, no redirects
 * followed (undici's request never follows them; a 3xx comes back as it is and is reported), credentials only
 * ever sent to the target's own origin, 429s retried within a bounded policy, and every exchange captured
 * redacted, with long runs keeping full bodies only where results point.
 */
export class HttpClient {
  readonly base: URL
  readonly exchanges: Exchange[] = []
  private agent: Agent
  private token?: string
  private previousToken?: string
  private gate: RetryGate
  private retention: Retention
  /** Requests in a row, up to the latest, that got no response at all (timeouts, resets): a dead peer shows here. */
  unanswered = 0
  /**
   * Called when an answer (or a transport error) arrives, before anything is recorded of it: the runner finishes
   * the judging it put off while the request was on the wire, so that judging never sees what came after it.
   */
  onAnswer?: () => void
  /** Called once a request has been written: the runner does the judging it put off while the server works. */
  onSent?: () => void

  constructor(private opts: ClientOptions) {
    this.gate = new RetryGate(opts.retry ?? DEFAULT_RETRY)
    this.retention = new Retention({ ...DEFAULT_RETENTION, ...opts.retention }, this.exchanges)
    this.base = new URL(opts.baseUrl.replace(/\/+$/, '') + '/')
    this.token = opts.token
    opts.redactor.addSecret(opts.token)
    const ca = opts.caFile ? readFileSync(opts.caFile) : undefined
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connect: { rejectUnauthorized: !opts.insecure, ...(ca ? { ca } : {}), timeout: opts.timeoutMs },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    })
  }

  /** A result points at this exchange, so its body is kept whole however long the run gets. */
  pin(index: number): void {
    this.retention.pin(index)
  }

  get currentToken(): string | undefined {
    return this.token
  }
  get oldToken(): string | undefined {
    return this.previousToken
  }

  /** Switch to a rotated token; the old one stays known (and redacted) for the "old token is refused" probe. */
  setToken(token: string): void {
    this.previousToken = this.token
    this.token = token
    this.opts.redactor.addSecret(token)
  }

  /** Resolve a step's path against the base URL; ids are the caller's job to percent-encode. */
  resolve(spec: Pick<RequestSpec, 'path' | 'query' | 'rawQuery'>): URL {
    // A path the server handed out that already carries the base path ("/scim/v2/Groups/7", a Bulk location or a
    // relative meta.location) is a path-absolute reference (RFC 3986 §4.2): resolved against the origin, not appended.
    // Anything else is a path under the base URL, appended to it as text: one absolute parse (cheaper than resolving a
    // reference), and a path that looks like a scheme ("https:elsewhere") stays a path on the target.
    const basePath = this.base.pathname
    const rooted = basePath !== '/' && spec.path.startsWith(basePath)
    const href = /^https?:\/\//i.test(spec.path) ? spec.path : rooted ? this.base.origin + spec.path : this.base.href + spec.path.replace(/^\/+/, '')
    if (spec.rawQuery !== undefined) {
      const url = new URL(href)
      url.search = spec.rawQuery
      return url
    }
    let query = ''
    if (spec.query) {
      const q = new URLSearchParams()
      for (const k in spec.query) if (spec.query[k] !== undefined) q.append(k, String(spec.query[k]))
      query = q.toString()
    }
    // URLSearchParams writes spaces as '+'; most IdPs and the RFC examples use %20.
    if (!query) return new URL(href)
    if (!/[?#]/.test(href)) return new URL(`${href}?${query.replace(/\+/g, '%20')}`)
    // A path that carries its own query: the parameters are appended to it, the whole query serialised as one.
    const url = new URL(href)
    const merged = new URLSearchParams(url.searchParams)
    for (const [k, v] of new URLSearchParams(query)) merged.append(k, v)
    url.search = merged.toString().replace(/\+/g, '%20')
    return url
  }

  /** Record a request the run decided not to send (the safety guard), so the refusal shows in reports and transcripts. */
  refuse(spec: RequestSpec, labels: SendLabels, why: string): Exchange {
    const url = this.resolve(spec)
    const x: Exchange = {
      index: this.exchanges.length,
      request: { method: spec.method.toUpperCase(), url: this.opts.redactor.text(url.toString()), headers: {} },
      startedAt: new Date().toISOString(),
      durationMs: 0,
      scenario: labels.scenario,
      step: labels.step,
      idp: labels.idp,
      action: labels.action,
      error: { code: 'refused-unsafe', message: why },
    }
    if (labels.setting) x.setting = labels.setting
    if (spec.purpose) x.purpose = spec.purpose
    this.exchanges.push(x)
    return x
  }

  /**
   * Send one request and capture it. A 429 is retried as real IdPs do (see retry.ts): each attempt is its own
   * exchange, the resend names the one it repeats, and the last one is returned. A caller that already resolved
   * the spec's URL (a guard) passes it.
   */
  async send(spec: RequestSpec, labels: SendLabels, url: URL = this.resolve(spec)): Promise<Exchange> {
    let x = await this.once(spec, labels, url)
    // An OAuth access token can be revoked or expire early: fetch a new one once, as IdPs do, and send again.
    if (x.response?.status === 401 && this.usesCredentials(spec) && this.opts.credentials!.refreshable) {
      this.opts.credentials!.invalidate()
      const first = x.index
      x = await this.once(spec, labels, url)
      x.retry = { of: first, attempt: 1, waitedMs: 0 }
    }
    for (let attempt = 0; x.response?.status === 429; attempt++) {
      const decision = this.gate.decide(x.response.headers['retry-after'], attempt)
      if ('stop' in decision) {
        x.retryStopped = decision.stop
        break
      }
      if (this.opts.signal?.aborted || !(await pause(decision.wait, this.opts.signal))) {
        x.retryStopped = 'the run was interrupted'
        break
      }
      this.gate.waited(decision.wait)
      const first = x.retry?.of ?? x.index
      x = await this.once(spec, labels, url)
      x.retry = { of: first, attempt: attempt + 1, waitedMs: decision.wait }
    }
    if (x.response && x.response.status !== 429) this.gate.recovered()
    return x
  }

  /** Requests that carry the run's own credentials (not a probe's deliberate token, not an unauthenticated probe). */
  private usesCredentials(spec: RequestSpec): boolean {
    return !!this.opts.credentials?.dynamic && !spec.noAuth && spec.token === undefined && !hasHeader(spec.headers ?? {}, 'authorization')
  }

  /** `url` is `spec` resolved (the guards resolve it first to judge it: not parsed twice); it is never changed. */
  private async once(spec: RequestSpec, labels: SendLabels, url: URL): Promise<Exchange> {
    // Names lower-cased, later sources overriding earlier ones in place (the profile's, the user's, the step's).
    const headers: Record<string, string> = { accept: 'application/scim+json' }
    addLowerCased(headers, labels.headers)
    addLowerCased(headers, this.opts.headers)
    addLowerCased(headers, spec.headers)
    if (spec.purpose) headers['user-agent'] = `scim-check/${VERSION} (${spec.purpose})`
    if (!spec.noAuth && !('authorization' in headers)) {
      const value = this.usesCredentials(spec) ? await this.opts.credentials!.authorization() : (spec.token ?? this.token) ? `Bearer ${spec.token ?? this.token}` : undefined
      if (value) headers.authorization = value
    }
    // An empty value means "do not send this header at all" (e.g. the no-Accept probe of RFC 7644 §3.8).
    for (const k in headers) if (headers[k] === '') delete headers[k]
    let body: string | undefined
    if (spec.body !== undefined) {
      body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
      if (!('content-type' in headers)) headers['content-type'] = 'application/scim+json'
    }
    const deadline = spec.timeoutMs ?? this.opts.timeoutMs
    const started = Date.now()
    const x: Exchange = {
      index: this.exchanges.length,
      request: {
        method: spec.method.toUpperCase(),
        url: this.opts.redactor.text(url.toString()),
        headers: this.opts.redactor.headers(headers),
        body: body === undefined ? undefined : this.opts.redactor.body(body),
      },
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      scenario: labels.scenario,
      step: labels.step,
      idp: labels.idp,
      action: labels.action,
    }
    if (labels.setting) x.setting = labels.setting
    if (spec.purpose) x.purpose = spec.purpose
    this.exchanges.push(x)
    if (hasDotSegment(spec.path)) {
      // An id of "." or ".." (encoded or not) would be resolved away by URL parsing and the request would hit a parent path.
      x.error = { code: 'refused-dot-segment', message: `refused to send ${x.request.method} ${spec.path}: a "." or ".." path segment would address a different resource than the one meant` }
      return x
    }
    if (url.origin !== this.base.origin) {
      // A Location or meta.location on another host must never receive the run's credentials.
      x.error = { code: 'other-origin', message: `refused to send a request to ${url.origin}, which is not the target's origin ${this.base.origin}` }
      return x
    }
    try {
      x.response = await this.read(url, spec.method.toUpperCase(), headers, body, deadline)
    } catch (err) {
      x.error = err instanceof DecodeError ? { code: 'decode', message: `${x.request.method} ${url.pathname}${url.search}: ${err.message}` } : describeTransportError(err, url, deadline)
      x.error.message = this.opts.redactor.text(x.error.message)
    }
    // Before retention, which may cut an older body down that the put-off judging still reads.
    this.onAnswer?.()
    x.durationMs = Date.now() - started
    this.unanswered = x.response ? 0 : this.unanswered + 1
    this.retention.add(x)
    return x
  }

  private async read(url: URL, method: string, headers: Record<string, string>, body: string | undefined, deadline: number): Promise<CapturedResponse> {
    // The request target is given as written: undici's request(url) rebuilds it and drops a bare trailing '?', which
    // OneLogin sends (PUT /Users/{id}?). A request's own deadline (an IdP's) also bounds the waits for headers and
    // between body chunks, which the agent otherwise sets from the client's.
    const own = deadline === this.opts.timeoutMs ? {} : { headersTimeout: deadline, bodyTimeout: deadline }
    const wire = await dispatchOnce(this.agent, { origin: url.origin, path: requestTarget(url), method, headers, body, ...own }, this.opts.maxBodyBytes, deadline, this.onSent)
    const truncated = wire.truncated
    let raw: Buffer = wire.body
    const respHeaders: Record<string, string> = {}
    // Names come lower-cased from undici's parser.
    for (const k in wire.headers) {
      const v = wire.headers[k]
      if (v !== undefined) respHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v)
    }
    const r = this.opts.redactor
    const out: CapturedResponse = { status: wire.statusCode, headers: r.headers(respHeaders), body: '' }
    // An empty body (204, HEAD) has nothing to decode, whatever its Content-Encoding says.
    let coding = raw.length > 0 || truncated ? contentCoding(respHeaders['content-encoding']) : undefined
    // A coding scim-check never offers is often a mislabelled plain body ("utf-8", "none"): read as it came when it
    // is JSON, and only otherwise a body that cannot be decoded.
    if (coding === 'unknown') {
      if (!truncated && !parseJsonCapped(raw, this.opts.maxJsonDepth).ok) throw new DecodeError(`the response body is encoded as "${respHeaders['content-encoding']}", which scim-check does not decode (it accepts gzip and deflate only)`)
      coding = undefined
    }
    if (truncated) {
      out.truncated = true
      out.parseError = `body larger than ${this.opts.maxBodyBytes} bytes${coding ? ` even before decompression (${coding})` : ''} (cap: --max-body-bytes); not read further`
      // A compressed excerpt is binary noise: only a plain body's first bytes are worth showing.
      out.body = coding ? '' : r.text(raw.subarray(0, 2048).toString('utf8'))
      return out
    }
    if (coding && raw.length > 0) {
      // The cap applies to what the body becomes, not to what crossed the wire: a small compressed body can inflate
      // to gigabytes, so decompression stops at the cap instead of holding whatever the server packed.
      const decoded = await decompress(raw, coding, this.opts.maxBodyBytes, wire.statusCode)
      raw = decoded.body
      if (decoded.over) {
        out.truncated = true
        out.parseError = `body larger than ${this.opts.maxBodyBytes} bytes once decompressed (${coding}, ${wire.body.length} bytes on the wire; cap: --max-body-bytes); decompression stopped there`
        out.body = r.text(raw.subarray(0, 2048).toString('utf8'))
        return out
      }
    }
    const parsed = parseJsonCapped(raw, this.opts.maxJsonDepth)
    if (parsed.ok) {
      // The parsed value is ours: redact it in place, and keep the body text as received unless something was
      // redacted (one parse, no copies: an import walk reads a thousand pages).
      const changed = r.scrub(parsed.value)
      out.json = parsed.value
      out.body = r.text(changed ? JSON.stringify(parsed.value) : parsed.text)
      return out
    }
    if (raw.length > 0) out.parseError = parsed.error
    out.body = r.body(parsed.text)
    return out
  }

  /** Close politely, but never wait on a peer that will not let go: after a second, sockets are destroyed. */
  async close(): Promise<void> {
    const closed = this.agent.close().then(
      () => true,
      () => false,
    )
    const grace = new AbortController()
    const done = await Promise.race([closed, pause(1000, grace.signal).then(() => false)])
    grace.abort()
    if (!done) await this.agent.destroy().catch(() => undefined)
  }

  destroy(): void {
    void this.agent.destroy().catch(() => undefined)
  }
}

/** A response body that says it is compressed but does not decompress: the client cannot judge what it held. */
class DecodeError extends Error {}

type Coding = 'gzip' | 'deflate'

/**
 * The one coding a response applied, from Content-Encoding (case-insensitive, x-gzip as gzip; identity is none).
 * A coding the client never offers (br, zstd, several stacked, or a label such as "utf-8") is 'unknown': the caller
 * reads such a body as it came if it is JSON, and reports it undecodable otherwise.
 */
function contentCoding(header: string | undefined): Coding | 'unknown' | undefined {
  if (!header) return undefined
  const codings = (header ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity')
  if (codings.length === 0) return undefined
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip'
  if (codings.length === 1 && codings[0] === 'deflate') return 'deflate'
  return 'unknown'
}

/**
 * Inflate `raw` up to `cap` bytes of output. zlib's stream hands output over in small chunks, so memory stays near
 * the cap whatever the compression ratio; past the cap the stream is destroyed and `over` says so. "deflate" is
 * zlib-wrapped by RFC 9110 §8.4.1.2, but some servers send raw DEFLATE: the zlib header (RFC 1950 §2.2) tells which.
 */
function decompress(raw: Buffer, coding: Coding, cap: number, status: number): Promise<{ body: Buffer; over: boolean }> {
  const zlibWrapped = raw.length >= 2 && (raw[0] & 0x0f) === 8 && ((raw[0] << 8) | raw[1]) % 31 === 0
  const z: Gunzip = coding === 'gzip' ? createGunzip() : zlibWrapped ? createInflate() : createInflateRaw()
  return new Promise((resolve, reject) => {
    const out: Buffer[] = []
    let size = 0
    let settled = false
    z.on('data', (chunk: Buffer) => {
      if (settled) return
      size += chunk.length
      if (size > cap) {
        settled = true
        out.push(chunk.subarray(0, chunk.length - (size - cap)))
        z.destroy()
        resolve({ body: Buffer.concat(out), over: true })
        return
      }
      out.push(chunk)
    })
    z.on('end', () => {
      if (!settled) (settled = true), resolve({ body: Buffer.concat(out), over: false })
    })
    z.on('error', (err: Error & { code?: string }) => {
      if (settled) return
      settled = true
      reject(new DecodeError(`the ${status} response's ${coding} body could not be decompressed (${err.code ?? 'zlib'}: ${err.message}); its ${raw.length} bytes on the wire are not a valid ${coding} stream`))
    })
    z.end(raw)
  })
}

/** Wait `ms`, or less when the signal aborts; true when the full wait passed. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (full: boolean) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(full)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Path and query exactly as the URL serialises them (a bare '?' kept), without the fragment. */
function requestTarget(url: URL): string {
  const bareQuery = !url.search && url.href.replace(/#.*$/, '').endsWith('?')
  return url.pathname + (bareQuery ? '?' : url.search)
}

function hasDotSegment(path: string): boolean {
  // Most paths have no dot at all, written or encoded.
  if (!path.includes('.') && !/%2e/i.test(path)) return false
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, '')
  return path
    .split(/[?#]/)[0]
    .split('/')
    .some((seg) => /^(\.|%2e){1,2}$/i.test(seg))
}

function addLowerCased(into: Record<string, string>, h: Record<string, string> | undefined): void {
  if (h) for (const k in h) into[k.toLowerCase()] = h[k]
}

function hasHeader(h: Record<string, string>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name)
}
