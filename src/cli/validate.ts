import { resolve } from 'node:path'
import { loadScenario } from '../scenario/loader.js'
import { checkArgs, knownCheckIds } from '../runner/scenarios.js'

/** `scim-check validate <files...>`: one line per file; exit 2 when any file is invalid. */
export async function validateCommand(files: string[]): Promise<number> {
  const known = knownCheckIds()
  const args = checkArgs()
  let bad = 0
  for (const f of files) {
    try {
      const s = loadScenario(resolve(f), { knownChecks: known, checkArgs: args })
      process.stdout.write(`ok   ${f} (${s.name}, ${s.steps.length} steps)\n`)
    } catch (err) {
      bad++
      process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`)
    }
  }
  return bad ? 2 : 0
}
