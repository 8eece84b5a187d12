import type { RunConfig } from '../config/types.js'
import { UsageError } from '../errors.js'
import { Credentials, type AuthConfig } from '../http/auth.js'
import { HttpClient, type ClientOptions } from '../http/client.js'
import { Redactor } from '../http/redact.js'

export interface Target {
  url: string
  token?: string
  builtin: boolean
  rotate?: () => string
  /** The built-in server's OAuth token endpoint and demo client, for --auth oauth-client-credentials with --builtin. */
  oauth?: { tokenUrl: string; clientId: string; clientSecret: string }
  close(): Promise<void>
}

/** The user's endpoint, or the built-in reference server started in-process on an ephemeral port. */
export async function startTarget(config: RunConfig): Promise<Target> {
  if (config.builtin) {
    const { startServer } = await import('../server/index.js')
    const { DEMO_CLIENT } = await import('../server/oauth.js')
    const server = await startServer({ port: 0, faults: config.builtinFaults, variants: config.builtinVariants, quiet: true }).catch((err: Error) => {
      throw new UsageError(err.message)
    })
    return { url: server.url, token: server.token, builtin: true, rotate: () => server.rotateToken(), oauth: { tokenUrl: server.tokenUrl, clientId: DEMO_CLIENT.id, clientSecret: DEMO_CLIENT.secret }, close: () => server.close() }
  }
  if (!config.url) throw new UsageError('no target: pass --url <base> (or set SCIM_URL), or --builtin to test the built-in reference server')
  let url: URL
  try {
    url = new URL(config.url)
  } catch {
    throw new UsageError(`--url "${config.url}" is not a URL; expected e.g. https://app.example.com/scim/v2`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https (got ${url.protocol})`)
  return { url: url.toString().replace(/\/+$/, ''), token: config.token, builtin: false, close: async () => {} }
}

/** The run's credentials: what the user gave, with the built-in server's token endpoint and demo client filling gaps. */
export function authFor(auth: AuthConfig | undefined, target: Target): AuthConfig | undefined {
  if (auth?.kind !== 'oauth-client-credentials') return auth
  const filled = { ...auth }
  if (target.oauth) {
    filled.tokenUrl ||= target.oauth.tokenUrl
    filled.clientId ||= target.oauth.clientId
    if (!filled.clientSecret && !filled.privateKeyFile) filled.clientSecret = target.oauth.clientSecret
  }
  if (!filled.tokenUrl) throw new UsageError('--auth oauth-client-credentials needs --token-url (or SCIM_TOKEN_URL)')
  if (!filled.clientId) throw new UsageError('--auth oauth-client-credentials needs --client-id (or SCIM_CLIENT_ID)')
  return filled
}

export interface Connection {
  target: Target
  redactor: Redactor
  client: HttpClient
}

/**
 * The target started, and the one client every request of a run (or a load) goes through: the token, the extra
 * headers' values and every OAuth secret are known to the redactor before the first request.
 */
export async function connect(config: RunConfig, extra: Pick<ClientOptions, 'signal' | 'retention' | 'retry'> = {}): Promise<Connection> {
  const target = await startTarget(config)
  const redactor = new Redactor(config.redact)
  redactor.addSecret(target.token)
  // Extra headers usually carry an API gateway's key: their values are treated as secrets.
  for (const v of Object.values(config.headers ?? {})) redactor.addSecret(v)
  let credentials: Credentials | undefined
  try {
    const auth = authFor(config.auth, target)
    credentials = auth ? new Credentials(auth, { timeoutMs: config.timeoutMs, redactor, insecure: config.insecure }) : undefined
  } catch (err) {
    await target.close()
    throw err
  }
  const client = new HttpClient({
    credentials,
    headers: config.headers,
    baseUrl: target.url,
    token: target.token,
    timeoutMs: config.timeoutMs,
    insecure: config.insecure,
    caFile: config.caFile,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    redactor,
    ...extra,
  })
  return { target, redactor, client }
}
