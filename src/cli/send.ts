import { HttpClient } from '../http/client.js'
import { Redactor } from '../http/redact.js'
import { UsageError } from '../errors.js'
import { PROFILE_NAMES, getProfile } from '../idp/registry.js'
import { startTarget } from '../runner/target.js'
import { actionOf, checkArgs, parseWith } from '../send/args.js'
import { renderSend } from '../send/render.js'
import { dryRunAction, sendAction } from '../send/send.js'
import { targetConfig } from './replay.js'

export interface SendFlags {
  idp?: string
  id?: string
  with?: string[]
  idpOption?: string[]
  dryRun?: boolean
  /** The one existing resource send may change: it never changes data it did not create otherwise. */
  yesModify?: string
  json?: boolean
  url?: string
  token?: string
  timeout?: string
  insecure?: boolean
  ca?: string
  config?: string
}

/** Where a dry run's requests point when no target is configured: it only has to read well. */
const PLACEHOLDER_URL = 'https://app.example.com/scim/v2'

/**
 * `scim-check send <action> --idp <profile>`: exit 0 when every request was answered 2xx (or in a dry run),
 * 1 when one was answered otherwise or got no answer, 2 for bad input or an unreachable target.
 */
export async function sendCommand(actionName: string, flags: SendFlags): Promise<number> {
  const action = actionOf(actionName)
  const idp = flags.idp ?? 'generic'
  if (idp === 'all' || idp.includes(',')) throw new UsageError(`send plays one IdP at a time: --idp ${PROFILE_NAMES.join(' | ')}`)
  const profile = getProfile(idp)
  const args = parseWith(flags.with ?? [], flags.id)
  checkArgs(action, args)
  const noTarget = flags.dryRun && !flags.url && !process.env.SCIM_URL
  const config = targetConfig({ ...flags, url: noTarget ? flags.url ?? PLACEHOLDER_URL : flags.url }, { idps: [profile.name], idpOptions: flags.idpOption ?? [] })
  const redactor = new Redactor(config.redact)
  const target = flags.dryRun ? { url: config.url!, token: config.token, close: async () => {} } : await startTarget(config)
  redactor.addSecret(target.token)
  const client = new HttpClient({ baseUrl: target.url, token: target.token, timeoutMs: config.timeoutMs, insecure: config.insecure, caFile: config.caFile, maxBodyBytes: config.maxBodyBytes, maxJsonDepth: config.maxJsonDepth, redactor })
  const input = { profile, action, args, config }
  let outcome
  try {
    outcome = flags.dryRun ? await dryRunAction(input, client, redactor) : await sendAction(input, client, flags.yesModify)
  } finally {
    await client.close()
    await target.close()
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ idp: profile.name, action, dryRun: !!flags.dryRun, exchanges: outcome.exchanges, expectations: outcome.expectations.map(({ id, finding }) => ({ id, ok: finding.ok, message: finding.message })), error: outcome.error }, null, 2)}\n`)
  else process.stdout.write(renderSend(outcome, { color: !!process.stdout.isTTY && !process.env.NO_COLOR, idp: profile.name, action, dryRun: !!flags.dryRun }))
  if (flags.dryRun) return outcome.error && outcome.exchanges.length === 0 ? 2 : 0
  if (outcome.refused) {
    // The refused request was printed above as the request send would have sent; the reason is one line.
    process.stderr.write(`scim-check: not sent: ${refusalLine(outcome.refused, flags.yesModify)}\n`)
    return 2
  }
  const unreachable = outcome.exchanges.find((x) => x.error && ['refused', 'dns', 'tls'].includes(x.error.code))
  if (unreachable && !outcome.exchanges.some((x) => x.response)) {
    process.stderr.write(`scim-check: cannot reach ${redactor.text(target.url)}: ${unreachable.error!.message}\n`)
    return 2
  }
  if (outcome.exchanges.length === 0) return 2
  return outcome.error || outcome.exchanges.some((x) => !x.response || x.response.status >= 300) ? 1 : 0
}

/** One line: what was not sent, and the flag that sends it. */
function refusalLine(why: string, approved: string | undefined): string {
  const id = /(?:Users|Groups)\/([^:]+):/.exec(why)?.[1] ?? /(?:put|user into group) (\S+)/.exec(why)?.[1]
  const how = id ? `pass --yes-modify ${id} to change that resource anyway` : 'pass --yes-modify <id> naming the resource to change it anyway'
  return `${why.replace(/^refused /, '')}${approved !== undefined ? ` (--yes-modify names ${approved})` : ''}; ${how}`
}
