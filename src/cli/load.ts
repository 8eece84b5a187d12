import { Option } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RunConfig } from '../config/types.js'
import { findConfigFile, loadConfigFile } from '../config/file.js'
import { resolveRunConfig } from '../config/resolve.js'
import { UsageError } from '../errors.js'
import type { PlanInput } from '../load/plan.js'
import { loadReporter } from '../report/index.js'
import { exitCodeOf } from '../result/summary.js'
import type { Ledger } from '../runner/ledger.js'
import type { AuthInput } from './options.js'
import { LOAD_OPTIONS, LOAD_RUN_OPTIONS } from '../load/options.js'
import { leftBehind } from './run.js'

/** `scim-check load`: flags → RunConfig and a plan → load (or export) → reporters with the load section → exit code. */
export async function loadCommand(opts: Record<string, unknown>): Promise<number> {
  const flags: Partial<Record<keyof RunConfig | AuthInput, unknown>> = {}
  for (const o of LOAD_RUN_OPTIONS) {
    const v = opts[new Option(o.flags).attributeName()]
    if (v === undefined) continue
    flags[o.key] = o.parse && typeof v === 'string' ? o.parse(v, o.flags.split(' ')[0]) : v
  }
  const plan: PlanInput = {}
  for (const o of LOAD_OPTIONS) {
    const v = opts[new Option(o.flags).attributeName()]
    if (typeof v === 'string') plan[o.key] = o.parse(v)
  }
  // An export sends nothing: the target is given when the script runs (SCIM_URL, SCIM_TOKEN).
  if (opts.export !== undefined && flags.url === undefined) flags.builtin = true
  const configPath = (opts.config as string | undefined) ?? findConfigFile(process.cwd())
  const file = configPath ? loadConfigFile(configPath) : {}
  const config = resolveRunConfig({ ...flags, progress: opts.progress }, process.env, file)
  if (opts.export !== undefined) {
    if (opts.export !== 'artillery') throw new UsageError(`--export ${String(opts.export)}: the supported engine is artillery`)
    const { exportArtillery } = await import('../load/artillery.js')
    const dir = String(opts.exportDir ?? 'scim-check-artillery')
    const written = await exportArtillery(config, plan, dir)
    process.stdout.write(`wrote ${written.join(', ')}\nrun it with: SCIM_URL=<base> SCIM_TOKEN=<token> npx artillery run ${written[0]}\n`)
    return 0
  }
  if (config.reporters.length === 0) config.reporters.push({ name: 'pretty' })
  if (opts.output) {
    if (config.reporters.length !== 1) throw new UsageError('--output needs exactly one --reporter; with several, write name=file for each')
    config.reporters[0].file = String(opts.output)
  }
  // File reporters never silence the terminal: unless one of them writes to stdout, the pretty report does.
  if (!config.reporters.some((r) => !r.file)) config.reporters.push({ name: 'pretty' })
  const reporters = await Promise.all(config.reporters.map(async (r) => ({ spec: r, reporter: await loadReporter(r.name) })))
  const { load } = await import('../load/load.js')
  const { renderLoad } = await import('../load/render.js')

  const tty = !!process.stderr.isTTY
  const showProgress = !opts.quiet && (tty || !!opts.progress)
  const controller = new AbortController()
  let ledger: Ledger | undefined
  let stoppedBy: NodeJS.Signals | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stoppedBy) {
      stoppedBy = sig
      process.stderr.write(`\nscim-check: ${sig}: stopping the load and cleaning up (press Ctrl-C again to quit now)\n`)
      controller.abort()
      return
    }
    process.stderr.write(`scim-check: quit before cleanup finished; ${leftBehind(ledger)}\n`)
    process.exit(sig === 'SIGTERM' ? 143 : 130)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
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
    report = await load(config, plan, { signal: controller.signal, onProgress: progress, onLedger: (l) => (ledger = l) })
  } finally {
    if (showProgress && tty) process.stderr.write('\r\x1b[2K')
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
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
    if (spec.file) {
      mkdirSync(dirname(spec.file), { recursive: true })
      writeFileSync(spec.file, text)
    } else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  if (stoppedBy) return stoppedBy === 'SIGTERM' ? 143 : 130
  return exitCodeOf(report)
}
