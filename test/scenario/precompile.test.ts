import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BUILTIN_DIR, builtinFiles, knownCheckIds, loadBuiltins } from '../../src/runner/scenarios.js'
import { loadScenario, ScenarioError } from '../../src/scenario/loader.js'
import { readCompiledScenarios, writeCompiledScenarios } from '../../src/scenario/precompile.js'

const temps: string[] = []
afterEach(() => temps.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A copy of the built-in scenarios and a cache compiled from it, somewhere the test may edit. */
function workspace(): { dir: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'scim-check-precompile-'))
  temps.push(root)
  const dir = join(root, 'scenarios')
  cpSync(BUILTIN_DIR, dir, { recursive: true })
  const cache = join(root, 'scenarios.json')
  writeCompiledScenarios(cache, dir, builtinFiles(dir), knownCheckIds())
  return { dir, cache }
}

const loaded = (dir: string) => builtinFiles(dir).map((f) => loadScenario(f, { knownChecks: knownCheckIds() }))
const cached = (dir: string, cache: string) => readCompiledScenarios(cache, dir, builtinFiles(dir), knownCheckIds())

describe('precompiled built-in scenarios', () => {
  it('are exactly what the loader returns, file paths and step lines included', () => {
    const { dir, cache } = workspace()
    const fromCache = cached(dir, cache)
    expect(fromCache).toBeDefined()
    expect(fromCache!.length).toBe(builtinFiles(dir).length)
    expect(fromCache).toStrictEqual(loaded(dir))
    expect(fromCache!.every((s) => s.steps.every((step) => typeof step.line === 'number'))).toBe(true)
    expect(loadBuiltins(dir, cache)).toStrictEqual(fromCache)
  })

  it('stores paths relative to the scenarios directory, so an installed copy resolves them where it sits', () => {
    const { dir, cache } = workspace()
    expect(readFileSync(cache, 'utf8')).not.toContain(dir)
    const moved = mkdtempSync(join(tmpdir(), 'scim-check-precompile-moved-'))
    temps.push(moved)
    cpSync(dir, join(moved, 'scenarios'), { recursive: true })
    cpSync(cache, join(moved, 'scenarios.json'))
    const fromCache = cached(join(moved, 'scenarios'), join(moved, 'scenarios.json'))
    expect(fromCache?.map((s) => s.file)).toEqual(builtinFiles(join(moved, 'scenarios')))
  })

  it('are not used once a file changes: the loader reads the edited file instead', () => {
    const { dir, cache } = workspace()
    const file = join(dir, 'connection.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Edited since the build'))
    expect(cached(dir, cache)).toBeUndefined()
    const scenarios = loadBuiltins(dir, cache)
    expect(scenarios.find((s) => s.file === file)?.title).toBe('Edited since the build')
    expect(scenarios).toStrictEqual(loaded(dir))
  })

  it('never hide an error in an edited file: it is reported at its file:line:column', () => {
    const { dir, cache } = workspace()
    const file = join(dir, 'connection.yaml')
    appendFileSync(file, 'colour: blue\n')
    let error: unknown
    try {
      loadBuiltins(dir, cache)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ScenarioError)
    expect((error as ScenarioError).message).toMatch(new RegExp(`connection\\.yaml:\\d+:\\d+: .*colour`))
  })

  it('are not used when a file is added or removed', () => {
    const added = workspace()
    cpSync(join(added.dir, 'connection.yaml'), join(added.dir, 'zz-connection-copy.yaml'))
    expect(cached(added.dir, added.cache)).toBeUndefined()

    const removed = workspace()
    rmSync(join(removed.dir, 'delete.yaml'))
    expect(cached(removed.dir, removed.cache)).toBeUndefined()
    expect(loadBuiltins(removed.dir, removed.cache)).toStrictEqual(loaded(removed.dir))
  })

  it('are not used when the registered checks differ from the build’s', () => {
    const { dir, cache } = workspace()
    const fewer = new Set([...knownCheckIds()].slice(1))
    expect(readCompiledScenarios(cache, dir, builtinFiles(dir), fewer)).toBeUndefined()
  })

  it('fall back to the loader when the cache is missing or unreadable', () => {
    const { dir, cache } = workspace()
    writeFileSync(cache, '{"version":1,"files":[')
    expect(cached(dir, cache)).toBeUndefined()
    expect(loadBuiltins(dir, cache)).toStrictEqual(loaded(dir))
    rmSync(cache)
    expect(cached(dir, cache)).toBeUndefined()
    expect(loadBuiltins(dir, cache)).toStrictEqual(loaded(dir))
  })
})
