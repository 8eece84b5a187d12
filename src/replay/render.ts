import { Chalk } from 'chalk'
import { oneLine } from '../report/excerpt.js'
import type { Difference } from './compare.js'
import type { ReplayReport, ReplayedEntry } from './replay.js'

/**
 * The replay as a person reads it: one line per request that differs or was skipped (every request when
 * verbose), the differences under it, then the counts and anything left behind. Text from either server is
 * passed through `oneLine`, so a hostile response cannot write escape codes to the terminal.
 */
export function renderReplay(report: ReplayReport, opts: { color: boolean; verbose?: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 })
  const lines: string[] = []
  if (report.incomplete) lines.push(c.red.bold(`! Replay incomplete: ${oneLine(report.incomplete)}.`), '')
  lines.push(`Replayed ${report.summary.total} request${report.summary.total === 1 ? '' : 's'} recorded against ${oneLine(report.recordedTarget)} to ${oneLine(report.target)}`)
  for (const e of report.entries) {
    if (e.outcome === 'same' && !opts.verbose) continue
    lines.push(entryLine(e, c))
    for (const d of e.differences) lines.push(c.dim('    ') + differenceLine(d))
  }
  const s = report.summary
  lines.push('')
  const parts = [`${s.same} same`, s.differs ? c.red(`${s.differs} differ`) : `${s.differs} differ`, `${s.skipped} skipped`]
  lines.push(`${parts.join(', ')}.`)
  if (s.differs === 0 && s.same > 0) lines.push(c.green('No differences from the recording.'))
  if (report.leftovers.length) {
    lines.push('', c.red.bold(`Leftovers: ${report.leftovers.length} resource${report.leftovers.length === 1 ? '' : 's'} the replay could not delete (remove by id):`))
    for (const l of report.leftovers) lines.push(c.red(`  ${l.type} ${oneLine(l.id)}${l.name ? ` ${oneLine(l.name)}` : ''}: ${l.state} — ${oneLine(l.reason)}`))
  }
  return `${lines.join('\n')}\n`
}

const SYMBOL = { same: '✓', differs: '✗', skipped: '-' } as const

function entryLine(e: ReplayedEntry, c: InstanceType<typeof Chalk>): string {
  const colour = e.outcome === 'same' ? c.green : e.outcome === 'differs' ? c.red : c.gray
  const labels = [e.idp, e.scenario, e.step].filter((x): x is string => !!x && x !== 'replay').map(oneLine).join(' · ')
  const status = e.outcome === 'skipped' ? '' : `  ${e.recordedStatus || 'no response'}${e.replayedStatus !== e.recordedStatus ? ` → ${e.replayedStatus ?? 'no response'}` : ''}`
  let line = `${colour(SYMBOL[e.outcome])} #${e.entry} ${e.method} ${oneLine(e.path)}${status}`
  if (labels) line += c.dim(`  [${labels}]`)
  if (e.reason) line += c.dim(` — ${oneLine(e.reason)}`)
  return line
}

function differenceLine(d: Difference): string {
  const where = d.what === 'body' ? `body ${d.path ?? ''}`.trim() : d.what === 'header' ? `header ${d.path}` : d.what
  return `${where}: recorded ${oneLine(d.recorded)}, replayed ${oneLine(d.replayed)}`
}

/** The comparison as JSON, without the exchanges (write those with --transcript). */
export function replayJson(report: ReplayReport): string {
  const { exchanges: _omit, ...rest } = report
  return `${JSON.stringify(rest, null, 2)}\n`
}
