import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadScenarioText, ScenarioError } from '../../src/scenario/loader.js'

/**
 * Golden files grouped by outcome: every fixtures/scenarios/invalid/x.yaml must fail with exactly the one-line
 * message in x.err; every fixtures/scenarios/valid/*.yaml must load. Files are named by their repository path,
 * so the messages read the same whatever the working directory.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const invalidDir = 'fixtures/scenarios/invalid'
const validDir = 'fixtures/scenarios/valid'
/** Stands in for the check registry, which is built elsewhere. */
const knownChecks = new Set(['create.status-201', 'get.by-id', 'get.etag-changed', 'filter.not-ignored'])
// As declared for the real checks: a typo in a `with:` key is a load error, not a silent skip.
const checkArgs = new Map([['get.by-id', ['id', 'after']]])

const filesIn = (dir: string, ext: string) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(ext))
    .sort()

function load(rel: string) {
  return loadScenarioText(readFileSync(path.join(root, rel), 'utf8'), rel, { knownChecks, checkArgs })
}

function failure(rel: string): ScenarioError {
  try {
    load(rel)
  } catch (error) {
    if (error instanceof ScenarioError) return error
    throw error
  }
  throw new Error(`${rel} loaded, but it should have been rejected`)
}

describe('invalid scenario goldens', () => {
  const yamls = filesIn(invalidDir, '.yaml')

  it('pairs every invalid file with its expected message', () => {
    expect(yamls.length).toBeGreaterThanOrEqual(10)
    expect(filesIn(invalidDir, '.err').map((f) => f.replace(/\.err$/, ''))).toEqual(yamls.map((f) => f.replace(/\.yaml$/, '')))
  })

  it.each(yamls)('%s fails with the message in its .err', (file) => {
    const rel = `${invalidDir}/${file}`
    const expected = readFileSync(path.join(root, rel.replace(/\.yaml$/, '.err')), 'utf8').trimEnd()
    const error = failure(rel)
    expect(error.message).toBe(expected)
    expect(error.message).not.toContain('\n')
  })

  it.each(yamls)('%s carries file, line, column, field and an excerpt that agree with the message', (file) => {
    const rel = `${invalidDir}/${file}`
    const error = failure(rel)
    expect(error.name).toBe('ScenarioError')
    expect(error.file).toBe(rel)
    expect(error.line).toBeGreaterThan(0)
    expect(error.column).toBeGreaterThan(0)
    expect(error.message).toBe(`${rel}:${error.line}:${error.column}: ${error.field ? `${error.field}: ` : ''}${error.problem}`)
    const sourceLine = readFileSync(path.join(root, rel), 'utf8').split('\n')[error.line - 1]
    const [shown, caret] = error.excerpt.split('\n')
    expect(shown).toBe(sourceLine)
    expect(caret.indexOf('^')).toBe(error.column - 1)
  })
})

describe('valid scenario goldens', () => {
  const yamls = filesIn(validDir, '.yaml')

  it('has some', () => {
    expect(yamls.length).toBeGreaterThanOrEqual(3)
  })

  it.each(yamls)('%s loads', (file) => {
    const scenario = load(`${validDir}/${file}`)
    expect(scenario.file).toBe(`${validDir}/${file}`)
    expect(scenario.steps.length).toBeGreaterThan(0)
    for (const step of scenario.steps) {
      expect(step.line).toBeGreaterThan(0)
      expect(Boolean(step.action) !== Boolean(step.request)).toBe(true)
    }
  })
})
