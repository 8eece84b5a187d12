import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadConfigText } from '../config/file.js'
import { UsageError } from '../errors.js'
import { expandIdps } from '../idp/registry.js'
import { renderInitConfig, type InitAnswers } from './template.js'

export interface InitOptions {
  /** Where to write; scim-check.yaml in the working directory by default. */
  file?: string
  force?: boolean
}

/**
 * Writes the commented scim-check.yaml. The answers are checked first (an http(s) URL, known profiles, a valid
 * variable name), and the text is loaded back through the config loader before it is written, so `init` can
 * never leave a file that `run` refuses.
 */
export function writeInitConfig(answers: InitAnswers, options: InitOptions = {}): { file: string; text: string } {
  const file = path.resolve(options.file ?? 'scim-check.yaml')
  if (existsSync(file) && !options.force) throw new UsageError(`${file} already exists; pass --force to overwrite it, or --file to write elsewhere`)
  if (answers.url !== undefined && !/^https?:\/\/\S+$/.test(answers.url)) throw new UsageError(`--url "${answers.url}" is not an http(s) URL; expected e.g. https://app.example.com/scim/v2`)
  if (answers.tokenEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(answers.tokenEnv)) throw new UsageError(`--token-env "${answers.tokenEnv}" is not an environment variable name, e.g. ACME_SCIM_TOKEN`)
  const idps = answers.idps?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  if (idps?.length) expandIdps(idps)
  const text = renderInitConfig({ ...answers, idps })
  // tokenEnv is only read at run time; here any value stands in for it.
  loadConfigText(text, file, { env: answers.tokenEnv ? { [answers.tokenEnv]: 'set-at-run-time' } : {} })
  writeFileSync(file, text)
  return { file, text }
}
