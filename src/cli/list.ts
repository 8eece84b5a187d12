import Table, { type TableInstance } from '../report/table.js'
import { allChecks } from '../checks/registry.js'
import { UsageError } from '../errors.js'
import { PROFILES } from '../idp/registry.js'
import { expandRuns } from '../idp/settings.js'
import { formatSource } from '../result/types.js'
import { builtinScenarios } from '../runner/scenarios.js'

const WHAT = ['scenarios', 'idps', 'checks', 'faults', 'variants', 'suites'] as const

/** `scim-check list <what>`: plain tables on stdout, the same facts the README shows. */
export async function listCommand(what: string, opts: { json?: boolean } = {}): Promise<void> {
  const out = (t: TableInstance | string): void => {
    process.stdout.write(`${t.toString()}\n`)
  }
  if (opts.json) return out(JSON.stringify(await listData(what), null, 2))
  const table = (head: string[], colWidths: number[]) => new Table({ head, style: { head: [], border: [] }, wordWrap: true, colWidths })
  switch (what as (typeof WHAT)[number]) {
    case 'scenarios': {
      const t = table(['name', 'profiles', 'requires', 'title'], [28, 12, 22, 56])
      for (const s of builtinScenarios()) t.push([s.name, (s.idps ?? ['all']).join(', '), (s.requires ?? []).join(', '), s.optIn ? `${s.title} (opt-in: runs only with --scenario ${s.name})` : s.title])
      return out(t)
    }
    case 'idps':
      for (const p of Object.values(PROFILES)) {
        out(`${p.name}: ${p.title}\n${p.description}`)
        if (p.options.length) out(`options: ${p.options.map((o) => `${p.name}.${o.name} (default ${o.default}): ${o.description}`).join('\n         ')}`)
        const settings = expandRuns([`${p.name}:all`]).filter((r) => r.setting)
        if (settings.length) out(`settings: --idp ${p.name}:all runs ${settings.length}: ${settings.map((r) => r.setting).join(' | ')}`)
        const t = new Table({ head: ['behaviour', 'what it sends', 'source', ''], style: { head: [], border: [] }, wordWrap: true, colWidths: [22, 60, 34, 4] })
        for (const b of p.behaviours) t.push([b.topic, b.does, b.source, b.confidence])
        out(t)
        out('')
      }
      return
    case 'checks': {
      const t = table(['id', 'level', 'source', 'title'], [34, 8, 24, 52])
      const rows = allChecks().map((c) => [c.id, c.level, formatSource(c.source), c.title])
      // Each profile's own expectations (idp.<profile>.*) are checks too, at level IDP.
      for (const p of Object.values(PROFILES)) for (const e of p.expectations ?? []) rows.push([e.id, 'IDP', formatSource(e.source), e.title])
      for (const row of rows.sort((a, b) => a[0].localeCompare(b[0]))) t.push(row)
      return out(t)
    }
    case 'faults':
    case 'variants': {
      const { FAULTS, VARIANTS } = await import('../server/index.js')
      const t = new Table({ head: ['name', 'description'], style: { head: [], border: [] }, wordWrap: true, colWidths: [30, 80] })
      for (const f of what === 'faults' ? FAULTS : VARIANTS) t.push([f.name, f.description])
      return out(t)
    }
    case 'suites': {
      const { loadSuite, suiteNames } = await import('../suites/load.js')
      const { mapsTo } = await import('../suites/judge.js')
      for (const name of suiteNames()) {
        const suite = loadSuite(name)
        out(`${suite.name}: ${suite.title} (profile ${suite.profile})\n${suite.description}`)
        // Plain lines, not a table: the URLs must stay whole to be clicked or copied.
        for (const st of suite.steps) out(`  ${st.id}  ${st.title}${st.level === 'recommended' ? ' (recommended)' : ''}\n    "${st.quote}"\n    ${st.url}\n    judged on: ${mapsTo(st)}`)
        out('')
      }
      return
    }
    default:
      throw new UsageError(`unknown list "${what}"; valid: ${WHAT.join(', ')}`)
  }
}

/** The same facts as plain data (`list <what> --json`), for tooling. */
async function listData(what: string): Promise<unknown> {
  switch (what as (typeof WHAT)[number]) {
    case 'scenarios':
      return builtinScenarios().map((s) => ({ name: s.name, title: s.title, idps: s.idps ?? ['all'], requires: s.requires ?? [], source: s.source, optIn: !!s.optIn }))
    case 'idps':
      return Object.values(PROFILES).map((p) => ({ name: p.name, title: p.title, description: p.description, options: p.options, settings: expandRuns([`${p.name}:all`]).flatMap((r) => (r.setting ? [r.setting] : [])), behaviours: p.behaviours, expectations: p.expectations ?? [] }))
    case 'checks': {
      const rows = allChecks().map((c) => ({ id: c.id, title: c.title, area: c.area, level: c.level, source: c.source, requirement: c.requirement, ambient: !!c.ambient }))
      for (const p of Object.values(PROFILES)) for (const e of p.expectations ?? []) rows.push({ id: e.id, title: e.title, area: 'idp', level: 'IDP', source: e.source, requirement: e.source.behaviour, ambient: false })
      return rows.sort((a, b) => a.id.localeCompare(b.id))
    }
    case 'faults':
    case 'variants': {
      const { FAULTS, VARIANTS } = await import('../server/index.js')
      return (what === 'faults' ? FAULTS : VARIANTS).map((f) => ({ name: f.name, description: f.description }))
    }
    case 'suites': {
      const { loadSuite, suiteNames } = await import('../suites/load.js')
      const { mapsTo } = await import('../suites/judge.js')
      return suiteNames().map((name) => {
        const { file: _file, ...suite } = loadSuite(name)
        return { ...suite, steps: suite.steps.map((s) => ({ ...s, mapsTo: mapsTo(s) })) }
      })
    }
    default:
      throw new UsageError(`unknown list "${what}"; valid: ${WHAT.join(', ')}`)
  }
}
