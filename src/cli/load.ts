import { Option } from './commander.js'
import { UsageError } from '../errors.js'
import type { PlanInput } from '../load/plan.js'
import { exitCodeOf } from '../result/summary.js'
import { LOAD_OPTIONS, LOAD_RUN_OPTIONS } from '../load/options.js'
import { configFrom, exitOnSignal, flagsFrom, interruptible, reportersFor, writeReport } from './common.js'

/** `scim-check load`: flags → RunConfig and a plan → load (or export) → reporters with the load section → exit code. */
export async function loadCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = flagsFrom(opts, LOAD_RUN_OPTIONS)
  const plan: PlanInput = {}
  for (const o of LOAD_OPTIONS) {
    const v = opts[new Option(o.flags).attributeName()]
    if (typeof v === 'string') plan[o.key] = o.parse(v)
  }
  // An export sends nothing: the target is given when the script runs (SCIM_URL, SCIM_TOKEN).
  if (opts.export !== undefined && flags.url === undefined) flags.builtin = true
  const config = configFrom(opts, flags)
  if (opts.export !== undefined) {
    if (opts.export !== 'artillery') throw new UsageError(`--export ${String(opts.export)}: the supported engine is artillery`)
    const { exportArtillery } = await import('../load/artillery.js')
    const dir = String(opts.exportDir ?? 'scim-check-artillery')
    const written = await exportArtillery(config, plan, dir)
    process.stdout.write(`wrote ${written.join(', ')}\nrun it with: SCIM_URL=<base> SCIM_TOKEN=<token> npx artillery run ${written[0]}\n`)
    return 0
  }
  const reporters = await reportersFor(config, opts.output)
  const { load } = await import('../load/load.js')
  const { renderLoad } = await import('../load/render.js')

  const tty = !!process.stderr.isTTY
  const showProgress = !opts.quiet && (tty || !!opts.progress)
  const stop = interruptible('stopping the load and cleaning up')
  let lastPlain = ''
  let lastAt = 0
  const progress = (p: { phase: string; done: number; total: number; requests: number; errors: number; elapsedMs: number }) => {
    if (!showProgress) return
    const rps = p.elapsedMs ? Math.round((p.requests / p.elapsedMs) * 1000) : 0
    const line = `${p.phase} ${p.done}/${p.total} · ${p.requests} requests · ${rps}/s · ${p.errors} errors`
    if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 80) - 1)}`)
    else if (p.phase !== lastPlain || p.elapsedMs - lastAt >= 10_000) {
      // Off a terminal (CI logs): a line per phase and one every ten seconds, never a flood.
      lastPlain = p.phase
      lastAt = p.elapsedMs
      process.stderr.write(`${line}\n`)
    }
  }
  let report
  try {
    report = await load(config, plan, { signal: stop.signal, onProgress: progress, onLedger: stop.onLedger })
  } finally {
    if (showProgress && tty) process.stderr.write('\r\x1b[2K')
    stop.release()
  }
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR
  for (const { spec, reporter } of reporters) {
    let text = reporter.render(report, { color: spec.file ? false : color, verbose: !!opts.verbose })
    if (spec.name === 'json') {
      const doc = JSON.parse(text) as Record<string, unknown>
      text = JSON.stringify({ ...doc, load: report.load }, null, 2) + '\n'
    } else if (spec.name === 'pretty' || spec.name === 'markdown') {
      text = (text.endsWith('\n') ? text : `${text}\n`) + renderLoad(report.load, spec.name)
    }
    writeReport(spec, text)
  }
  if (stop.stoppedBy) return exitOnSignal(stop.stoppedBy)
  return exitCodeOf(report)
}
