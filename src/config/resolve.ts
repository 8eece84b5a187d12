import { DEFAULTS, type RunConfig } from './types.js'
import { RUN_OPTIONS, bool, parseIdpOptions, parseReporter } from '../cli/options.js'
import { UsageError } from '../errors.js'

/**
 * flags > env > file > defaults, in one place. `flags` are commander's parsed values (keyed by RunConfig key),
 * `file` is what scim-check.yaml said (already validated), `env` is usually process.env.
 */
export function resolveRunConfig(flags: Partial<Record<keyof RunConfig, unknown>>, env: NodeJS.ProcessEnv, file: Partial<RunConfig> = {}): RunConfig {
  const pick = (key: keyof RunConfig): unknown => {
    const spec = RUN_OPTIONS.find((o) => o.key === key)
    const flag = flags[key]
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) return flag
    if (spec?.env && env[spec.env] !== undefined && env[spec.env] !== '') {
      const raw = env[spec.env]!
      return spec.parse ? spec.parse(raw, spec.env) : spec.repeatable ? raw.split(',') : raw
    }
    return file[key]
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
  const config: RunConfig = {
    url: pick('url') as string | undefined,
    token: pick('token') as string | undefined,
    builtin,
    builtinFaults: (pick('builtinFaults') as string[] | undefined) ?? [],
    builtinVariants: (pick('builtinVariants') as string[] | undefined) ?? [],
    idps,
    idpOptions,
    scenarios: ((pick('scenarios') as string[] | undefined) ?? []).map(String),
    reporters,
    failOn: failOn as RunConfig['failOn'],
    timeoutMs: Number(pick('timeoutMs') ?? DEFAULTS.timeoutMs),
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
