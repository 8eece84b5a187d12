/**
 * Redaction by key and by known secret value, applied once when an exchange is captured, so nothing
 * downstream (checks, reporters, transcripts) ever holds a secret.
 */
export const REDACTED = '[REDACTED]'

const DEFAULT_KEYS = ['password', 'token', 'secret', 'access_token', 'refresh_token', 'client_secret', 'apikey', 'api_key', 'authorization']
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'])

export class Redactor {
  private secrets = new Set<string>()
  /** Length of the shortest known secret (Infinity while there is none). */
  private shortest = Number.POSITIVE_INFINITY
  private keys: Set<string>
  /** A secret key's name in quotes, in any case (Unicode case folding: the Kelvin sign is a k). */
  private quotedKey: RegExp

  constructor(extraKeys: string[] = []) {
    this.keys = new Set([...DEFAULT_KEYS, ...extraKeys].map((k) => k.toLowerCase()))
    this.quotedKey = new RegExp(`"(?:${[...this.keys].map(escapeRegExp).join('|')})"`, 'iu')
  }

  /** Remember a secret value (a token, a rotated token) so it is scrubbed wherever it appears. */
  addSecret(value: string | undefined): void {
    // Very short values would scrub ordinary text; tokens are never that short.
    if (value && value.length >= 6) {
      this.secrets.add(value)
      this.shortest = Math.min(this.shortest, value.length)
    }
  }

  text(s: string): string {
    // Strings shorter than every secret cannot hold one: most values of a response (names, flags, dates) skip the scan.
    if (s.length < this.shortest) return s
    let out = s
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }

  headers(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const k in h) {
      const v = h[k]
      if (SECRET_HEADERS.has(k) || SECRET_HEADERS.has(k.toLowerCase())) {
        const scheme = /^(\w+)\s/.exec(v)?.[1]
        out[k] = scheme ? `${scheme} ${REDACTED}` : REDACTED
      } else out[k] = this.text(v)
    }
    return out
  }

  isSecretKey(key: string): boolean {
    // A key of lower-case ASCII letters, digits, '_', '-' or '.' is its own lower case: no copy for those. Anything
    // else is lower-cased, non-ASCII included (the Kelvin sign lower-cases to an ASCII k).
    return this.keys.has(key) || (/[^a-z0-9_.-]/.test(key) && this.keys.has(key.toLowerCase()))
  }

  /** Deep copy with secret keys' values and known secret strings replaced. */
  json(v: unknown, depth = 0): unknown {
    if (depth > 200) return REDACTED
    if (typeof v === 'string') return this.text(v)
    if (Array.isArray(v)) return v.map((x) => this.json(x, depth + 1))
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) {
        out[k] = this.isSecretKey(k) && x !== null && typeof x !== 'object' ? REDACTED : this.json(x, depth + 1)
      }
      return out
    }
    return v
  }

  /**
   * Redact a freshly parsed value in place (the caller owns it, so no copy is made): secret keys' values and known
   * secret strings are replaced. True when anything was replaced.
   */
  scrub(v: unknown): boolean {
    let changed = false
    // Every response body passes through here (an import walk: 100,000 resources), so the walk allocates nothing
    // of its own: no key lists, no iterators.
    const visit = (node: Record<string | number, unknown>, k: string | number, depth: number): void => {
      const x = node[k]
      let next = x
      if (typeof k === 'string' && x !== null && typeof x !== 'object' && this.isSecretKey(k)) next = REDACTED
      else if (typeof x === 'string') next = this.text(x)
      else if (x && typeof x === 'object') {
        if (depth >= 200) next = REDACTED
        else walk(x as Record<string, unknown>, depth + 1)
      }
      if (next !== x) {
        node[k] = next
        changed = true
      }
    }
    const walk = (node: Record<string, unknown> | unknown[], depth: number): void => {
      if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(node as unknown as Record<number, unknown>, i, depth)
      else for (const k in node) if (Object.prototype.hasOwnProperty.call(node, k)) visit(node, k, depth)
    }
    if (v && typeof v === 'object') walk(v as Record<string, unknown>, 0)
    return changed
  }

  /**
   * Whether redaction could change this text: it names a secret key in quotes, holds a known secret, or has a
   * backslash, which in JSON can spell either in escapes (`\u0070assword`, `ab\/cd`). Almost every body a run sends
   * holds none of these, and is then kept byte for byte as sent, without a parse and a copy.
   */
  mayHoldSecret(text: string): boolean {
    return text.includes('\\') || this.text(text) !== text || this.quotedKey.test(text)
  }

  /**
   * Body text: as it is when it cannot hold anything to redact; otherwise re-serialised from redacted JSON when it
   * parses as JSON, or scrubbed of known secrets and key-value pairs.
   */
  body(text: string): string {
    if (!this.mayHoldSecret(text)) return text
    const parsed = parseOrUndefined(text)
    if (parsed !== undefined) return JSON.stringify(this.json(parsed))
    let out = this.text(text)
    for (const k of this.keys) {
      out = out.replace(new RegExp(`("${escapeRegExp(k)}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`)
    }
    return out
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
