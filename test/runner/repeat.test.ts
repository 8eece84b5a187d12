import { describe, expect, it } from 'vitest'
import { run, foldRepetitions } from '../../src/runner/run.js'
import { loadScenarioText } from '../../src/scenario/loader.js'
import { resolveScenarios } from '../../src/runner/scenarios.js'
import { resolveRunConfig } from '../../src/config/resolve.js'
import type { Result } from '../../src/result/types.js'
import { config } from '../helpers/run.js'

/** `repeat:` on a step: a count or a list, `repeat.*` in each repetition, `save` as the list, results folded. */

const SCENARIO = `
name: repeat-demo
title: Create a few users, then read each one back
steps:
  - name: create
    action: createUser
    repeat: "{{ run.groupSize }}"
    with: { userName: "{{ unique.member }}-{{ repeat.index }}@example.com", displayName: "Member {{ repeat.index }} of {{ repeat.count }}" }
    save: members
    expect: { status: 201, body: { displayName: "Member {{ repeat.index }} of {{ repeat.count }}" } }
  - name: read
    action: getUser
    repeat: "{{ members }}"
    with: { id: "{{ repeat.item.id }}" }
    expect: { status: 200, body: { id: "{{ repeat.item.id }}" } }
  - name: read-third
    action: getUser
    with: { id: "{{ members[2].id }}" }
    expect: { status: 200, body: { displayName: "Member 3 of 3" } }
`

describe('a repeated step', () => {
  it('runs once per item, saves the list of values and reports one result per check for all repetitions', async () => {
    const scenario = loadScenarioText(SCENARIO, 'repeat-demo.yaml')
    const report = await run(config({ groupSize: 3 }), { scenarios: [scenario] })
    const mine = report.results.filter((r) => r.scenario === 'repeat-demo' && !r.ambient)
    expect(mine.map((r) => `${r.id} ${r.status} ${r.message.replace(/[0-9a-f-]{36}/g, '<id>')}`)).toEqual([
      'repeat-demo.create.status pass 3 of 3 repetitions: POST /scim/v2/Users answered 201',
      'repeat-demo.create.body pass 3 of 3 repetitions: body matches {"displayName":"Member 1 of 3"}',
      'repeat-demo.read.status pass 3 of 3 repetitions: GET /scim/v2/Users/<id> answered 200',
      'repeat-demo.read.body pass 3 of 3 repetitions: body matches {"id":"<id>"}',
      'repeat-demo.read-third.status pass GET /scim/v2/Users/<id> answered 200',
      'repeat-demo.read-third.body pass body matches {"displayName":"Member 3 of 3"}',
    ])
    const created = report.exchanges.filter((x) => x.step === 'create' && !x.purpose)
    expect(created.map((x) => JSON.parse(x.request.body!).userName.replace(/^.*-member-/, ''))).toEqual(['1@example.com', '2@example.com', '3@example.com'])
    expect(report.leftovers).toEqual([])
  }, 60_000)

  it('a refused repetition is its own failure, and its error body is no item of the saved list', async () => {
    // The repeated create reuses an existing userName: 409, whose error body must not become a "member".
    const text = `
name: repeat-refused
title: A repeated create refused
steps:
  - name: first
    action: createUser
    with: { userName: "{{ unique.member }}@example.com" }
    expect: { status: 201 }
  - name: find
    request: { method: GET, path: /Users, query: { filter: 'userName eq "{{ unique.member }}@example.com"' } }
    save: found
  - name: create-again
    action: createUser
    repeat: "{{ found.Resources }}"
    with: { userName: "{{ repeat.item.userName }}" }
    save: members
    expect: { status: 201 }
  - name: read
    action: getUser
    repeat: "{{ members }}"
    with: { id: "{{ repeat.item.id }}" }
    expect: { status: 200 }
`
    const report = await run(config(), { scenarios: [loadScenarioText(text, 'repeat-refused.yaml')] })
    const mine = report.results.filter((r) => r.scenario === 'repeat-refused' && !r.ambient)
    expect(mine.find((r) => r.id === 'repeat-refused.create-again.status')?.status).toBe('fail')
    // Nothing was created by the repeated step, so nothing is read: no read of an error body's missing id.
    expect(mine.filter((r) => r.step === 'read')).toEqual([])
  }, 60_000)

  it('a count of 0 runs nothing and saves an empty list', async () => {
    const scenario = loadScenarioText(SCENARIO, 'repeat-demo.yaml')
    const report = await run(config({ groupSize: 1 }), { scenarios: [{ ...scenario, steps: [{ ...scenario.steps[0], repeat: 0 }, scenario.steps[1]] }] })
    expect(report.exchanges.filter((x) => x.scenario === 'repeat-demo' && !x.purpose)).toEqual([])
    expect(report.results.filter((r) => r.scenario === 'repeat-demo' && !r.ambient)).toEqual([])
  }, 60_000)
})

describe('foldRepetitions', () => {
  const r = (id: string, status: Result['status'], message: string): Result => ({ id, title: id, source: { rfc: 7644, section: '§3' }, level: 'MUST', status, scenario: 's', idp: 'generic', message })

  it('keeps the first result of each check and status, and says where the same failure recurred', () => {
    // Four repetitions, each with one result; the 2nd, 3rd and 4th fail the same check.
    const results = [r('a', 'pass', 'ok 1'), r('a', 'fail', 'broken 2'), r('a', 'fail', 'broken 3'), r('a', 'fail', 'broken 4')]
    expect(foldRepetitions(results, [0, 1, 2, 3], 4).map((x) => `${x.status} ${x.message}`)).toEqual([
      'pass 1 of 4 repetitions: ok 1',
      'fail repetition #2 of 4: broken 2; the same fail in 2 more repetitions (#3, #4)',
    ])
  })

  it('leaves a single run and a once-said measurement alone', () => {
    expect(foldRepetitions([r('a', 'fail', 'x')], [0], 1)[0].message).toBe('x')
    expect(foldRepetitions([r('a', 'pass', 'p1'), r('a', 'pass', 'p2'), r('t', 'info', 'took 3 ms')], [0, 1], 2).map((x) => x.message)).toEqual(['2 of 2 repetitions: p1', 'took 3 ms'])
  })
})

describe('group-scale is opt-in and sized by --group-size', () => {
  it('a run that names no scenario leaves group-scale out; naming it runs it', () => {
    expect(resolveScenarios([]).map((s) => s.name)).not.toContain('group-scale')
    expect(resolveScenarios(['group-scale']).map((s) => s.name)).toEqual(['group-scale'])
  })

  it('--group-size (or groupSize in scim-check.yaml) sets run.groupSize; 100 by default', () => {
    expect(resolveRunConfig({ builtin: true }, {}).groupSize).toBe(100)
    expect(resolveRunConfig({ builtin: true, groupSize: 1000 }, {}).groupSize).toBe(1000)
    expect(resolveRunConfig({ builtin: true }, {}, { groupSize: 250 }).groupSize).toBe(250)
  })
})
