import { Option } from './commander.js'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ReporterSpec, RunConfig } from '../config/types.js'
import { findConfigFile, loadConfigFile } from '../config/file.js'
import { resolveRunConfig } from '../config/resolve.js'
import { UsageError } from '../errors.js'
import { loadReporter, type Reporter } from '../report/index.js'
import type { Ledger } from '../runner/ledger.js'
import type { AuthInput, OptionSpec } from './options.js'

/** What `run` and `load` share between argv and the library: flags, config, reporters, Ctrl-C, writing reports. */

type Flags = Partial<Record<keyof RunConfig | AuthInput, unknown>>

/** Commander's parsed values, keyed by RunConfig key, through each option's parser. */
export function flagsFrom(opts: Record<string, unknown>, table: readonly Pick<OptionSpec, 'flags' | 'key' | 'parse'>[]): Flags {
  const flags: Flags = {}
  for (const o of table) {
    const v = opts[new Option(o.flags).attributeName()]
    if (v === undefined) continue
    flags[o.key] = o.parse && typeof v === 'string' ? o.parse(v, o.flags.split(' ')[0]) : v
  }
  return flags
}

/** flags > env > scim-check.yaml (the --config file, or the one in the working directory). */
export function configFrom(opts: Record<string, unknown>, flags: Flags): RunConfig {
  const configPath = (opts.config as string | undefined) ?? findConfigFile(process.cwd())
  const file = configPath ? loadConfigFile(configPath) : {}
  return resolveRunConfig({ ...flags, progress: opts.progress }, process.env, file)
}

export interface ChosenReporter {
  spec: ReporterSpec
  reporter: Reporter
}

/**
 * The reporters, checked before any request: --output names the single reporter's file; file reporters never
 * silence the terminal (unless one of them writes to stdout, the pretty report does); one stdout writer at most.
 */
export async function reportersFor(config: RunConfig, output: unknown): Promise<ChosenReporter[]> {
  if (config.reporters.length === 0) config.reporters.push({ name: 'pretty' })
  if (output) {
    if (config.reporters.length !== 1) throw new UsageError('--output needs exactly one --reporter; with several, write name=file for each')
    config.reporters[0].file = String(output)
  }
  if (!config.reporters.some((r) => !r.file)) config.reporters.push({ name: 'pretty' })
  if (config.reporters.filter((r) => !r.file).length > 1) throw new UsageError('several reporters would write to stdout: give each but one a file, e.g. --reporter junit=report.xml')
  // Unknown reporter names fail before any request is sent.
  return Promise.all(config.reporters.map(async (r) => ({ spec: r, reporter: await loadReporter(r.name) })))
}

/** A rendered report to its file, or to stdout. */
export function writeReport(spec: ReporterSpec, text: string): void {
  if (spec.file) {
    mkdirSync(dirname(spec.file), { recursive: true })
    writeFileSync(spec.file, text)
  } else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

export interface Interruption {
  signal: AbortSignal
  onLedger(ledger: Ledger): void
  /** The signal that stopped the work, if one did. */
  readonly stoppedBy: NodeJS.Signals | undefined
  release(): void
}

/**
 * First signal: stop sending, clean up, write the partial reports (`stopping` says how). Second: quit now and say
 * what is left, with ids.
 */
export function interruptible(stopping: string): Interruption {
  const controller = new AbortController()
  let ledger: Ledger | undefined
  let stoppedBy: NodeJS.Signals | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stoppedBy) {
      stoppedBy = sig
      process.stderr.write(`\nscim-check: ${sig}: ${stopping} (press Ctrl-C again to quit now)\n`)
      controller.abort()
      return
    }
    process.stderr.write(`scim-check: quit before cleanup finished; ${leftBehind(ledger)}\n`)
    process.exit(exitOnSignal(sig))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    onLedger: (l) => (ledger = l),
    get stoppedBy() {
      return stoppedBy
    },
    release() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}

/** 128 + the signal's number, as shells report a process stopped by it. */
export function exitOnSignal(sig: NodeJS.Signals): number {
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
