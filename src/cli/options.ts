import { DEFAULTS, type RunConfig, type ReporterSpec } from '../config/types.js'
import { UsageError } from '../errors.js'

/**
 * Every `run` option declared once: its flag, environment variable, config-file key and help. The commander
 * program and the flags > env > file merge are both built from this table.
 */
/** Inputs that are not RunConfig fields themselves: resolve.ts turns them into `auth` and `headers`. */
export type AuthInput = 'authKind' | 'username' | 'password' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'privateKeyFile' | 'scope' | 'audience' | 'headerSpecs'

export interface OptionSpec {
  flags: string
  help: string
  key: keyof RunConfig | AuthInput
  env?: string
  /** Key in scim-check.yaml when it differs from `key`. */
  fileKey?: string
  repeatable?: boolean
  parse?: (v: string, flag: string) => unknown
}

const int = (v: string, flag: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${v}")`)
  return n
}
/** Flags, env values and config booleans all arrive here as strings. */
const bool = (v: string) => /^(1|true|yes|on)$/i.test(v)

export const RUN_OPTIONS: OptionSpec[] = [
  { flags: '--url <base>', help: 'SCIM base URL, e.g. https://app.example.com/scim/v2', key: 'url', env: 'SCIM_URL' },
  { flags: '--token <token>', help: 'bearer token (prefer the SCIM_TOKEN environment variable: flags show in process lists)', key: 'token', env: 'SCIM_TOKEN' },
  { flags: '--auth <kind>', help: 'bearer (default), basic, or oauth-client-credentials', key: 'authKind', env: 'SCIM_AUTH' },
  { flags: '--username <name>', help: 'with --auth basic: the user name', key: 'username', env: 'SCIM_USERNAME' },
  { flags: '--password <password>', help: 'with --auth basic: the password (prefer SCIM_PASSWORD)', key: 'password', env: 'SCIM_PASSWORD' },
  { flags: '--token-url <url>', help: 'with --auth oauth-client-credentials: the token endpoint', key: 'tokenUrl', env: 'SCIM_TOKEN_URL' },
  { flags: '--client-id <id>', help: 'with --auth oauth-client-credentials: the client id', key: 'clientId', env: 'SCIM_CLIENT_ID' },
  { flags: '--client-secret <secret>', help: 'the OAuth client secret (prefer SCIM_CLIENT_SECRET)', key: 'clientSecret', env: 'SCIM_CLIENT_SECRET' },
  { flags: '--private-key <file>', help: 'PEM private key: authenticate the OAuth client with a signed JWT (RFC 7523) instead of a secret', key: 'privateKeyFile', env: 'SCIM_PRIVATE_KEY' },
  { flags: '--scope <scope>', help: 'OAuth scope to ask for', key: 'scope', env: 'SCIM_SCOPE' },
  { flags: '--audience <aud>', help: 'OAuth audience to ask for (some providers need it)', key: 'audience', env: 'SCIM_AUDIENCE' },
  { flags: '--header <header>', help: "extra header on every request, e.g. 'X-Api-Key: ${ACME_KEY}' (${VAR} is read from the environment; repeatable)", key: 'headerSpecs', repeatable: true },
  { flags: '--builtin', help: 'start the built-in reference server in-process and test it', key: 'builtin' },
  { flags: '--idp <profiles>', help: 'IdP profile(s): one name, a comma list, or all (default generic); okta:all plays every setting of a profile, okta:app=aiw one, all:all every setting of every profile', key: 'idps', fileKey: 'idp', env: 'SCIM_CHECK_IDP', repeatable: true },
  { flags: '--idp-option <idp.option=value>', help: 'profile option, e.g. entra.aadOptscim062020=true (repeatable)', key: 'idpOptions', repeatable: true },
  { flags: '--scenario <name|file>', help: 'built-in scenario name or scenario file (repeatable; default all built-in)', key: 'scenarios', fileKey: 'scenarios', repeatable: true },
  { flags: '--group-size <n>', help: `members in the group the group-scale scenario pushes (default ${DEFAULTS.groupSize}); it creates that many users, and two more`, key: 'groupSize', parse: int },
  { flags: '--reporter <name[=file]>', help: 'pretty, json, junit, markdown, html (repeatable; default pretty)', key: 'reporters', repeatable: true },
  { flags: '--fail-on <level>', help: 'must | should | never: which findings make the exit code 1 (default must)', key: 'failOn', env: 'SCIM_CHECK_FAIL_ON' },
  { flags: '--timeout <ms>', help: `per-request timeout in ms (default ${DEFAULTS.timeoutMs}, or the IdP profile's own deadline for its requests, e.g. Okta's 60000)`, key: 'timeoutMs', fileKey: 'timeout', parse: int },
  { flags: '--rotate-command <cmd>', help: 'shell command that rotates the token and prints the new one (gets SCIM_TOKEN, SCIM_URL in its env)', key: 'rotateCommand' },
  { flags: '--insecure', help: 'do not verify the TLS certificate', key: 'insecure' },
  { flags: '--ca <file>', help: 'PEM file with the CA that signed the server certificate', key: 'caFile', fileKey: 'ca' },
  { flags: '--read-only', help: 'send no writes: discovery, lookups and listing only (for production tenants)', key: 'readOnly' },
  { flags: '--no-diagnose', help: 'never resend a rejected IdP request with one quirk normalised to name its cause (diagnostics are marked scim-check/<v> (diagnostic); never sent under --read-only)', key: 'diagnose' },
  { flags: '--transcript <file>', help: 'write every exchange as a HAR 1.2 file (redacted)', key: 'transcript' },
  { flags: '--fault <name>', help: 'with --builtin: inject a named defect into the reference server (repeatable)', key: 'builtinFaults', repeatable: true },
  { flags: '--variant <name>', help: 'with --builtin: a correct-but-different reference server behaviour (repeatable)', key: 'builtinVariants', repeatable: true },
  { flags: '--checks <patterns>', help: 'only these checks: ids, areas, globs or RFC sections, e.g. patch.*,7644§3.5.2 (repeatable)', key: 'checks', repeatable: true },
  { flags: '--skip-checks <patterns>', help: 'leave out these checks (same patterns; repeatable)', key: 'skipChecks', repeatable: true },
  { flags: '--baseline <file>', help: 'accepted findings (check, reason, optional idp, scenario, expires): reported, not failed', key: 'baseline', env: 'SCIM_CHECK_BASELINE' },
  { flags: '--strict-baseline', help: 'fail the run when a baseline entry no longer matches a finding (stale)', key: 'strictBaseline' },
  { flags: '--compare <report.json>', help: 'an earlier JSON report: say what was fixed and what is new since then', key: 'compare' },
  { flags: '--max-body-bytes <n>', help: `largest response body read, counted after gzip/deflate decompression (default ${DEFAULTS.maxBodyBytes})`, key: 'maxBodyBytes', parse: int },
  { flags: '--max-json-depth <n>', help: `deepest JSON nesting parsed (default ${DEFAULTS.maxJsonDepth})`, key: 'maxJsonDepth', parse: int },
  { flags: '--suite <name>', help: 'a review program, offline: okta-oin or entra-gallery (runs the scenarios its steps name and maps each verdict to its step)', key: 'suite', env: 'SCIM_CHECK_SUITE' },
  { flags: '--allow-load', help: "with --suite entra-gallery: the target may take the 60-second paced load of the 25 requests/s step (hundreds of writes); the built-in server always may", key: 'allowLoad' },
  { flags: '--max-pages <n>', help: `most pages one list walk follows (default ${DEFAULTS.maxPages})`, key: 'maxPages', parse: int },
]

export function parseReporter(spec: string | ReporterSpec): ReporterSpec {
  if (typeof spec !== 'string') return spec
  const i = spec.indexOf('=')
  return i < 0 ? { name: spec } : { name: spec.slice(0, i), file: spec.slice(i + 1) }
}

/** `entra.aadOptscim062020=true` → { entra: { aadOptscim062020: true } } */
export function parseIdpOptions(specs: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const s of specs) {
    const m = /^([a-z]+)\.([A-Za-z0-9_]+)(?:=(.*))?$/.exec(s)
    if (!m) throw new UsageError(`--idp-option "${s}" should look like entra.aadOptscim062020=true`)
    const raw = m[3] ?? 'true'
    const value = /^(true|false)$/i.test(raw) ? /^true$/i.test(raw) : raw
    ;(out[m[1]] ??= {})[m[2]] = value
  }
  return out
}

export { bool }
