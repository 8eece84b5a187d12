import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { PROFILES, PROFILE_NAMES } from '../idp/registry.js'
import { expandRuns, resolveAliases } from '../idp/settings.js'
import { UsageError } from '../errors.js'
import { REPORTER_NAMES } from '../report/index.js'
import { checkSchema, closest, compileSchema, LocatedError, YamlSource } from '../yaml/index.js'
import type { JsonPath, Located, SchemaValidator } from '../yaml/index.js'
import schema from './config.schema.json' with { type: 'json' }
import type { ReporterSpec, RunConfig } from './types.js'
import type { FileAuth } from './resolve.js'

/** scim-check.yaml is unusable; `message` is one line: `scim-check.yaml:4:3: reporters[0]: unknown reporter "jsn" ...`. */
export class ConfigError extends LocatedError {
  override name = 'ConfigError'
  constructor(where: Located) {
    super(where)
  }
}

export const CONFIG_FILE_NAMES = ['scim-check.yaml', 'scim-check.yml'] as const

export type ConfigFile = Partial<RunConfig> & FileAuth & {
  /** Absolute path of the file read. */
  file: string
  /** Things worth telling the user that do not stop the run (a token written in the file). */
  warnings: string[]
}

export interface ConfigFileOptions {
  /** Where `tokenEnv` is looked up; process.env by default. */
  env?: NodeJS.ProcessEnv
  /** Profile names `idp`, `idpOptions` and `mapping` may use; the profile registry by default. */
  knownIdps?: readonly string[]
  /** Reporter names; the reporter registry by default. */
  knownReporters?: readonly string[]
}

export const configSchema = schema
// Compiled on first use, so commands that never read a file do not pay for it.
let validator: SchemaValidator | undefined
const schemaValidator = () => (validator ??= compileSchema(schema, 'key'))

/** The config file in `cwd`, if there is one. */
export function findConfigFile(cwd: string): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).find((file) => existsSync(file))
}

export function loadConfigFile(file: string, options: ConfigFileOptions = {}): ConfigFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new ConfigError({ file, line: 0, column: 0, field: '', problem: `cannot read the config file: ${reason}`, excerpt: '' })
  }
  return loadConfigText(text, file, options)
}

interface RawConfig {
  auth?: { type: string; username?: string; passwordEnv?: string; tokenUrl?: string; clientId?: string; clientSecretEnv?: string; privateKey?: string; scope?: string; audience?: string }
  headers?: Record<string, string>
  url?: string
  token?: string
  tokenEnv?: string
  idp?: string | string[]
  idpOptions?: Record<string, Record<string, unknown>>
  scenarios?: string | string[]
  reporters?: (string | ReporterSpec)[]
  failOn?: RunConfig['failOn']
  timeout?: number
  rotateCommand?: string
  insecure?: boolean
  ca?: string
  mapping?: Record<string, Record<string, string>>
  customExtension?: RunConfig['customExtension']
  redact?: string[]
  readOnly?: boolean
  maxBodyBytes?: number
  maxJsonDepth?: number
  maxPages?: number
  groupSize?: number
  transcript?: string
  checks?: string | string[]
  skipChecks?: string | string[]
  baseline?: string
  strictBaseline?: boolean
  suite?: string
  allowLoad?: boolean
}

