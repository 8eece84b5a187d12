import { describe, expect, it } from 'vitest'
import { CHECK_ARGS } from '../../src/checks/args.js'
import { checkArgs, getCheck } from '../../src/checks/registry.js'
import { builtinFiles, knownCheckIds } from '../../src/runner/scenarios.js'
import { loadScenario, loadScenarioText } from '../../src/scenario/loader.js'

const options = () => ({ knownChecks: knownCheckIds(), checkArgs: checkArgs() })

describe('check arguments are declared and validated when a scenario loads', () => {
  it('every row of the table names a registered check that judges a step, and the registry carries it', () => {
    for (const [id, args] of Object.entries(CHECK_ARGS)) {
      expect(getCheck(id)?.judge, id).toBeDefined()
      expect(getCheck(id)?.args).toEqual(args)
    }
  })

  it('every built-in scenario passes only arguments its checks take', () => {
    for (const file of builtinFiles()) expect(() => loadScenario(file, options()), file).not.toThrow()
  })

  it('a typo in a with: key is a load error at the key, with the closest argument and the list', () => {
    const text = 'name: t\ntitle: T\nsteps:\n  - name: find\n    action: findUser\n    with: { userName: x }\n    checks: [{ id: idp.inactive-retrievable, with: { idd: x } }]\n'
    expect(() => loadScenarioText(text, 't.yaml', options())).toThrow('t.yaml:7:54: steps[0].checks[0].with.idd: check idp.inactive-retrievable takes no argument `idd` (did you mean `id`?); it takes: id, lookup')
    // The right key loads; a check with no declaration takes what it is given.
    expect(() => loadScenarioText(text.replace('idd', 'id'), 't.yaml', options())).not.toThrow()
    expect(() => loadScenarioText(text.replace('idp.inactive-retrievable, with: { idd: x }', 'create.status-201, with: { anything: x }'), 't.yaml', options())).not.toThrow()
  })
})
