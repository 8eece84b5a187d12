import path from 'node:path'
import { writeInitConfig } from '../init/init.js'

export interface InitFlags {
  url?: string
  idp?: string[]
  tokenEnv?: string
  file?: string
  force?: boolean
}

/** `scim-check init`: write a commented scim-check.yaml and say what to do next. */
export async function initCommand(flags: InitFlags): Promise<number> {
  const { file } = writeInitConfig({ url: flags.url, idps: flags.idp, tokenEnv: flags.tokenEnv }, { file: flags.file, force: flags.force })
  const shown = path.relative(process.cwd(), file) || file
  const steps = [
    `Wrote ${shown}.`,
    'Next:',
    ...(flags.url ? [] : [`  1. set url: in ${shown} to your SCIM base URL`]),
    `  ${flags.url ? 1 : 2}. export ${flags.tokenEnv ?? 'SCIM_TOKEN'}=<bearer token>   (never commit it)`,
    `  ${flags.url ? 2 : 3}. scim-check run${flags.file ? ` --config ${shown}` : ''}`,
  ]
  process.stdout.write(`${steps.join('\n')}\n`)
  return 0
}