/** Parses and validates the text of a config file; relative paths in it resolve against the file's directory. */
export function loadConfigText(text: string, file: string, options: ConfigFileOptions = {}): ConfigFile {
  const source = YamlSource.parse(text, file, ConfigError)
  // An empty file (or one with only comments) is a valid file that sets nothing.
  const raw = (source.value ?? {}) as RawConfig
  if (source.value !== null && source.value !== undefined) checkSchema(source, schemaValidator())

  const env = options.env ?? process.env
  const knownIdps = options.knownIdps ?? PROFILE_NAMES
  const knownReporters = options.knownReporters ?? REPORTER_NAMES
  const dir = path.dirname(path.resolve(file))
  const here = (p: string) => path.resolve(dir, p)
  const out: ConfigFile = { file: path.resolve(file), warnings: [] }

  if (raw.url !== undefined) out.url = raw.url
  if (raw.token !== undefined && raw.tokenEnv !== undefined) {
    throw source.error(['tokenEnv'], 'both `token` and `tokenEnv` are set; keep `tokenEnv` and remove `token`', { where: 'key' })
  }
  if (raw.token !== undefined) {
    out.token = raw.token
    out.warnings.push(`${path.basename(file)} holds a bearer token; prefer \`tokenEnv: NAME\` or the SCIM_TOKEN environment variable, so the token is not committed`)
  }
  if (raw.tokenEnv !== undefined) {
    const token = env[raw.tokenEnv]
    if (!token) throw source.error(['tokenEnv'], `environment variable ${raw.tokenEnv} is not set (or is empty); set it, or remove \`tokenEnv\``)
    out.token = token
  }

  if (raw.auth !== undefined) {
    const a = raw.auth
    const secret = (key: 'passwordEnv' | 'clientSecretEnv', name: string | undefined) => {
      if (name === undefined) return undefined
      const value = env[name]
      if (!value) throw source.error(['auth', key], `environment variable ${name} is not set (or is empty); set it, or remove \`${key}\``)
      return value
    }
    Object.assign(out, { authKind: a.type, username: a.username, password: secret('passwordEnv', a.passwordEnv), tokenUrl: a.tokenUrl, clientId: a.clientId, clientSecret: secret('clientSecretEnv', a.clientSecretEnv), privateKeyFile: a.privateKey === undefined ? undefined : here(a.privateKey), scope: a.scope, audience: a.audience })
    for (const k of Object.keys(out) as (keyof typeof out)[]) if (out[k] === undefined) delete out[k]
  }
  if (raw.headers !== undefined) {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(raw.headers)) {
      headers[name.toLowerCase()] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, v: string) => {
        if (env[v] === undefined) throw source.error(['headers', name], `environment variable ${v} is not set`)
        return env[v]!
      })
    }
    out.headers = headers
  }
  if (raw.idp !== undefined) {
    const list = typeof raw.idp === 'string' ? raw.idp.split(',').map((s) => s.trim()) : raw.idp
    list.forEach((name, i) => {
      // `okta:all` and `okta:app=aiw,groupPush=false` name a profile before the colon; `groupPush=false` continues it.
      const profile = name.split(':')[0]
      if (profile !== 'all' && !(name.includes('=') && !name.includes(':'))) checkIdp(source, typeof raw.idp === 'string' ? ['idp'] : ['idp', i], profile, knownIdps)
    })
    try {
      // Settings are checked here too, so a bad one points into the file (the file's own idpOptions are the pins).
      expandRuns(list, resolveAliases((raw.idpOptions ?? {}) as Record<string, Record<string, unknown>>))
    } catch (err) {
      if (!(err instanceof UsageError)) throw err
      throw source.error(['idp'], err.message.replace(/^--idp /, ''))
    }
    out.idps = list
  }
  if (raw.idpOptions !== undefined) {
    for (const [idp, values] of Object.entries(raw.idpOptions)) {
      checkIdp(source, ['idpOptions', idp], idp, knownIdps, 'key')
      const names = PROFILES[idp]?.options.map((o) => o.name)
      if (!names) continue
      for (const option of Object.keys(values)) {
        if (names.includes(option)) continue
        const suggestion = closest(option, names)
        const hint = suggestion ? ` (did you mean \`${suggestion}\`?)` : names.length ? ` (${idp} has: ${names.join(', ')})` : ` (${idp} has no options)`
        throw source.error(['idpOptions', idp, option], `unknown option \`${option}\` for ${idp}${hint}`, { where: 'key' })
      }
    }
    out.idpOptions = raw.idpOptions
  }
  if (raw.mapping !== undefined) {
    for (const idp of Object.keys(raw.mapping)) if (idp !== '*') checkIdp(source, ['mapping', idp], idp, knownIdps, 'key')
    out.mapping = raw.mapping
  }

  if (raw.scenarios !== undefined) {
    const list = typeof raw.scenarios === 'string' ? [raw.scenarios] : raw.scenarios
    out.scenarios = list.map((s) => (looksLikeFile(s) ? here(s) : s))
  }
  if (raw.reporters !== undefined) out.reporters = raw.reporters.map((spec, i) => reporterOf(source, i, spec, knownReporters, here))

  if (raw.failOn !== undefined) out.failOn = raw.failOn
  if (raw.timeout !== undefined) out.timeoutMs = raw.timeout
  if (raw.rotateCommand !== undefined) out.rotateCommand = raw.rotateCommand
  if (raw.insecure !== undefined) out.insecure = raw.insecure
  if (raw.ca !== undefined) out.caFile = here(raw.ca)
  if (raw.customExtension !== undefined) out.customExtension = raw.customExtension
  if (raw.redact !== undefined) out.redact = raw.redact
  if (raw.readOnly !== undefined) out.readOnly = raw.readOnly
  if (raw.maxBodyBytes !== undefined) out.maxBodyBytes = raw.maxBodyBytes
  if (raw.maxJsonDepth !== undefined) out.maxJsonDepth = raw.maxJsonDepth
  if (raw.maxPages !== undefined) out.maxPages = raw.maxPages
  if (raw.groupSize !== undefined) out.groupSize = raw.groupSize
  if (raw.transcript !== undefined) out.transcript = here(raw.transcript)
  if (raw.checks !== undefined) out.checks = typeof raw.checks === 'string' ? [raw.checks] : raw.checks
  if (raw.skipChecks !== undefined) out.skipChecks = typeof raw.skipChecks === 'string' ? [raw.skipChecks] : raw.skipChecks
  if (raw.baseline !== undefined) out.baseline = here(raw.baseline)
  if (raw.strictBaseline !== undefined) out.strictBaseline = raw.strictBaseline
  if (raw.suite !== undefined) out.suite = raw.suite
  if (raw.allowLoad !== undefined) out.allowLoad = raw.allowLoad
  return out
}

