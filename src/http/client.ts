import { readFileSync } from 'node:fs'
import { Agent, request } from 'undici'
import type { CapturedResponse, Exchange, RequestSpec } from './exchange.js'
import { Redactor } from './redact.js'
import { describeTransportError } from './errors.js'
import { parseJsonCapped } from './json.js'

export interface ClientOptions {
  baseUrl: string
  token?: string
  timeoutMs: number
  insecure?: boolean
  caFile?: string
  maxBodyBytes: number
  maxJsonDepth: number
  redactor: Redactor
}

export interface SendLabels {
  scenario: string
  step?: string
  idp: string
  action?: string
  /** Headers the profile always sends (User-Agent, Accept...). */
  headers?: Record<string, string>
}

/**
 * The one HTTP client of a run: keep-alive, a deadline on every exchange, capped bodies, no redirects
 * followed, credentials only ever sent to the target's own origin, and every exchange captured redacted.
 */
export class HttpClient {
  readonly base: URL
  readonly exchanges: Exchange[] = []
  private agent: Agent
  private token?: string
  private previousToken?: string

  constructor(private opts: ClientOptions) {
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
    const rel = spec.path.replace(/^\/+/, '')
    const url = /^https?:\/\//i.test(spec.path) ? new URL(spec.path) : new URL(rel, this.base)
    if (spec.rawQuery !== undefined) {
      url.search = spec.rawQuery
    } else if (spec.query) {
      for (const [k, v] of Object.entries(spec.query)) if (v !== undefined) url.searchParams.append(k, String(v))
      // URLSearchParams writes spaces as '+'; most IdPs and the RFC examples use %20.
      url.search = url.search.replace(/\+/g, '%20')
    }
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
    this.exchanges.push(x)
    return x
  }

  async send(spec: RequestSpec, labels: SendLabels): Promise<Exchange> {
    const url = this.resolve(spec)
    const headers: Record<string, string> = { accept: 'application/scim+json', ...lower(labels.headers), ...lower(spec.headers) }
    const token = spec.token ?? this.token
    if (!spec.noAuth && token && !hasHeader(headers, 'authorization')) headers.authorization = `Bearer ${token}`
    let body: string | undefined
    if (spec.body !== undefined) {
      body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/scim+json'
    }
    const started = Date.now()
    const x: Exchange = {
      index: this.exchanges.length,
      request: {
        method: spec.method.toUpperCase(),
        url: this.opts.redactor.text(url.toString()),
        headers: this.opts.redactor.headers(headers),
        body: body === undefined ? undefined : this.opts.redactor.body(body, safeParse(body)),
      },
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      scenario: labels.scenario,
      step: labels.step,
      idp: labels.idp,
      action: labels.action,
    }
    this.exchanges.push(x)
    if (url.origin !== this.base.origin) {
      // A Location or meta.location on another host must never receive the run's credentials.
      x.error = { code: 'other-origin', message: `refused to send a request to ${url.origin}, which is not the target's origin ${this.base.origin}` }
      return x
    }
    try {
      x.response = await this.fetch(url, spec.method.toUpperCase(), headers, body)
    } catch (err) {
      x.error = describeTransportError(err, url, this.opts.timeoutMs)
      x.error.message = this.opts.redactor.text(x.error.message)
    }
    x.durationMs = Date.now() - started
    return x
  }

  private async fetch(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<CapturedResponse> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs)
    const res = await request(url, { dispatcher: this.agent, method: method as any, headers, body, signal })
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    for await (const chunk of res.body) {
      size += chunk.length
      if (size > this.opts.maxBodyBytes) {
        truncated = true
        res.body.destroy()
        break
      }
      chunks.push(chunk)
    }
    const raw = Buffer.concat(chunks)
    const respHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) respHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v)
    const r = this.opts.redactor
    const out: CapturedResponse = { status: res.statusCode, headers: r.headers(respHeaders), body: '' }
    if (truncated) {
      out.truncated = true
      out.parseError = `body larger than ${this.opts.maxBodyBytes} bytes (cap: --max-body-bytes); not read further`
      out.body = r.text(raw.subarray(0, 2048).toString('utf8'))
      return out
    }
    const parsed = parseJsonCapped(raw, this.opts.maxJsonDepth)
    if (parsed.ok) out.json = r.json(parsed.value)
    else if (raw.length > 0) out.parseError = parsed.error
    out.body = r.body(parsed.text, parsed.ok ? parsed.value : undefined)
    return out
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined)
  }

  destroy(): void {
    void this.agent.destroy().catch(() => undefined)
  }
}

function lower(h?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v
  return out
}

function hasHeader(h: Record<string, string>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name)
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}
