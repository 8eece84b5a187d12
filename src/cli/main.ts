import { setFlagsFromString } from 'node:v8'
import { Command, Option } from './commander.js'
import { VERSION } from '../version.js'
import { RUN_OPTIONS } from './options.js'
import { exitWithError } from './exit.js'
import { LOAD_OPTIONS, LOAD_RUN_OPTIONS } from '../load/options.js'

/**
 * The CLI only parses flags and calls the library. Commands import their modules lazily so that
 * `scim-check --version` costs about what bare node costs.
 */
const collect = (v: string, prev: string[] = []) => [...prev, v]

// undici parses HTTP with llhttp compiled to WebAssembly. After a few hundred responses V8 recompiles its large parser
// function with TurboFan on a background thread: that takes about 30 MB of compiler memory (the peak RSS of a short
// run: 110 MiB with it, 75 MiB without) and a core for a second or more, which on two cores is taken from the run and
// the server. The baseline compiler's code parses our responses fast enough, so the optimizing tier is never used.
// Set before undici compiles the module (it is loaded only by the commands that send); flags cannot be passed to a
// process already started, and re-executing node would double start-up.
setFlagsFromString('--liftoff-only')

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
      // Sized for memory only past 32 MiB of heap in use: a full run of the built-in scenarios reaches it, if at all,
      // only while it writes its reports (see heap.ts).
      const { sizeHeapForMemoryPast } = await import('./heap.js')
      sizeHeapForMemoryPast(32 * 2 ** 20)
      const { runCommand } = await import('./run.js')
      process.exitCode = await runCommand(opts)
    })

  const loadCmd = p.command('load').description("replay an IdP's initial sync at volume (users, groups, import, offboarding), judge the end state, and say what the IdP would do with throttling")
  for (const o of LOAD_RUN_OPTIONS) {
    const opt = new Option(o.flags, o.help + (o.env ? ` [env ${o.env}]` : ''))
    loadCmd.addOption(o.repeatable ? opt.argParser(collect) : opt)
  }
  for (const o of LOAD_OPTIONS) loadCmd.option(o.flags, o.help)
  loadCmd
    .option('--export <engine>', 'write the same traffic as a script for a distributed engine instead of sending it (artillery)')
    .option('--export-dir <dir>', 'where --export writes (default ./scim-check-artillery)')
    .option('--output <file>', 'write the (single) reporter to this file')
    .option('--config <file>', 'config file (default ./scim-check.yaml when present)')
    .option('--progress', 'show progress even when not on a TTY')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'list passing checks too')
    .action(async (opts) => {
      const { loadCommand } = await import('./load.js')
      process.exitCode = await loadCommand(opts)
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
    .description('list scenarios, idps, checks, faults, variants or suites')
    .argument('<what>', 'scenarios | idps | checks | faults | variants | suites')
    .option('--json', 'print the list as JSON, for tooling')
    .action(async (what: string, opts: { json?: boolean }) => {
      const { listCommand } = await import('./list.js')
      await listCommand(what, { json: !!opts.json })
    })

  p.command('validate')
    .description('validate scenario files')
    .argument('<files...>', 'scenario YAML files')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./validate.js')
      process.exitCode = await validateCommand(files)
    })
  p.command('replay')
    .description('send the requests of a transcript (HAR) to another target, in order, and report where the responses differ')
    .argument('<transcript>', 'HAR file written by scim-check run --transcript')
    .option('--url <base>', 'target SCIM base URL [env SCIM_URL]')
    .option('--token <token>', 'bearer token (prefer the SCIM_TOKEN environment variable) [env SCIM_TOKEN]')
    .option('--builtin', 'replay against the built-in reference server')
    .option('--fault <name>', 'with --builtin: inject a named defect (repeatable)', collect)
    .option('--variant <name>', 'with --builtin: a correct-but-different behaviour (repeatable)', collect)
    .option('--ignore <path>', 'body path whose differences are not reported, e.g. totalResults (repeatable)', collect)
    .option('--timeout <ms>', 'per-request timeout in ms')
    .option('--insecure', 'do not verify the TLS certificate')
    .option('--ca <file>', 'PEM file with the CA that signed the server certificate')
    .option('--config <file>', 'config file (default ./scim-check.yaml when present)')
    .option('--transcript <file>', "write this replay's own exchanges as HAR 1.2 (redacted)")
    .option('--json', 'print the comparison as JSON')
    .option('--verbose', 'list matching requests too')
    .option('--progress', 'show progress even when not on a TTY')
    .option('--quiet', 'no progress output')
    .action(async (file: string, opts) => {
      const { replayCommand } = await import('./replay.js')
      process.exitCode = await replayCommand(file, opts)
    })

  p.command('send')
    .description('send one request exactly as an IdP does (e.g. send deactivateUser --idp entra --id 2819c223), printing request and response')
    .argument('<action>', 'createUser, getUser, findUser, updateUser, deactivateUser, deleteUser, createGroup, addMembers, ...')
    .option('--idp <profile>', 'the IdP whose request to send', 'generic')
    .option('--id <id>', 'the resource id the action works on')
    .option('--with <key=value>', 'an action argument, e.g. userName=ada@example.com or changes.title=VP; JSON values allowed (repeatable)', collect)
    .option('--idp-option <idp.option=value>', 'profile option, e.g. okta.app=aiw (repeatable)', collect)
    .option('--dry-run', 'print the request without sending it')
    .option('--yes-modify <id>', 'allow changing (PUT, PATCH, DELETE, membership) this existing resource, which send did not create')
    .option('--url <base>', 'SCIM base URL [env SCIM_URL]')
    .option('--token <token>', 'bearer token (prefer the SCIM_TOKEN environment variable) [env SCIM_TOKEN]')
    .option('--timeout <ms>', 'per-request timeout in ms')
    .option('--insecure', 'do not verify the TLS certificate')
    .option('--ca <file>', 'PEM file with the CA that signed the server certificate')
    .option('--config <file>', 'config file (default ./scim-check.yaml when present)')
    .option('--json', 'print the exchanges as JSON')
    .action(async (action: string, opts) => {
      const { sendCommand } = await import('./send.js')
      process.exitCode = await sendCommand(action, opts)
    })

  p.command('baseline')
    .description('write an accepted-findings file from a JSON report (scim-check baseline write report.json)')
    .argument('<action>', 'write')
    .argument('<report>', 'JSON report written with --reporter json=<file>')
    .option('--output <file>', 'where to write (default scim-check.baseline.yaml)')
    .option('--reason <text>', 'the reason written into every entry (edit them afterwards)')
    .option('--force', 'overwrite an existing file')
    .action(async (action: string, report: string, opts) => {
      if (action !== 'write') {
        const { UsageError } = await import('../errors.js')
        throw new UsageError(`unknown baseline action "${action}"; valid: write`)
      }
      const { baselineWriteCommand } = await import('./baseline.js')
      process.exitCode = await baselineWriteCommand(report, opts)
    })

  p.command('diff')
    .description('compare two JSON reports: what was fixed, what is new, what changed (exit 1 when something is new)')
    .argument('<before>', 'the earlier JSON report')
    .argument('<after>', 'the later JSON report')
    .option('--json', 'print the comparison as JSON')
    .action(async (before: string, after: string, opts) => {
      const { diffCommand } = await import('./baseline.js')
      process.exitCode = await diffCommand(before, after, opts)
    })

  p.command('init')
    .description('write a commented scim-check.yaml for your endpoint')
    .option('--url <base>', 'your SCIM base URL')
    .option('--idp <profiles>', 'IdP profile(s) to play, e.g. okta,entra or all (repeatable)', collect)
    .option('--token-env <name>', 'environment variable that will hold the token (default SCIM_TOKEN)')
    .option('--file <path>', 'where to write', 'scim-check.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (opts) => {
      const { initCommand } = await import('./init.js')
      process.exitCode = await initCommand(opts)
    })
  return p
}

/** `scim-check list checks | head -1`: a reader that stops reading ends the output quietly, never with a stack trace. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
    throw err
  })
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout)
  quietOnClosedPipe(process.stderr)
  try {
    await program().parseAsync(argv)
  } catch (err) {
    exitWithError(err)
  }
}

await main(process.argv)
