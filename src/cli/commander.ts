import { createRequire } from 'node:module'
import type * as Commander from 'commander'

// commander is CommonJS. Its ESM entry wraps the same module and has Node lex the CommonJS source for export names:
// 15–23 ms of every start-up against 11–14 ms required directly (the same classes either way).
const commander = createRequire(import.meta.url)('commander') as typeof Commander

export const Command = commander.Command
export type Command = Commander.Command
export const Option = commander.Option
export type Option = Commander.Option
