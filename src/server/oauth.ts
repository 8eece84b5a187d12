// OAuth 2.0 client credentials for the reference server (RFC 6749 §4.4, §5; RFC 7523 §2.2 for private_key_jwt), so
// scim-check's own OAuth client is tested end to end against a real token endpoint.

import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto'
import type { ScimResponse } from './pipeline.js'

export const OAUTH_TOKEN_PATH = '/oauth/token'
/** The demo client every built-in server accepts (client_secret_basic or client_secret_post). */
export const DEMO_CLIENT = { id: 'scim-check-demo-client', secret: 'scim-check-demo-secret' } as const
/** The demo Basic credentials every built-in server accepts (RFC 7617). */
export const DEMO_BASIC = { username: 'scim-check', password: 'scim-check-demo-password' } as const

export interface OAuthOptions {
  /** Lifetime of an issued access token, in seconds (default 3600). */
  ttlSeconds?: number
  /** A PEM public key: the demo client may then also authenticate with a JWT signed by its private key (RFC 7523). */
  clientPublicKey?: string
  /** Revoke an access token after this many authenticated requests (tests of a client that must fetch a new one). */
  maxUses?: number
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** Access tokens this server issued, each valid until it expires. */
export class IssuedTokens {
  private tokens = new Map<string, number>()
  private uses = new Map<string, number>()
  readonly ttlSeconds: number
  private publicKey?: KeyObject
  private maxUses?: number

  constructor(opts: OAuthOptions = {}) {
    this.ttlSeconds = opts.ttlSeconds ?? 3600
    this.maxUses = opts.maxUses
    if (opts.clientPublicKey) this.publicKey = createPublicKey(opts.clientPublicKey)
  }

  /** Every token issued so far (tests grep outputs for them). */
  get all(): string[] {
    return [...this.tokens.keys()]
  }

  valid(token: string): boolean {
    const until = this.tokens.get(token)
    if (until === undefined || Date.now() >= until) return false
    const used = (this.uses.get(token) ?? 0) + 1
    this.uses.set(token, used)
    return this.maxUses === undefined || used <= this.maxUses
  }

  /** The token endpoint: form-encoded body in, token or RFC 6749 §5.2 error out. */
  handle(method: string, authorization: string | undefined, contentType: string | undefined, body: string, tokenUrl: string): ScimResponse {
    const json = (status: number, payload: Record<string, unknown>, extra: Record<string, string> = {}): ScimResponse => ({ status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...extra }, body: payload })
    if (method !== 'POST') return json(405, { error: 'invalid_request', error_description: 'use POST' }, { Allow: 'POST' })
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) return json(400, { error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' })
    const form = new URLSearchParams(body)
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' })
    if (!this.clientAuthenticated(authorization, form, tokenUrl)) return json(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="scim-check"' })
    const token = `scim-check-at-${randomBytes(24).toString('base64url')}`
    this.tokens.set(token, Date.now() + this.ttlSeconds * 1000)
    const out: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds }
    if (form.get('scope')) out.scope = form.get('scope')
    return json(200, out)
  }

  private clientAuthenticated(authorization: string | undefined, form: URLSearchParams, tokenUrl: string): boolean {
    const basic = /^\s*Basic\s+(\S+)\s*$/i.exec(authorization ?? '')
    if (basic) {
      const [id, secret] = decodeBasic(basic[1])
      return id === DEMO_CLIENT.id && secret === DEMO_CLIENT.secret
    }
    if (form.get('client_assertion_type') === ASSERTION_TYPE) return this.assertionValid(form.get('client_assertion') ?? '', tokenUrl)
    return form.get('client_id') === DEMO_CLIENT.id && form.get('client_secret') === DEMO_CLIENT.secret
  }

  /** RFC 7523 §3: iss and sub are the client id, aud names this endpoint, exp is in the future, and the signature verifies. */
  private assertionValid(jwt: string, tokenUrl: string): boolean {
    if (!this.publicKey) return false
    const [h, p, s] = jwt.split('.')
    if (!h || !p || !s) return false
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
      const alg = header.alg === 'RS256' ? 'sha256' : header.alg === 'ES256' ? 'sha256' : undefined
      if (!alg) return false
      const ok = verify(alg, Buffer.from(`${h}.${p}`), header.alg === 'ES256' ? { key: this.publicKey, dsaEncoding: 'ieee-p1363' } : this.publicKey, Buffer.from(s, 'base64url'))
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      return ok && claims.iss === DEMO_CLIENT.id && claims.sub === DEMO_CLIENT.id && aud.includes(tokenUrl) && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now()
    } catch {
      return false
    }
  }
}

export function decodeBasic(b64: string): [string, string] {
  const text = Buffer.from(b64, 'base64').toString('utf8')
  const i = text.indexOf(':')
  return i < 0 ? [text, ''] : [decodeURIComponent(text.slice(0, i)), decodeURIComponent(text.slice(i + 1))]
}
