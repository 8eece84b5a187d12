// Bearer-token authentication (RFC 6750, RFC 7235 §3.1, RFC 7644 §2).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Flags } from './flags.js'
import { DEMO_BASIC, decodeBasic, type IssuedTokens } from './oauth.js'
import { errorResponse, type ScimResponse } from './pipeline.js'

export const DEFAULT_TOKEN = 'scim-check-demo-token'
export const REALM = 'scim-check'

const digest = (s: string) => createHash('sha256').update(s).digest()

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

export class TokenState {
  private currentToken: string
  /** Tokens replaced by rotation; only honoured by the `token-rotation-ignored` fault. */
  private readonly retired: string[] = []

  constructor(initial: string) {
    this.currentToken = initial
  }

  get current(): string {
    return this.currentToken
  }

  rotate(): string {
    this.retired.push(this.currentToken)
    this.currentToken = `scim-check-${randomBytes(24).toString('base64url')}`
    return this.currentToken
  }

  isCurrent(token: string): boolean {
    return sameSecret(token, this.currentToken)
  }

  isRetired(token: string): boolean {
    return this.retired.some((t) => sameSecret(token, t))
  }
}

export type AuthResult = { ok: true } | { ok: false; reason: 'missing' | 'invalid' }

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header)
  return m?.[1]
}

export function authenticate(header: string | undefined, tokens: TokenState, flags: Flags, issued?: IssuedTokens): AuthResult {
  if (flags.authDisabled) return { ok: true }
  // Basic (RFC 7617) with the demo credentials, for vendors whose endpoints still use it.
  const basic = /^\s*Basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (basic) {
    const [user, password] = decodeBasic(basic[1])
    return user === DEMO_BASIC.username && password === DEMO_BASIC.password ? { ok: true } : { ok: false, reason: 'missing' }
  }
  const token = bearerToken(header)
  // A request without a bearer token (or with another scheme) carries no
  // credentials for this realm: challenge without an error code (RFC 6750 §3.1).
  if (token === undefined) return { ok: false, reason: 'missing' }
  if (tokens.isCurrent(token)) return { ok: true }
  // An access token from the OAuth endpoint, until it expires.
  if (issued?.valid(token)) return { ok: true }
  if (flags.keepRotatedTokens && tokens.isRetired(token)) return { ok: true }
  if (flags.acceptWrongToken) return { ok: true }
  return { ok: false, reason: 'invalid' }
}

export function unauthorized(reason: 'missing' | 'invalid'): ScimResponse {
  const challenge = reason === 'invalid' ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`
  const detail = reason === 'invalid' ? 'The bearer token is not valid' : 'Authentication required: send Authorization: Bearer <token>'
  return errorResponse(401, detail, undefined, { 'WWW-Authenticate': challenge })
}
