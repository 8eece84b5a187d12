import { Command, Option } from 'commander'
import { VERSION } from '../version.js'
import { RUN_OPTIONS } from './options.js'
import { exitWithError } from './exit.js'

/**
 * The CLI only parses flags and calls the library. Commands import their modules lazily so that
 * `scim-check --version` costs about what bare node costs.
 */
const collect = (v: string, prev: string[] = []) => [...prev, v]

export function program(): Command {
  const p = new Command('scim-check')
    .description('Plays the identity provider against a SCIM 2.0 endpoint and reports where it breaks RFC 7643/7644 or an IdP\'s expectations.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run scim-check --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s.split('\n')[0] + '\n') })
    .exitOverride()

  const run = p.command('run').description('run scenarios against a SCIM endpoint as one or more IdPs')
  for (const o of RUN_OPTIONS) {
    const opt = new Option(o.flags, o.help + (o.env ? ` [env ${o.env}]` : ''))
    run.addOption(o.repeatable ? opt.argParser(collect) : opt)
  }
  run
    .option('--output <file>', 'write the (single) reporter to this file')
    .option('--config <file>', 'config file (default ./scim-check.yaml when present)')
    .option('--progress', 'show progress even when not on a TTY')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'list passing checks too')
    .action(async (opts) => {
      const { runCommand } = await import('./run.js')
      process.exitCode = await runCommand(opts)
    })

  p.command('serve')
    .description('run the built-in reference SCIM server')
    .option('--port <n>', 'port (default 8080; 0 = any free port)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--token <token>', 'bearer token clients must send [env SCIM_TOKEN]')
    .option('--fault <name>', 'inject a named defect (repeatable; see scim-check list faults)', collect)
    .option('--variant <name>', 'a correct-but-different behaviour (repeatable)', collect)
    .action(async (opts) => {
      const { serveCommand } = await import('./serve.js')
      await serveCommand(opts)
    })

  p.command('list')
    .description('list scenarios, idps, checks or faults')
    .argument('<what>', 'scenarios | idps | checks | faults')
    .action(async (what: string) => {
      const { listCommand } = await import('./list.js')
      await listCommand(what)
    })

  p.command('validate')
    .description('validate scenario files')
    .argument('<files...>', 'scenario YAML files')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./validate.js')
      process.exitCode = await validateCommand(files)
    })
  return p
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv)
  } catch (err) {
    exitWithError(err)
  }
}

await main(process.argv)
