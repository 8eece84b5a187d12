import { DEFAULTS, type RunConfig } from './types.js'
import { RUN_OPTIONS, bool, parseIdpOptions, parseReporter } from '../cli/options.js'
import { UsageError } from '../errors.js'
import { AUTH_KINDS, parseHeader, type AuthConfig } from '../http/auth.js'
import type { AuthInput } from '../cli/options.js'

/**
 * flags > env > file > defaults, in one place. `flags` are commander's parsed values (keyed by RunConfig key),
 * `file` is what scim-check.yaml said (already validated), `env` is usually process.env.
 */
export function resolveRunConfig(flags: Partial<Record<keyof RunConfig | AuthInput, unknown>>, env: NodeJS.ProcessEnv, file: Partial<RunConfig> & FileAuth = {}): RunConfig {
  const pick = (key: keyof RunConfig | AuthInput): unknown => {
    const spec = RUN_OPTIONS.find((o) => o.key === key)
    const flag = flags[key]
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) return flag
    if (spec?.env && env[spec.env] !== undefined && env[spec.env] !== '') {
      const raw = env[spec.env]!
      return spec.parse ? spec.parse(raw, spec.env) : spec.repeatable ? raw.split(',') : raw
    }
    return (file as Record<string, unknown>)[key]
  }
  const failOn = String(pick('failOn') ?? DEFAULTS.failOn)
  if (!['must', 'should', 'never'].includes(failOn)) throw new UsageError(`--fail-on must be must, should or never (got "${failOn}")`)
  const idpFlag = pick('idps')
  const idps = idpFlag === undefined ? [...DEFAULTS.idps] : (Array.isArray(idpFlag) ? idpFlag : [idpFlag]).map(String)
  const flagOptions = Array.isArray(flags.idpOptions) ? parseIdpOptions(flags.idpOptions as string[]) : {}
  const fileOptions = file.idpOptions ?? {}
  const idpOptions: RunConfig['idpOptions'] = { ...fileOptions }
  for (const [idp, o] of Object.entries(flagOptions)) idpOptions[idp] = { ...(idpOptions[idp] ?? {}), ...o }
  const reporters = ((pick('reporters') as unknown[] | undefined) ?? []).map((r) => parseReporter(r as string))
  const builtin = bool(String(pick('builtin') ?? 'false'))
  const headers: Record<string, string> = { ...(file.headers ?? {}) }
  for (const spec of (pick('headerSpecs') as string[] | undefined) ?? []) {
    const [name, value] = parseHeader(String(spec), env)
    headers[name] = value
  }
  const config: RunConfig = {
    url: pick('url') as string | undefined,
    token: pick('token') as string | undefined,
    auth: authOf(pick),
    headers: Object.keys(headers).length ? headers : undefined,
    builtin,
    builtinFaults: (pick('builtinFaults') as string[] | undefined) ?? [],
    builtinVariants: (pick('builtinVariants') as string[] | undefined) ?? [],
    idps,
    idpOptions,
    scenarios: ((pick('scenarios') as string[] | undefined) ?? []).map(String),
    reporters,
    failOn: failOn as RunConfig['failOn'],
    timeoutMs: Number(pick('timeoutMs') ?? DEFAULTS.timeoutMs),
    timeoutFromUser: pick('timeoutMs') !== undefined,
    rotateCommand: pick('rotateCommand') as string | undefined,
    insecure: bool(String(pick('insecure') ?? 'false')),
    caFile: pick('caFile') as string | undefined,
    mapping: file.mapping ?? {},
    customExtension: file.customExtension,
    redact: file.redact ?? [],
    readOnly: bool(String(pick('readOnly') ?? 'false')),
    diagnose: bool(String(pick('diagnose') ?? 'true')),
    maxBodyBytes: Number(pick('maxBodyBytes') ?? DEFAULTS.maxBodyBytes),
    maxJsonDepth: Number(pick('maxJsonDepth') ?? DEFAULTS.maxJsonDepth),
    maxPages: Number(pick('maxPages') ?? DEFAULTS.maxPages),
    transcript: pick('transcript') as string | undefined,
    progress: !!flags.progress,
    checks: listOf(pick('checks')),
    skipChecks: listOf(pick('skipChecks')),
    baseline: pick('baseline') as string | undefined,
    strictBaseline: bool(String(pick('strictBaseline') ?? 'false')),
    compare: pick('compare') as string | undefined,
    suite: pick('suite') as string | undefined,
    allowLoad: bool(String(pick('allowLoad') ?? 'false')),
    groupSize: Number(pick('groupSize') ?? DEFAULTS.groupSize),
  }
  const given = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined)
  if (config.suite !== undefined && (given(flags.scenarios) || given(flags.idps))) {
    throw new UsageError('--suite chooses its own scenarios and profiles: leave out --scenario and --idp')
  }
  if ((config.builtinFaults?.length || config.builtinVariants?.length) && !config.builtin) {
    throw new UsageError('--fault and --variant only apply to the built-in server: add --builtin, or start it with `scim-check serve --fault <name>`')
  }
  if (config.builtin && flags.url !== undefined) throw new UsageError('--builtin and --url both given: choose the built-in server or your own endpoint, not both')
  // --builtin is a flag, so it outranks a URL from SCIM_URL or the config file.
  if (config.builtin) config.url = undefined
  if (!config.builtin && !config.url) {
    throw new UsageError('no target given: pass --url https://app.example.com/scim/v2 (or set SCIM_URL) with --token/SCIM_TOKEN, or --builtin to try the built-in reference server')
  }
  return config
}

/** What scim-check.yaml's `auth:` and `headers:` gave (secrets only ever through environment variables). */
export interface FileAuth {
  authKind?: string
  username?: string
  password?: string
  tokenUrl?: string
  clientId?: string
  clientSecret?: string
  privateKeyFile?: string
  scope?: string
  audience?: string
}

function authOf(pick: (key: AuthInput) => unknown): AuthConfig | undefined {
  const kind = String(pick('authKind') ?? 'bearer')
  if (!(AUTH_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--auth must be one of ${AUTH_KINDS.join(', ')} (got "${kind}")`)
  const str = (k: AuthInput) => (pick(k) === undefined ? undefined : String(pick(k)))
  if (kind === 'basic') {
    const username = str('username')
    const password = str('password')
    if (!username || password === undefined) throw new UsageError('--auth basic needs --username and a password (SCIM_PASSWORD, or --password)')
    return { kind, username, password }
  }
  if (kind === 'oauth-client-credentials') {
    const tokenUrl = str('tokenUrl')
    const clientId = str('clientId')
    if (tokenUrl !== undefined && !/^https?:\/\/\S+$/.test(tokenUrl)) throw new UsageError(`--token-url "${tokenUrl}" is not an http(s) URL`)
    // With --builtin the built-in server's own token endpoint and demo client fill what is not given (target.ts).
    return { kind, tokenUrl: tokenUrl ?? '', clientId: clientId ?? '', clientSecret: str('clientSecret'), privateKeyFile: str('privateKeyFile'), scope: str('scope'), audience: str('audience') }
  }
  return undefined
}

/** Repeatable, comma-separated pattern lists (`--checks patch.*,idp.entra.*`). */
function listOf(v: unknown): string[] | undefined {
  if (v === undefined) return undefined
  const out = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean)
  return out.length ? out : undefined
}
