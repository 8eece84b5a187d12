import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { allChecks } from '../checks/registry.js'
import { RUN_OPTIONS } from '../cli/options.js'
import { expandRuns } from '../idp/settings.js'
import { PROFILES } from '../idp/registry.js'
import { dryRun } from '../idp/dryrun.js'
import { ACTIONS, type ActionName } from '../idp/types.js'
import type { RequestSpec } from '../http/exchange.js'
import { mapsTo } from '../suites/judge.js'
import { loadSuite, suiteNames } from '../suites/load.js'

/**
 * The README's tables are written from the code, between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`
 * markers, so they cannot drift: `npm run readme` rewrites them, and a test fails when the README differs from this.
 */

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The `run` options, from the one option table the CLI is built from. */
function runOptions(): string {
  const rows = RUN_OPTIONS.map((o) => `| \`${cell(o.flags)}\` | ${o.env ? `\`${o.env}\`` : ''} | ${cell(o.help)} |`)
  return ['| flag | env | meaning |', '|---|---|---|', ...rows].join('\n')
}

/** Checks per area and level, and how many of them judge every exchange (ambient). */
function checkCounts(): string {
  const levels = ['MUST', 'SHOULD', 'MAY', 'IDP'] as const
  const areas = new Map<string, { n: number; ambient: number } & Record<string, number>>()
  for (const c of allChecks()) {
    const a = areas.get(c.area) ?? ({ n: 0, ambient: 0, MUST: 0, SHOULD: 0, MAY: 0, IDP: 0 } as { n: number; ambient: number } & Record<string, number>)
    a.n++
    a[c.level]++
    if (c.ambient) a.ambient++
    areas.set(c.area, a)
  }
  const total = { n: 0, ambient: 0, MUST: 0, SHOULD: 0, MAY: 0, IDP: 0 } as { n: number; ambient: number } & Record<string, number>
  const rows = [...areas.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([area, a]) => {
    for (const k of ['n', 'ambient', ...levels] as const) total[k] += a[k]
    return `| ${area} | ${a.n} | ${levels.map((l) => a[l]).join(' | ')} | ${a.ambient} |`
  })
  const expectations = Object.values(PROFILES).reduce((n, p) => n + (p.expectations?.length ?? 0), 0)
  return [
    '| area | checks | MUST | SHOULD | MAY | IDP | ambient |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    `| **total** | **${total.n}** | ${levels.map((l) => total[l]).join(' | ')} | ${total.ambient} |`,
    '',
    `Besides these ${total.n}, the IdP profiles declare ${expectations} expectations of their own (\`idp.okta.*\`, \`idp.entra.*\`, …), listed by \`scim-check list checks\`.`,
  ].join('\n')
}

