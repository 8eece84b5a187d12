import { spawn } from 'node:child_process'

export type Rotator = { command: string } | { rotate: () => string | Promise<string> }

/**
 * Run the user's rotate command (a shell command that prints the new token on stdout). The current token and
 * base URL are passed in the environment, never on the command line, so they do not show in process lists.
 */
export async function rotateToken(r: Rotator, ctx: { token?: string; url: string; timeoutMs: number }): Promise<{ token: string } | { error: string }> {
  if ('rotate' in r) {
    try {
      return { token: await r.rotate() }
    } catch (err) {
      return { error: `token rotation failed: ${(err as Error).message}` }
    }
  }
  return new Promise((resolve) => {
    const child = spawn(r.command, { shell: true, env: { ...process.env, SCIM_TOKEN: ctx.token ?? '', SCIM_URL: ctx.url }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ error: `--rotate-command did not finish within ${ctx.timeoutMs} ms` })
    }, ctx.timeoutMs)
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve({ error: `--rotate-command could not start: ${e.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const token = out.trim().split('\n').pop()?.trim() ?? ''
      if (code !== 0) resolve({ error: `--rotate-command exited with ${code}: ${err.trim().split('\n')[0] ?? ''}` })
      else if (!token) resolve({ error: '--rotate-command printed no token on stdout' })
      else resolve({ token })
    })
  })
}
