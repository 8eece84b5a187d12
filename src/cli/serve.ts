import { startServer } from '../server/index.js'
import { UsageError } from '../errors.js'

/** `scim-check serve`: the reference server in the foreground until Ctrl-C. */
export async function serveCommand(opts: { port: string; host: string; token?: string; fault?: string[]; variant?: string[] }): Promise<void> {
  const port = Number(opts.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got "${opts.port}")`)
  const server = await startServer({ port, host: opts.host, token: opts.token ?? process.env.SCIM_TOKEN, faults: opts.fault ?? [], variants: opts.variant ?? [] }).catch((err: Error) => {
    throw new UsageError(err.message)
  })
  const faults = opts.fault?.length ? ` with faults: ${opts.fault.join(', ')}` : ''
  process.stdout.write(`scim-check reference server listening on ${server.url}${faults}\n`)
  if (!opts.token && !process.env.SCIM_TOKEN) process.stdout.write(`token: ${server.token} (demo token; pass --token or SCIM_TOKEN to choose one)\n`)
  process.stdout.write(`rotate the token: POST ${new URL(server.url).origin}/_admin/rotate-token with the current token\n`)
  const stop = async () => {
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