/** Each profile: what it is, its options, and its behaviour rows with source and confidence. */
function idpProfiles(): string {
  return Object.values(PROFILES)
    .map((p) => {
      const out = [`### ${p.name}: ${p.title}`, '', p.description, '']
      if (p.options.length) out.push(`Options: ${p.options.map((o) => `\`${p.name}.${o.name}\` (default \`${o.default}\`${o.values ? `; ${o.values.join(' | ')}` : ''}): ${o.description}`).join('; ')}`, '')
      const settings = expandRuns([`${p.name}:all`]).filter((r) => r.setting)
      if (settings.length) out.push(`Settings (\`--idp ${p.name}:all\` runs ${settings.length}): ${settings.map((r) => `\`${r.setting}\``).join(' · ')}`, '')
      out.push('| behaviour | what it sends | source | conf. |', '|---|---|---|---|', ...p.behaviours.map((b) => `| ${cell(b.topic)} | ${cell(b.does)} | ${cell(b.source)} | ${b.confidence} |`))
      return out.join('\n')
    })
    .join('\n\n')
}

/** What a scenario step asks of each action in the flows table: one user U1 (ada@example.com), one group G1 pushed with U1 (JumpCloud never creates an empty group). */
const SAMPLE: Partial<Record<ActionName, Record<string, unknown>>> = {
  createUser: { userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.com', externalId: 'ext-1' },
  getUser: { id: 'U1' },
  findUser: { userName: 'ada@example.com' },
  updateUser: { id: 'U1', userName: 'ada@example.com', changes: { givenName: 'Augusta' } },
  deactivateUser: { id: 'U1', userName: 'ada@example.com' },
  reactivateUser: { id: 'U1', userName: 'ada@example.com' },
  deleteUser: { id: 'U1', userName: 'ada@example.com' },
  createGroup: { displayName: 'Staff', members: [{ value: 'U1', display: 'ada@example.com' }] },
  getGroup: { id: 'G1' },
  findGroup: { displayName: 'Staff' },
  addMembers: { id: 'G1', members: [{ value: 'U1', display: 'ada@example.com' }] },
  removeMembers: { id: 'G1', members: [{ value: 'U1', display: 'ada@example.com' }] },
  pushGroup: { id: 'G1', members: [{ value: 'U1', display: 'ada@example.com' }] },
  renameGroup: { id: 'G1', displayName: 'Staff 2' },
  deleteGroup: { id: 'G1' },
}

// Connection tests look up random values: shown as <random> so the table is the same on every write.
const line = (r: RequestSpec) => `${r.method.toUpperCase()} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''}`.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<random>')

/** One user U1 and one group G1, as an empty directory that then holds them would answer. */
const DRY = {
  answerId: (spec: RequestSpec) => (spec.path.startsWith('/Groups') ? 'G1' : 'U1'),
  resource: (spec: RequestSpec): Record<string, unknown> =>
    spec.path.startsWith('/Groups') ? { displayName: 'Staff', members: [] } : { userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: 'ada@example.com', type: 'work', primary: true }], active: true },
}

/**
 * Each IdP's flows with its default options: the requests one action sends, in order, as the profile itself builds
 * them (a dry run, the actions in order sharing the profile's memory as in one run), so the table is the code's own
 * account of the wire.
 */
async function idpFlows(): Promise<string> {
  const profiles = Object.values(PROFILES)
  const rows: string[] = []
  const states = new Map(profiles.map((p) => [p.name, new Map<string, unknown>()]))
  for (const action of ACTIONS) {
    if (action === 'rotateToken') continue
    const cells: string[] = []
    for (const p of profiles) {
      if (!p.actions[action]) {
        cells.push(p.never?.[action] ? 'never' : '—')
        continue
      }
      const sent = await dryRun(p, action, SAMPLE[action] ?? {}, { ...DRY, state: states.get(p.name) })
      cells.push(sent.length ? sent.map((r) => `\`${cell(line(r))}\``).join(' → ') : 'not sent under the default options')
    }
    rows.push(`| ${action} | ${cells.join(' | ')} |`)
  }
  return [`| action | ${profiles.map((p) => p.name).join(' | ')} |`, `|---|${profiles.map(() => '---').join('|')}|`, ...rows].join('\n')
}

/** Each review-program suite: its steps in the program's order, the program's words with the URL, and what judges them. */
function suites(): string {
  return suiteNames()
    .map((name) => {
      const suite = loadSuite(name)
      const rows = suite.steps.map((s) => `| \`${s.id}\`${s.level === 'recommended' ? ' (recommended)' : ''} | ${cell(s.part)} | "${cell(s.quote)}" ([source](${s.url})) | ${cell(mapsTo(s))}${s.note ? ` (${cell(s.note)})` : ''} |`)
      return [`#### \`--suite ${name}\`: ${suite.title} (profile ${suite.profile})`, '', suite.description, '', '| step | part | the program\'s words | judged on |', '|---|---|---|---|', ...rows].join('\n')
    })
    .join('\n\n')
}

export const SECTIONS: Record<string, () => string | Promise<string>> = { 'run-options': runOptions, 'check-counts': checkCounts, 'idp-profiles': idpProfiles, 'idp-flows': idpFlows, suites }

/** The README with every generated section rewritten; a marker pair missing from the text is an error. */
export async function renderReadme(text: string): Promise<string> {
  let out = text
  for (const [name, make] of Object.entries(SECTIONS)) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(\\n<!-- /generated:${name} -->)`)
    if (!re.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> … <!-- /generated:${name} --> section`)
    const body = await make()
    out = out.replace(re, (_m, open: string, close: string) => `${open}${body}${close}`)
  }
  return out
}

export const README = fileURLToPath(new URL('../../README.md', import.meta.url))

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = readFileSync(README, 'utf8')
  const after = await renderReadme(before)
  if (process.argv.includes('--write')) writeFileSync(README, after)
  else if (after !== before) {
    process.stderr.write('README.md is out of date with the code: run npm run readme\n')
    process.exit(1)
  }
}
