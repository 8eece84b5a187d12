/**
 * Exit codes: 0 = no failure at the --fail-on level, 1 = failures, 2 = bad usage, bad config or scenario file,
 * target unreachable, or a run that judged nothing for a selected profile (never green on nothing). Every code-2
 * path prints exactly one line on stderr and never a stack trace.
 */
export const EXIT = { ok: 0, failures: 1, usage: 2 } as const

const KNOWN = new Set(['UsageError', 'TargetError', 'ScenarioError', 'ConfigError', 'TemplateError', 'SuiteError'])

export function exitWithError(err: unknown): never {
  const e = err as { name?: string; code?: string; message?: string; exitCode?: number }
  // commander already printed its one line (help, version, unknown option).
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : EXIT.usage)
  }
  const line = (e?.message ?? String(err)).split('\n')[0]
  if (KNOWN.has(e?.name ?? '')) process.stderr.write(`scim-check: ${line}\n`)
  else {
    process.stderr.write(`scim-check: internal error: ${line} (set SCIM_CHECK_DEBUG=1 for details, and please report it)\n`)
    if (process.env.SCIM_CHECK_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`)
  }
  process.exit(EXIT.usage)
}
