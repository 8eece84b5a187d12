import { existsSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { baselineFromReport, writeBaseline } from '../result/baseline.js'
import { diffReports, loadReport as readReport, renderDiff } from '../result/diff.js'

/** `scim-check baseline write <report.json>`: accept every open finding of a report, with one reason to edit. */
export async function baselineWriteCommand(report: string, opts: { output?: string; reason?: string; force?: boolean }): Promise<number> {
  const file = opts.output ?? 'scim-check.baseline.yaml'
  if (existsSync(file) && !opts.force) throw new UsageError(`${file} exists; pass --force to overwrite it, or --output <file>`)
  const text = baselineFromReport(readReport(report), opts.reason ?? 'accepted when the baseline was written; replace with the real reason')
  writeBaseline(file, text)
  const n = (text.match(/^ {2}- check:/gm) ?? []).length
  process.stdout.write(`wrote ${file}: ${n} accepted finding${n === 1 ? '' : 's'}; give each a real reason\n`)
  return 0
}

/** `scim-check diff <before.json> <after.json>`: fixed, new, changed. Exit 1 when the later run has new findings. */
export async function diffCommand(before: string, after: string, opts: { json?: boolean }): Promise<number> {
  const d = diffReports(readReport(before), readReport(after))
  process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d))
  return d.new.length ? 1 : 0
}
