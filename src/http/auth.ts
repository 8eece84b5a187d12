import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from './undici.js'
import { TargetError, UsageError } from '../errors.js'
import type { Redactor } from './redact.js'

/**
 * How the run authenticates to the target: a static bearer token, Basic (RFC 7617), or OAuth 2.0 client credentials
 * (RFC 6749 §4.4) with a client secret or a private-key JWT (RFC 7523 §2.2). Every secret, and every access token
 * fetched, is handed to the redactor the moment it is known, so none can reach a report.
 */
export type AuthConfig =
  | { kind: 'bearer' }
  | { kind: 'basic'; username: string; password: string }
  | {
      kind: 'oauth-client-credentials'
      tokenUrl: string
      clientId: string
      clientSecret?: string
      /** PEM private key file for private_key_jwt (RFC 7523); replaces the secret. */
      privateKeyFile?: string
      scope?: string
      audience?: string
    }

export const AUTH_KINDS = ['bearer', 'basic', 'oauth-client-credentials'] as const

/** A token is refreshed this long before it expires (or at 90% of a short lifetime). */
const REFRESH_MARGIN_MS = 30_000

export class Credentials {
  private access?: { token: string; expiresAt: number }
  private key?: KeyObject
  /** Token fetches so far (tests and the report show that a refresh happened). */
  fetches = 0

  constructor(
    private cfg: AuthConfig,
    private opts: { timeoutMs: number; redactor: Redactor; insecure?: boolean },
  ) {
    if (cfg.kind === 'basic') {
      opts.redactor.addSecret(cfg.password)
      opts.redactor.addSecret(Buffer.from(`${cfg.username}:${cfg.password}`).toString('base64'))
    }
    if (cfg.kind === 'oauth-client-credentials') {
      opts.redactor.addSecret(cfg.clientSecret)
      if (cfg.privateKeyFile) {
        try {
          this.key = createPrivateKey(readFileSync(cfg.privateKeyFile))
        } catch (err) {
          throw new UsageError(`--private-key ${cfg.privateKeyFile}: ${(err as Error).message.split('\n')[0]}; expected a PEM private key (RSA or EC P-256)`)
        }
      }
      if (!cfg.clientSecret && !this.key) throw new UsageError('--auth oauth-client-credentials needs --client-secret (or SCIM_CLIENT_SECRET) or --private-key')
    }
  }

  /** Static bearer tokens are the client's own business (rotation swaps them); these kinds make their own header. */
  get dynamic(): boolean {
    return this.cfg.kind !== 'bearer'
  }

  get refreshable(): boolean {
    return this.cfg.kind === 'oauth-client-credentials'
  }

  /** Forget the access token (the target answered 401): the next request fetches a new one. */
  invalidate(): void {
    this.access = undefined
  }

  async authorization(): Promise<string | undefined> {
    if (this.cfg.kind === 'basic') return `Basic ${Buffer.from(`${this.cfg.username}:${this.cfg.password}`).toString('base64')}`
    if (this.cfg.kind !== 'oauth-client-credentials') return undefined
    if (!this.access || Date.now() >= this.access.expiresAt) this.access = await this.fetchToken(this.cfg)
    return `Bearer ${this.access.token}`
  }

  private async fetchToken(cfg: Extract<AuthConfig, { kind: 'oauth-client-credentials' }>): Promise<{ token: string; expiresAt: number }> {
    this.fetches++
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    if (cfg.scope) form.set('scope', cfg.scope)
    if (cfg.audience) form.set('audience', cfg.audience)
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
    if (this.key) {
      form.set('client_id', cfg.clientId)
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      form.set('client_assertion', this.assertion(cfg))
    } else {
      // client_secret_basic: RFC 6749 §2.3.1 says servers MUST support it; id and secret are form-encoded first.
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret!)}`).toString('base64')}`
      this.opts.redactor.addSecret(headers.authorization.slice(6))
    }
    let status: number
    let text: string
    try {
      const url = new URL(cfg.tokenUrl)
      const res = await request({ origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(this.opts.timeoutMs) })
      status = res.statusCode
      text = await res.body.text()
    } catch (err) {
      throw new AuthError(`could not reach the token endpoint ${cfg.tokenUrl}: ${this.opts.redactor.text((err as Error).message)}`)
    }
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {}
    try {
      body = JSON.parse(text)
    } catch {
      // reported below with the status
    }
    if (status !== 200 || typeof body.access_token !== 'string' || !body.access_token) {
      const why = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `answered ${status} without an access_token`
      throw new AuthError(`the token endpoint ${cfg.tokenUrl} refused the client credentials (${this.opts.redactor.text(why)}); check --client-id, the secret or key, and --scope`)
    }
    this.opts.redactor.addSecret(body.access_token)
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3600_000
    return { token: body.access_token, expiresAt: Date.now() + ttl - Math.min(REFRESH_MARGIN_MS, ttl / 10) }
  }

  /** RFC 7523 §3 client assertion: iss = sub = client id, aud = the token endpoint, short-lived, unique jti. */
  private assertion(cfg: Extract<AuthConfig, { kind: 'oauth-client-credentials' }>): string {
    const ec = this.key!.asymmetricKeyType === 'ec'
    const alg = ec ? 'ES256' : 'RS256'
    const now = Math.floor(Date.now() / 1000)
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const input = `${part({ alg, typ: 'JWT' })}.${part({ iss: cfg.clientId, sub: cfg.clientId, aud: cfg.audience ?? cfg.tokenUrl, jti: randomUUID(), iat: now, exp: now + 300 })}`
    const sig = sign('sha256', Buffer.from(input), ec ? { key: this.key!, dsaEncoding: 'ieee-p1363' } : this.key!)
    return `${input}.${sig.toString('base64url')}`
  }
}

/** The run could not authenticate at all: a could-not-run condition (exit 2), not a finding about the target. */
export class AuthError extends TargetError {}

/** `--header 'Name: value'`; `${VAR}` in the value is read from the environment, so secrets stay out of flags. */
export function parseHeader(spec: string, env: NodeJS.ProcessEnv): [string, string] {
  const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(spec)
  if (!m) throw new UsageError(`--header "${spec}" should look like 'X-Api-Key: \${ACME_KEY}'`)
  const value = m[2].replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => {
    const v = env[name]
    if (v === undefined) throw new UsageError(`--header ${m[1]}: environment variable ${name} is not set`)
    return v
  })
  return [m[1].toLowerCase(), value]
}
