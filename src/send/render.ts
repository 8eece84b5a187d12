import { Chalk } from 'chalk'
import { excerptRequest, excerptResponse, oneLine, printable, reproduce } from '../report/excerpt.js'
import type { SendOutcome } from './send.js'

const READS = /^(get|find|list|testConnection)/

/** Whole bodies: `send` is read by a person at a terminal who asked for exactly this exchange. */
const FULL = { maxLines: 2000, maxChars: 200_000 }

/**
 * Each request, its response (or "not sent"), and a curl line that repeats it with the token as $SCIM_TOKEN;
 * then any IdP expectation the action judged. Text from the target is made printable first.
 */
export function renderSend(outcome: SendOutcome, opts: { color: boolean; idp: string; action: string; dryRun: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 })
  const n = outcome.exchanges.length
  const lines = [c.bold(`${opts.idp} ${opts.action}: ${n} request${n === 1 ? '' : 's'}${opts.dryRun ? ' (dry run: nothing was sent)' : ''}`)]
  outcome.exchanges.forEach((x, i) => {
    lines.push('', c.dim(`── request${n > 1 ? ` ${i + 1} of ${n}` : ''} ──`), printable(excerptRequest(x.request, FULL)))
    if (!opts.dryRun) lines.push('', c.dim('── response ──'), printable(excerptResponse(x, FULL)))
    lines.push('', `${c.dim('reproduce:')} ${oneLine(reproduce(x.request))}`)
  })
  const last = outcome.exchanges.at(-1)
  // A write action whose last request is a read was waiting for that answer (Okta's GET-then-PUT).
  if (opts.dryRun && last?.request.method === 'GET' && !READS.test(opts.action)) lines.push('', c.dim('Requests an IdP sends only after reading a response (such as the PUT of a GET-then-PUT) are not shown in a dry run.'))
  if (outcome.expectations.length) lines.push('', c.bold('IdP expectations judged on the way:'))
  for (const { id, finding } of outcome.expectations) {
    const mark = finding.ok === true ? c.green('✓') : finding.ok === false ? c.red('✗') : c.dim('-')
    lines.push(`${mark} ${oneLine(id)}: ${oneLine(finding.message)}`)
  }
  if (outcome.error) lines.push('', c.red(`stopped: ${oneLine(outcome.error)}`))
  return `${lines.join('\n')}\n`
}
