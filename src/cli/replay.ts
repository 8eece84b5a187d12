import type { RunConfig } from '../config/types.js'
import { DEFAULTS } from '../config/types.js'
import { findConfigFile, loadConfigFile } from '../config/file.js'
import { resolveRunConfig } from '../config/resolve.js'
import { UsageError } from '../errors.js'
import { readTranscript, writeTranscript } from '../report/transcript.js'
import { replay } from '../replay/replay.js'
import { renderReplay, replayJson } from '../replay/render.js'
import { startTarget } from '../runner/target.js'
import { VERSION } from '../version.js'
import { progressPrinter } from './progress.js'

export interface ReplayFlags {
  url?: string
  token?: string
  builtin?: boolean
  fault?: string[]
  variant?: string[]
  ignore?: string[]
  timeout?: string
  insecure?: boolean
  ca?: string
  config?: string
  json?: boolean
  transcript?: string
  verbose?: boolean
  progress?: boolean
  quiet?: boolean
}

/** The target settings `run` would use (flags > env > scim-check.yaml), so a replay goes where a run would. */
export function targetConfig(flags: Pick<ReplayFlags, 'url' | 'token' | 'builtin' | 'fault' | 'variant' | 'timeout' | 'insecure' | 'ca' | 'config'>, extra: Partial<Record<keyof RunConfig, unknown>> = {}): RunConfig {
  const configPath = flags.config ?? findConfigFile(process.cwd())
  const file = configPath ? loadConfigFile(configPath) : {}
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout)
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new UsageError(`--timeout must be a positive whole number of milliseconds (got "${flags.timeout}")`)
  return resolveRunConfig(
    { url: flags.url, token: flags.token, builtin: flags.builtin, builtinFaults: flags.fault, builtinVariants: flags.variant, timeoutMs, insecure: flags.insecure, caFile: flags.ca, ...extra },
    process.env,
    file,
  )
}

/** `scim-check replay <transcript>`: exit 0 when every response matches the recording, 1 when some differ, 2 for bad input or no target. */
export async function replayCommand(file: string, flags: ReplayFlags): Promise<number> {
  const har = readTranscript(file)
  const config = targetConfig(flags)
  const target = await startTarget(config)
  const controller = new AbortController()
  const onSignal = () => {
    process.stderr.write('\nscim-check: stopping after the current request and cleaning up\n')
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  const tty = !!process.stderr.isTTY
  const progress = !flags.quiet && !flags.json && (tty || flags.progress) ? progressPrinter(process.stderr, tty) : undefined
  let report
  try {
    report = await replay(har, {
      url: target.url,
      token: target.token,
      timeoutMs: config.timeoutMs,
      insecure: config.insecure,
      caFile: config.caFile,
      maxBodyBytes: config.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
      maxJsonDepth: config.maxJsonDepth ?? DEFAULTS.maxJsonDepth,
      redact: config.redact,
      ignore: flags.ignore,
      signal: controller.signal,
      onEntry: progress && ((e, n, total) => progress.update({ idp: e.idp ?? '', scenario: e.scenario ?? '', step: `${e.method} ${e.path}`, index: n, total })),
    })
  } finally {
    progress?.done()
    process.off('SIGINT', onSignal)
    await target.close()
  }
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR
  process.stdout.write(flags.json ? replayJson(report) : renderReplay(report, { color, verbose: flags.verbose }))
  if (flags.transcript) {
    writeTranscript(flags.transcript, {
      tool: { name: 'scim-check', version: VERSION },
      target: { url: report.target, builtin: target.builtin },
      runId: 'replay',
      exchanges: report.exchanges,
    }, { redact: config.redact, secrets: [target.token ?? ''] })
  }
  if (controller.signal.aborted) return 130
  return report.summary.differs > 0 ? 1 : 0
}
