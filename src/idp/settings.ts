import { UsageError } from '../errors.js'
import { PROFILE_NAMES, getProfile } from './registry.js'
import type { IdpProfile, ProfileOption } from './types.js'

/**
 * Settings: one profile played once per combination of its options, so a report can say "works with Okta OIN apps,
 * breaks with AIW apps". `--idp` takes, besides `okta`, `okta,entra` and `all`:
 *
 *   okta:all                    every setting of okta (each documented combination of its enumerated options)
 *   okta:app=aiw                one setting (the options it does not name keep their default)
 *   okta:app=aiw,groupPush=false  a comma after a setting continues it while the piece is `option=value`
 *   okta:app=all                every value of app, the other options fixed
 *   all:all                     every setting of every profile
 *
 * An option is enumerated when it lists `values`, or when its default is a boolean; free strings (Ping's filter
 * expression) keep their default or the `--idp-option` given. An option pinned with `--idp-option` is not varied:
 * `--idp okta:all --idp-option okta.app=aiw` runs the groupPush settings of AIW apps only.
 */

/** One profile run of a `run`: which profile, the option values that make its setting, and the setting's label. */
export interface ProfileRun {
  idp: string
  /** The enumerated options' values for this run (parsed as --idp-option parses them: "true" is true). */
  options: Record<string, unknown>
  /**
   * "app=aiw, groupPush=false": every enumerated option of the profile, in the profile's order. Absent for a profile
   * named plainly (`okta`), so results, baselines and --compare of runs without settings keep their keys.
   */
  setting?: string
}

interface Spec {
  idp: string
  /** undefined: named plainly; 'all': every setting; else the options the spec names (values as typed, or 'all'). */
  choice?: 'all' | Record<string, string>
  text: string
}

/** `okta`, `okta:all`, `okta:app=aiw,groupPush=false`, `all`, `all:all`, in one list or several. */
export function parseIdpSpecs(spec: readonly string[]): Spec[] {
  const out: Spec[] = []
  for (const piece of spec.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const colon = piece.indexOf(':')
    const last = out[out.length - 1]
    // `groupPush=false` after `okta:app=aiw` belongs to that setting: profile names never hold "=".
    if (colon < 0 && piece.includes('=')) {
      if (!last || typeof last.choice !== 'object') throw new UsageError(`--idp "${piece}": an option needs its profile first: <profile>:${piece}`)
      addPair(last, piece)
      last.text += `,${piece}`
      continue
    }
    const idp = colon < 0 ? piece : piece.slice(0, colon)
    const rest = colon < 0 ? undefined : piece.slice(colon + 1)
    if (idp !== 'all') getProfile(idp)
    const s: Spec = { idp, text: piece }
    if (rest === 'all') s.choice = 'all'
    else if (rest === '') throw new UsageError(`--idp "${piece}": nothing after the colon; write ${idp}:all for every setting, or ${idp}:<option>=<value>`)
    else if (rest !== undefined) {
      if (idp === 'all') throw new UsageError(`--idp "${piece}": options belong to one profile; all takes only :all (every setting of every profile)`)
      s.choice = {}
      addPair(s, rest)
    }
    out.push(s)
  }
  return out
}

function addPair(s: Spec, pair: string): void {
  const m = /^([A-Za-z0-9_]+)=(.+)$/.exec(pair)
  if (!m) {
    const profile = getProfile(s.idp)
    const names = profile.options.map((o) => o.name)
    const why = names.includes(pair)
      ? `give ${pair} a value, e.g. ${s.idp}:${pair}=${String(profile.options.find((o) => o.name === pair)!.default)} (or =all for each)`
      : `${s.idp} has no option "${pair}"; write ${s.idp}:all for every setting${names.length ? `, or ${s.idp}:<option>=<value> with option one of ${names.join(', ')}` : ''}`
    throw new UsageError(`--idp ${s.idp}:${pair}: ${why}`)
  }
  ;(s.choice as Record<string, string>)[m[1]] = m[2]
}

/** The options `:all` varies: listed values, or true/false for a boolean default. */
export function enumerated(profile: IdpProfile): { option: ProfileOption; values: string[] }[] {
  return profile.options.flatMap((o) => {
    const values = o.values ?? (typeof o.default === 'boolean' ? ['true', 'false'] : undefined)
    return values ? [{ option: o, values: [String(o.default), ...values.filter((v) => v !== String(o.default))] }] : []
  })
}

/** What the profiles read: "true" and "false" as booleans, as --idp-option gives them. */
const parsed = (v: string): unknown => (/^(true|false)$/i.test(v) ? /^true$/i.test(v) : v)

/** "app=aiw, groupPush=false": every enumerated option in the profile's order. */
export function settingLabel(profile: IdpProfile, options: Record<string, unknown>): string {
  return enumerated(profile)
    .map(({ option }) => `${option.name}=${String(options[option.name] ?? option.default)}`)
    .join(', ')
}

/**
 * The settings one spec stands for, before labels. Defaults first (the default setting is the first row), then in
 * the order the profile lists its options and their values; `profile.settings`, when given, limits `:all` to those.
 */
