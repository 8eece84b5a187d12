import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { allChecks } from '../checks/registry.js'
import { RUN_OPTIONS } from '../cli/options.js'
import { PROFILES } from '../idp/registry.js'

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
      out.push('| behaviour | what it sends | source | conf. |', '|---|---|---|---|', ...p.behaviours.map((b) => `| ${cell(b.topic)} | ${cell(b.does)} | ${cell(b.source)} | ${b.confidence} |`))
      return out.join('\n')
    })
    .join('\n\n')
}

export const SECTIONS: Record<string, () => string> = { 'run-options': runOptions, 'check-counts': checkCounts, 'idp-profiles': idpProfiles }

/** The README with every generated section rewritten; a marker pair missing from the text is an error. */
export function renderReadme(text: string): string {
  let out = text
  for (const [name, make] of Object.entries(SECTIONS)) {
    const re = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(\\n<!-- /generated:${name} -->)`)
    if (!re.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> … <!-- /generated:${name} --> section`)
    out = out.replace(re, (_m, open: string, close: string) => `${open}${make()}${close}`)
  }
  return out
}

export const README = fileURLToPath(new URL('../../README.md', import.meta.url))

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = readFileSync(README, 'utf8')
  const after = renderReadme(before)
  if (process.argv.includes('--write')) writeFileSync(README, after)
  else if (after !== before) {
    process.stderr.write('README.md is out of date with the code: run npm run readme\n')
    process.exit(1)
  }
}