/** The same rule the CLI uses for --scenario: a path has a slash or a YAML extension; anything else is a built-in name. */
function looksLikeFile(spec: string): boolean {
  return /\.ya?ml$/i.test(spec) || spec.includes('/') || spec.includes('\\')
}

function checkIdp(source: YamlSource, at: JsonPath, name: string, known: readonly string[], where: 'key' | 'value' = 'value'): void {
  if (known.includes(name)) return
  const suggestion = closest(name, known)
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : ` (available: ${[...known, ...(at[0] === 'idp' ? ['all'] : [])].join(', ')})`
  throw source.error(at, `unknown profile "${name}"${hint}`, { where })
}

function reporterOf(source: YamlSource, index: number, spec: string | ReporterSpec, known: readonly string[], here: (p: string) => string): ReporterSpec {
  let name: string
  let file: string | undefined
  let at: JsonPath = ['reporters', index]
  if (typeof spec === 'string') {
    const eq = spec.indexOf('=')
    name = eq < 0 ? spec : spec.slice(0, eq)
    file = eq < 0 ? undefined : spec.slice(eq + 1)
    if (file === '') throw source.error(at, `no file after \`=\` in "${spec}"; write \`${name}=report-file\`, or just \`${name}\` for stdout`)
  } else {
    name = spec.name
    file = spec.file
    at = [...at, 'name']
  }
  if (!known.includes(name)) {
    const suggestion = closest(name, known)
    throw source.error(at, `unknown reporter "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ` (available: ${known.join(', ')})`}`)
  }
  // `name=-` means stdout, as it does for most tools that take an output file.
  return file === undefined || file === '-' ? { name } : { name, file: here(file) }
}
