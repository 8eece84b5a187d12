import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/scim-check', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Run the real, compiled CLI (bin → dist) as a user would, with a hard deadline so a hang fails the test. */
export function cli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', SCIM_URL: undefined, SCIM_TOKEN: undefined, ...opts.env }
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
    const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, cwd: opts.cwd })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`scim-check ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 20000} ms\n${stderr}`))
    }, opts.timeoutMs ?? 20000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
