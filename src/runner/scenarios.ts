import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UsageError } from '../errors.js'
import { loadScenario } from '../scenario/loader.js'
import { readCompiledScenarios } from '../scenario/precompile.js'
import type { Scenario } from '../scenario/types.js'
import { allChecks, checkArgs } from '../checks/registry.js'

/** scenarios/ ships next to dist/ and src/, so the same relative path works compiled and under tsx. */
export const BUILTIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios')
/** Written by `npm run build`; absent under tsx (src/scenarios.json), where every file goes through the loader. */
export const BUILTIN_CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '../scenarios.json')

/** Review-program suites (scenarios/suites/) ship beside the scenarios but are not scenarios: src/suites/ reads them. */
export const SUITES_DIR = join(BUILTIN_DIR, 'suites')

export function builtinFiles(dir = BUILTIN_DIR, top = true): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name)
    if (e.isDirectory() && e.name === 'suites' && top) continue
    if (e.isDirectory()) out.push(...builtinFiles(p, false))
    else if (/\.ya?ml$/.test(e.name)) out.push(p)
  }
  return out
}

export { checkArgs }

export function knownCheckIds(): Set<string> {
  return new Set(allChecks().map((c) => c.id))
}

let builtinCache: Scenario[] | undefined
export function builtinScenarios(): Scenario[] {
  builtinCache ??= loadBuiltins()
  return builtinCache
}

/** From the build's precompiled copy while it matches every file; otherwise (an edited YAML, say) from the YAML itself. */
export function loadBuiltins(dir = BUILTIN_DIR, cacheFile = BUILTIN_CACHE): Scenario[] {
  const files = builtinFiles(dir)
  const knownChecks = knownCheckIds()
  return readCompiledScenarios(cacheFile, dir, files, knownChecks) ?? files.map((f) => loadScenario(f, { knownChecks, checkArgs: checkArgs() }))
}

const isFile = (s: string) => /\.ya?ml$/i.test(s) || s.includes('/') || s.includes('\\')

/**
 * Names of built-in scenarios or paths to scenario files; none given = every built-in scenario that is not opt-in
 * (group-scale creates hundreds of users), in file order.
 */
export function resolveScenarios(specs: string[]): Scenario[] {
  if (specs.length === 0) return builtinScenarios().filter((s) => !s.optIn)
  return specs.map((s) => {
    if (isFile(s)) return loadScenario(resolve(s), { knownChecks: knownCheckIds(), checkArgs: checkArgs() })
    // Built-ins are read only when one is asked for by name, so a run of the user's own files never depends on them.
    const builtins = builtinScenarios()
    const found = builtins.find((b) => b.name === s)
    if (!found) throw new UsageError(`unknown --scenario "${s}"; valid: ${builtins.map((b) => b.name).join(', ')} (or a path to a .yaml file)`)
    return found
  })
}
