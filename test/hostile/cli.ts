import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

/**
 * Vitest's own per-test limit for tests that spawn the CLI: generous, because each test asserts its own, tighter
 * bound on the CLI's run time (expectBounded), and CI runs every file in parallel on two cores.
 */
export const SPAWNS = { timeout: 60_000 }

/** The repository root and the real CLI entry point (the two-line shim that runs dist/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = join(ROOT, 'bin', 'scim-check')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

export interface CliOptions {
  env?: Record<string, string>
  /** Kill the CLI after this long: a test that gets here has found a hang. */
  killAfterMs?: number
  onStdout?: (chunk: string, all: string) => void
  onStderr?: (chunk: string, all: string) => void
}

export interface CliRun extends Promise<CliResult> {
  child: ChildProcess
}

/** Spawn `node bin/scim-check <args>` (built first with `npm run build`) and collect what it prints. */
export function runCli(args: string[], opts: CliOptions = {}): CliRun {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests (bin/scim-check runs the compiled CLI)')
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', SCIM_TOKEN: '', SCIM_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    stdout += c
    opts.onStdout?.(c, stdout)
  })
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c
    opts.onStderr?.(c, stderr)
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 20_000)
  const done = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  }) as CliRun
  done.child = child
  return done
}

/** A stack frame line, as Node prints them: what a user must never see. */
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m

/**
 * The line every hostile test holds: the CLI ended on its own within `withinMs`, with exit 1 (a result names the
 * broken rule) or 2 (one line on stderr says why), and never printed a stack trace or an internal error.
 */
export function expectBounded(r: CliResult, withinMs: number, codes: number[] = [1, 2]): void {
  expect(r.signal, `the CLI was killed (it hung); stderr: ${r.stderr}`).toBeNull()
  expect(r.ms).toBeLessThan(withinMs)
  expect(codes, `exit ${r.code}; stderr: ${r.stderr}`).toContain(r.code)
  expect(r.stderr).not.toMatch(STACK)
  expect(r.stdout).not.toMatch(STACK)
  expect(r.stderr).not.toMatch(/internal error|Unhandled|TypeError|RangeError|ReferenceError/)
  if (r.code === 2) {
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^scim-check: /)
  }
}

export interface JsonResult {
  id: string
  status: string
  message: string
  reason?: string
  actual?: string
  idp: string
  scenario: string
  step?: string
}

export interface JsonReport {
  results: JsonResult[]
  leftovers: { type: string; id: string; name?: string; state: string; reason: string }[]
  incomplete?: string
  warnings: string[]
  summary: Record<string, number>
}

/** The json reporter's output, parsed. */
export function report(r: CliResult): JsonReport {
  try {
    return JSON.parse(r.stdout) as JsonReport
  } catch {
    throw new Error(`stdout is not a JSON report (exit ${r.code}); stderr: ${r.stderr}; stdout starts: ${r.stdout.slice(0, 300)}`)
  }
}

/** Results that break the run: what an exit 1 must be explained by. */
export function broken(rep: JsonReport): JsonResult[] {
  return rep.results.filter((x) => x.status === 'fail' || x.status === 'error')
}

/** `run` arguments against a URL with a throwaway token and a short per-request timeout. */
export function runArgs(url: string, extra: string[] = [], timeoutMs = 500): string[] {
  return ['run', '--url', url, '--token', 'hostile-test-token', '--timeout', String(timeoutMs), '--reporter', 'json', ...extra]
}
