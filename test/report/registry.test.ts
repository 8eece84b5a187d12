import { describe, expect, it } from 'vitest'
import { loadReporter, REPORTER_NAMES, REPORTERS, cellsOf } from '../../src/report/index.js'
import { sampleReport } from './helpers.js'

describe('reporter registry', () => {
  it('lists the built-in reporters and loads each under its own name', async () => {
    expect(REPORTER_NAMES).toEqual(expect.arrayContaining(['pretty', 'json', 'junit']))
    expect(REPORTER_NAMES).toEqual(Object.keys(REPORTERS))
    for (const name of REPORTER_NAMES) {
      const reporter = await loadReporter(name)
      expect(reporter.name).toBe(name)
      expect(reporter.description.length).toBeGreaterThan(10)
      expect(typeof reporter.render(sampleReport(), { color: false })).toBe('string')
    }
  })

  it('file reporters name a default file; pretty goes to stdout', async () => {
    expect((await loadReporter('json')).defaultFile).toBe('scim-check-report.json')
    expect((await loadReporter('junit')).defaultFile).toBe('scim-check-report.xml')
    expect((await loadReporter('pretty')).defaultFile).toBeUndefined()
  })

  it('an unknown name is a one-line error listing the valid names', async () => {
    const err = await loadReporter('tap').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    const message = (err as Error).message
    expect(message).toBe('unknown reporter "tap": choose one of pretty, json, junit, markdown, html')
    expect(message).not.toContain('\n')
  })

  it('suggests the closest name for a typo', async () => {
    await expect(loadReporter('jsno')).rejects.toThrow('unknown reporter "jsno" (did you mean "json"?): choose one of pretty, json, junit, markdown, html')
    await expect(loadReporter('JUnit')).rejects.toThrow('did you mean "junit"?')
  })

  it('does not treat inherited object keys as reporters, and keeps hostile names on one line', async () => {
    await expect(loadReporter('toString')).rejects.toThrow('unknown reporter "toString"')
    await expect(loadReporter('__proto__')).rejects.toThrow('choose one of')
    const err = (await loadReporter('a\nb').catch((e: unknown) => e)) as Error
    expect(err.message).not.toContain('\n')
  })
})

describe('cellsOf', () => {
  it('groups by IdP in run order, then scenario in matrix order, leaving out empty cells', () => {
    const report = sampleReport()
    const cells = cellsOf(report).map((c) => `${c.idp}/${c.scenario}:${c.results.length}`)
    expect(cells).toEqual(['okta/user-lifecycle:8', 'okta/group-push:1', 'entra/user-lifecycle:2', 'entra/group-push:1'])
  })

  it('keeps results whose IdP or scenario the declared lists miss', () => {
    const report = sampleReport()
    const stray = { ...report.results[0], idp: 'ping', scenario: 'extra' }
    const cells = cellsOf({ ...report, results: [...report.results, stray] })
    expect(cells.at(-1)).toMatchObject({ idp: 'ping', scenario: 'extra' })
  })
})
