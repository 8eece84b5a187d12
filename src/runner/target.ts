import type { RunConfig } from '../config/types.js'
import { UsageError } from '../errors.js'

export interface Target {
  url: string
  token?: string
  builtin: boolean
  rotate?: () => string
  close(): Promise<void>
}

/** The user's endpoint, or the built-in reference server started in-process on an ephemeral port. */
export async function startTarget(config: RunConfig): Promise<Target> {
  if (config.builtin) {
    const { startServer } = await import('../server/index.js')
    const server = await startServer({ port: 0, faults: config.builtinFaults, variants: config.builtinVariants, quiet: true }).catch((err: Error) => {
      throw new UsageError(err.message)
    })
    return { url: server.url, token: server.token, builtin: true, rotate: () => server.rotateToken(), close: () => server.close() }
  }
  if (!config.url) throw new UsageError('no target: pass --url <base> (or set SCIM_URL), or --builtin to test the built-in reference server')
  let url: URL
  try {
    url = new URL(config.url)
  } catch {
    throw new UsageError(`--url "${config.url}" is not a URL; expected e.g. https://app.example.com/scim/v2`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https (got ${url.protocol})`)
  return { url: url.toString().replace(/\/+$/, ''), token: config.token, builtin: false, close: async () => {} }
}
