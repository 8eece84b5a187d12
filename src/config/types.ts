import type { AuthConfig } from '../http/auth.js'

/** The one plain object the CLI (flags, env, scim-check.yaml) turns into, and the library runs. */
export interface ReporterSpec {
  name: string
  /** Output file; stdout when absent. */
  file?: string
}

export interface CustomExtension {
  /** Schema URN, e.g. urn:ietf:params:scim:schemas:extension:acme:2.0:User */
  urn: string
  /** Attribute name → sample value written on create and changed by PATCH. */
  attributes: Record<string, unknown>
}

export interface RunConfig {
  url?: string
  token?: string
  /** Basic or OAuth client credentials instead of the static bearer token (default bearer). */
  auth?: AuthConfig
  /** Extra headers on every request (`--header 'Name: value'`), values already read from the environment. */
  headers?: Record<string, string>
  /** Start the built-in reference server in-process and target it. */
  builtin: boolean
  /** Faults/variants for the built-in server (tests and demos). */
  builtinFaults?: string[]
  builtinVariants?: string[]
  idps: string[]
  /** Per-profile options, e.g. { entra: { aadOptscim062020: true } }. */
  idpOptions: Record<string, Record<string, unknown>>
  /** Built-in scenario names or file paths; empty = every built-in scenario. */
  scenarios: string[]
  reporters: ReporterSpec[]
  failOn: 'must' | 'should' | 'never'
  timeoutMs: number
  /**
   * Set when the user chose timeoutMs (--timeout or the config file's `timeout`): it then
   * holds for every request. Otherwise an IdP profile's own deadline (Okta's 60 s) applies to that profile's traffic.
   */
  timeoutFromUser?: boolean
  rotateCommand?: string
  insecure: boolean
  caFile?: string
  /** IdP attribute → SCIM path overrides, per profile or for all ('*'). */
  mapping: Record<string, Record<string, string>>
  customExtension?: CustomExtension
  /** Extra body field names to redact everywhere (besides password, token, secret...). */
  redact: string[]
  readOnly: boolean
  /** Send diagnostic minimal pairs to name the IdP quirk a server rejects (default true; never under readOnly). */
  diagnose?: boolean
  /** Caps on what the server may send us. */
  maxBodyBytes: number
  maxJsonDepth: number
  maxPages: number
  transcript?: string
  /** Show progress on a TTY. */
  progress: boolean
  /** Keep only results of these checks (ids, areas, globs, RFC section prefixes). */
  checks?: string[]
  /** Drop results of these checks. */
  skipChecks?: string[]
  /** Expected-failures file (accepted findings). */
  baseline?: string
  /** Fail the run when a baseline entry no longer matches any finding. */
  strictBaseline?: boolean
  /** An earlier JSON report: the report says what was fixed and what is new since then. */
  compare?: string
  /** A review program's suite (okta-oin, entra-gallery): runs what its steps name and maps each verdict to its step. */
  suite?: string
  /** The target may be put under sustained load (a suite's rate step); the built-in server always may. */
  allowLoad?: boolean
  /** How many members the group-scale scenario pushes (`{{ run.groupSize }}`); default DEFAULTS.groupSize. */
  groupSize?: number
}

export const DEFAULTS = {
  idps: ['generic'],
  failOn: 'must',
  timeoutMs: 10_000,
  maxBodyBytes: 8 * 1024 * 1024,
  maxJsonDepth: 64,
  maxPages: 1000,
  groupSize: 100,
} as const
