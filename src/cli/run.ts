import { nothingJudged, exitCodeOf } from '../result/summary.js'
import type { RunReport } from '../runner/report.js'
import { run } from '../runner/run.js'
import { configFrom, exitOnSignal, flagsFrom, interruptible, reportersFor, writeReport } from './common.js'
import { EXIT } from './exit.js'
import { RUN_OPTIONS } from './options.js'
import { progressPrinter } from './progress.js'
import { tierUpLater } from './tiering.js'

/** `scim-check run`: flags → RunConfig → run → reporters → exit code. */
export async function runCommand(opts: Record<string, unknown>): Promise<number> {
  const config = configFrom(opts, flagsFrom(opts, RUN_OPTIONS))
  // The built-in server shares this process, and its request handling is what is hot there.
  if (!config.builtin) tierUpLater()
  const reporters = await reportersFor(config, opts.output)

  const tty = !!process.stderr.isTTY
  const showProgress = !opts.quiet && (tty || !!opts.progress)
  const stop = interruptible('stopping after the current request and cleaning up')
  const progress = showProgress ? progressPrinter(process.stderr, tty) : undefined
  let report: RunReport
  try {
    const opts = { signal: stop.signal, onProgress: progress?.update, onLedger: stop.onLedger }
    // A suite is loaded lazily: a plain run never reads the suite files.
    report = config.suite ? await (await import('../suites/run.js')).runSuite(config, config.suite, opts) : await run(config, opts)
  } finally {
    progress?.done()
    stop.release()
  }

  // A run that judged nothing exits 2 with one line; report files are still written, for whoever looks at them.
  const named = !config.idps.some((spec) => spec.split(',').some((s) => s.trim() === 'all' || s.trim().startsWith('all:')))
  const nothing = stop.stoppedBy || report.incomplete ? undefined : report.suite ? suiteNothing(report.suite) : nothingJudged(report, { each: named })
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR
  for (const { spec, reporter } of reporters) {
    if (nothing && !spec.file) continue
    writeReport(spec, reporter.render(report, { color: spec.file ? false : color, verbose: !!opts.verbose }))
  }
  if (config.transcript) {
    const { writeTranscript } = await import('../report/transcript.js')
    writeTranscript(config.transcript, report, { redact: config.redact, secrets: [config.token ?? ''] })
  }
  if (stop.stoppedBy) return exitOnSignal(stop.stoppedBy)
  if (nothing) {
    process.stderr.write(`scim-check: ${nothing}\n`)
    return EXIT.usage
  }
  // A failed suite step fails the run even when its evidence is the paced load, whose results are the suite's own.
  return report.suite?.verdict === 'fail' ? EXIT.failures : exitCodeOf(report)
}

/** Never green on nothing: a suite where no step was judged (all skipped or not checkable offline) is no pass. */
function suiteNothing(suite: NonNullable<RunReport['suite']>): string | undefined {
  if (suite.verdict !== 'empty') return undefined
  return `nothing was judged for suite ${suite.name}: every step was skipped or is not checkable offline`
}

export { leftBehind } from './common.js'