function settingsOf(profile: IdpProfile, spec: Spec, pinned: Record<string, unknown>): Record<string, unknown>[] {
  const opts = enumerated(profile)
  const defaults: Record<string, string> = {}
  for (const { option } of opts) defaults[option.name] = String(pinned[option.name] ?? option.default)
  const base = { ...defaults }
  const vary = new Map<string, string[]>()
  if (spec.choice === 'all') {
    for (const { option, values } of opts) if (!(option.name in pinned)) vary.set(option.name, values)
  } else if (spec.choice) {
    for (const [name, value] of Object.entries(spec.choice)) {
      const o = profile.options.find((x) => x.name === name)
      if (!o) throw new UsageError(`--idp ${spec.text}: ${profile.name} has no option "${name}"; valid: ${profile.options.map((x) => x.name).join(', ') || '(none)'}`)
      const e = opts.find((x) => x.option.name === name)
      if (!e) throw new UsageError(`--idp ${spec.text}: ${profile.name}.${name} takes any text, so it is not a setting; give it with --idp-option ${profile.name}.${name}=<value>`)
      if (name in pinned && String(pinned[name]) !== value) throw new UsageError(`--idp ${spec.text}: ${profile.name}.${name} is also given as ${String(pinned[name])} by --idp-option or the config file; give it once`)
      if (value === 'all') vary.set(name, e.values)
      else if (!e.values.includes(value)) throw new UsageError(`--idp ${spec.text}: ${profile.name}.${name} must be one of ${e.values.join(', ')}, or all (got "${value}")`)
      else base[name] = value
    }
  }
  let combos: Record<string, string>[] = [base]
  for (const [name, values] of vary) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })))
  if (vary.size && profile.settings) {
    // What is varied is limited to the documented combinations (a listed setting names some options; the rest keep
    // their default or pin). A setting named outright is run as asked.
    const documented = profile.settings.map((s) => Object.fromEntries(opts.map(({ option }) => [option.name, String(s[option.name] ?? defaults[option.name])])))
    combos = combos.filter((c) => documented.some((d) => opts.every(({ option }) => d[option.name] === c[option.name])))
    if (!combos.length) throw new UsageError(`--idp ${spec.text}: none of ${profile.name}'s documented settings has ${Object.entries(base).filter(([k]) => !vary.has(k)).map(([k, v]) => `${k}=${v}`).join(', ')}; scim-check list idps shows them`)
  }
  return combos.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, parsed(v)])))
}

/**
 * Every profile run a `--idp` list asks for, in the order given, without repeats. `pinned` is `--idp-option`
 * and the config file's `idpOptions`. Profiles named plainly carry no setting; a profile named with settings
 * anywhere in the list has every one of its runs labelled (`okta,okta:all` is okta:all).
 */
/**
 * Options given in an older spelling, rewritten to the option they stand for (see ProfileOption.alias). Naming both
 * with different values is bad input, said before the first request.
 */
export function resolveAliases(given: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const [idp, options] of Object.entries(given)) {
    const profile = PROFILE_NAMES.includes(idp) ? getProfile(idp) : undefined
    const next = { ...options }
    for (const o of profile?.options ?? []) {
      if (!o.alias || !(o.name in next)) continue
      const on = /^true$/i.test(String(next[o.name]))
      delete next[o.name]
      if (!on) continue
      const other = next[o.alias.option]
      if (other !== undefined && String(other) !== o.alias.value) throw new UsageError(`${idp}.${o.name}=true means ${idp}.${o.alias.option}=${o.alias.value}, but ${idp}.${o.alias.option} is also given as ${String(other)}; choose one`)
      next[o.alias.option] = o.alias.value
    }
    out[idp] = next
  }
  return out
}

export function expandRuns(spec: readonly string[], pinned: Record<string, Record<string, unknown>> = {}): ProfileRun[] {
  const specs = parseIdpSpecs(spec).flatMap((s) => (s.idp === 'all' ? PROFILE_NAMES.map((idp) => ({ ...s, idp, text: s.choice ? `${idp}:all` : idp })) : [s]))
  const withSettings = new Set(specs.filter((s) => s.choice).map((s) => s.idp))
  const out: ProfileRun[] = []
  const seen = new Set<string>()
  for (const s of specs) {
    const profile = getProfile(s.idp)
    // A profile with nothing to vary (generic) runs once, unlabelled, but what its spec names is still checked.
    const labelled = withSettings.has(s.idp) && enumerated(profile).length > 0
    const settings = withSettings.has(s.idp) ? settingsOf(profile, s, pinned[s.idp] ?? {}) : [{}]
    for (const options of settings) {
      const setting = labelled ? settingLabel(profile, options) : undefined
      const key = `${s.idp}\u0000${setting ?? ''}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(setting === undefined ? { idp: s.idp, options } : { idp: s.idp, options, setting })
    }
  }
  if (out.length === 0) throw new UsageError(`--idp names no profile; valid: ${PROFILE_NAMES.join(', ')}, all`)
  return out
}
