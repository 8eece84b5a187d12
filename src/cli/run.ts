import { Option } from 'commander'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RunConfig } from '../config/types.js'
import { findConfigFile, loadConfigFile } from '../config/file.js'
import { resolveRunConfig } from '../config/resolve.js'
import { UsageError } from '../errors.js'
import { loadReporter } from '../report/index.js'
import { exitCodeOf, nothingJudged } from '../result/summary.js'
import type { Ledger } from '../runner/ledger.js'
import type { RunReport } from '../runner/report.js'
import { run } from '../runner/run.js'
import { EXIT } from './exit.js'
import { RUN_OPTIONS, type AuthInput } from './options.js'
import { progressPrinter } from './progress.js'

/** `scim-check run`: flags → RunConfig → run → reporters → exit code. */
export async function runCommand(opts: Record<string, unknown>): Promise<number> {
  const flags: Partial<Record<keyof RunConfig | AuthInput, unknown>> = {}
  for (const o of RUN_OPTIONS) {
    const v = opts[new Option(o.flags).attributeName()]
    if (v === undefined) continue
    flags[o.key] = o.parse && typeof v === 'string' ? o.parse(v, o.flags.split(' ')[0]) : v
  }
  const configPath = (opts.config as string | undefined) ?? findConfigFile(process.cwd())
  const file = configPath ? loadConfigFile(configPath) : {}
  const config = resolveRunConfig({ ...flags, progress: opts.progress }, process.env, file)
  if (config.reporters.length === 0) config.reporters.push({ name: 'pretty' })
  if (opts.output) {
    if (config.reporters.length !== 1) throw new UsageError('--output needs exactly one --reporter; with several, write name=file for each')
    config.reporters[0].file = String(opts.output)
  }
  // File reporters never silence the terminal: unless one of them writes to stdout, the pretty report does.
  if (!config.reporters.some((r) => !r.file)) config.reporters.push({ name: 'pretty' })
  if (config.reporters.filter((r) => !r.file).length > 1) throw new UsageError('several reporters would write to stdout: give each but one a file, e.g. --reporter junit=report.xml')
  // Unknown reporter names fail before any request is sent.
  const reporters = await Promise.all(config.reporters.map(async (r) => ({ spec: r, reporter: await loadReporter(r.name) })))

  const tty = !!process.stderr.isTTY
  const showProgress = !opts.quiet && (tty || !!opts.progress)
  const controller = new AbortController()
  let ledger: Ledger | undefined
  let stoppedBy: NodeJS.Signals | undefined
  // First signal: stop sending new steps, clean up, write the partial reports. Second: quit now and say what is left.
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stoppedBy) {
      stoppedBy = sig
      process.stderr.write(`\nscim-check: ${sig}: stopping after the current request and cleaning up (press Ctrl-C again to quit now)\n`)
      controller.abort()
      return
    }
    process.stderr.write(`scim-check: quit before cleanup finished; ${leftBehind(ledger)}\n`)
    process.exit(exitOnSignal(sig))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const progress = showProgress ? progressPrinter(process.stderr, tty) : undefined
  let report: RunReport
  try {
    report = await run(config, { signal: controller.signal, onProgress: progress?.update, onLedger: (l) => (ledger = l) })
  } finally {
    progress?.done()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }

  // A run that judged nothing exits 2 with one line; report files are still written, for whoever looks at them.
  const named = !config.idps.some((spec) => spec.split(',').some((s) => s.trim() === 'all'))
  const nothing = stoppedBy || report.incomplete ? undefined : nothingJudged(report, { each: named })
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR
  for (const { spec, reporter } of reporters) {
    if (nothing && !spec.file) continue
    const text = reporter.render(report, { color: spec.file ? false : color, verbose: !!opts.verbose })
    if (spec.file) {
      mkdirSync(dirname(spec.file), { recursive: true })
      writeFileSync(spec.file, text)
    } else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  if (config.transcript) {
    const { writeTranscript } = await import('../report/transcript.js')
    writeTranscript(config.transcript, report, { redact: config.redact, secrets: [config.token ?? ''] })
  }
  if (stoppedBy) return exitOnSignal(stoppedBy)
  if (nothing) {
    process.stderr.write(`scim-check: ${nothing}\n`)
    return EXIT.usage
  }
  return exitCodeOf(report)
}

/** 128 + the signal's number, as shells report a process stopped by it. */
function exitOnSignal(sig: NodeJS.Signals): number {
  return sig === 'SIGTERM' ? 143 : 130
}

/** The one line a second Ctrl-C prints: every resource the run may have left, with ids, so it can be removed by hand. */
export function leftBehind(ledger: Ledger | undefined): string {
  if (!ledger) return 'nothing left behind'
  const items = [...ledger.list(), ...ledger.abandoned].map((o) => `${o.type} ${o.id}${o.name ? ` (${o.name})` : ''}`)
  items.push(...ledger.uncertain.map((u) => `${u.type} with unknown id (${u.name}; its create got no answer)`))
  items.push(...ledger.unproven.map((u) => `${u.type} ${u.id} (not deleted: not proven the run's)`))
  return items.length ? `left behind: ${items.join(', ')}` : 'nothing left behind'
}
