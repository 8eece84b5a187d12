import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadScenarioText, ScenarioError } from './loader.js'
import type { Scenario } from './types.js'

/**
 * The built-in scenarios, loaded and validated at build time, so a run does not parse YAML it has already checked.
 * Written by `npm run build` (`node dist/scenario/precompile.js`); used only while every input still matches.
 */
export interface CompiledScenarios {
  version: typeof VERSION
  /** What else decides the loader's output: its own code, the schema, the registered check ids. */
  fingerprint: string
  /** In file order; `file` is relative to the scenarios directory, '/'-separated, so the cache survives installation. */
  files: { file: string; sha256: string; scenario: Scenario }[]
}

const VERSION = 1

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')
const relativeName = (dir: string, file: string) => relative(dir, file).split(sep).join('/')

// The loader, the schema and the YAML layer sit in these two directories; any change to them (a rebuild with tsc
// alone, say) makes an older cache unusable rather than quietly out of date.
const CODE_DIRS = [dirname(fileURLToPath(import.meta.url)), join(dirname(fileURLToPath(import.meta.url)), '../yaml')]

export function loaderFingerprint(knownChecks: ReadonlySet<string>): string {
  const hash = createHash('sha256')
  for (const dir of CODE_DIRS) {
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(js|ts|json)$/.test(name)) continue
      hash.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0')
    }
  }
  hash.update([...knownChecks].sort().join('\n'))
  return hash.digest('hex')
}

/** Loads every file with the full loader; a broken file throws its usual ScenarioError. */
export function compileScenarios(dir: string, files: readonly string[], knownChecks: ReadonlySet<string>, checkArgs?: ReadonlyMap<string, readonly string[]>): CompiledScenarios {
  return {
    version: VERSION,
    fingerprint: loaderFingerprint(knownChecks),
    files: files.map((path) => {
      const bytes = readFileSync(path)
      const file = relativeName(dir, path)
      return { file, sha256: sha256(bytes), scenario: { ...loadScenarioText(bytes.toString('utf8'), path, { knownChecks, checkArgs }), file } }
    }),
  }
}

/**
 * The scenarios from `cacheFile`, exactly as the loader would return them for `files`, or undefined when the cache
 * is missing, unreadable, or was built from other files, other contents or another loader: the caller then loads.
 */
export function readCompiledScenarios(cacheFile: string, dir: string, files: readonly string[], knownChecks: ReadonlySet<string>): Scenario[] | undefined {
  let cache: CompiledScenarios
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledScenarios
  } catch {
    return undefined
  }
  if (cache?.version !== VERSION || !Array.isArray(cache.files) || cache.files.length !== files.length) return undefined
  for (let i = 0; i < files.length; i++) {
    const entry = cache.files[i]
    if (entry?.file !== relativeName(dir, files[i]) || entry.sha256 !== sha256(readFileSync(files[i]))) return undefined
  }
  if (cache.fingerprint !== loaderFingerprint(knownChecks)) return undefined
  return cache.files.map((entry, i) => ({ ...entry.scenario, file: files[i] }))
}

/** Writes the cache whole or not at all; a failed build leaves none behind, so nothing older is mistaken for it. */
export function writeCompiledScenarios(cacheFile: string, dir: string, files: readonly string[], knownChecks: ReadonlySet<string>, checkArgs?: ReadonlyMap<string, readonly string[]>): void {
  rmSync(cacheFile, { force: true })
  const compiled = compileScenarios(dir, files, knownChecks, checkArgs)
  const partial = `${cacheFile}.${process.pid}.tmp`
  writeFileSync(partial, `${JSON.stringify(compiled)}\n`)
  renameSync(partial, cacheFile)
}

async function main(): Promise<void> {
  // Imported here, not at the top: the runner imports this module, and only the build step needs the reverse.
  const { BUILTIN_CACHE, BUILTIN_DIR, builtinFiles, checkArgs, knownCheckIds } = await import('../runner/scenarios.js')
  try {
    writeCompiledScenarios(BUILTIN_CACHE, BUILTIN_DIR, builtinFiles(), knownCheckIds(), checkArgs())
  } catch (error) {
    const message = (error as Error).message
    process.stderr.write(
      error instanceof ScenarioError
        ? `precompile: ${message}; fix the built-in scenario, then run \`npm run build\` again\n`
        : `precompile: cannot write ${BUILTIN_CACHE}: ${message}; check the dist/ directory is writable\n`,
    )
    process.exitCode = 1
  }
}

// Not awaited: main imports the runner, which imports this module, and that import waits for this one to finish.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
