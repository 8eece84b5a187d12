import { createRequire } from 'node:module'
import type { Agent as UndiciAgent, Dispatcher } from 'undici'

// undici's index loads every dispatcher, its mocks, cache stores, interceptors and fetch: 87 ms of a two-core
// machine's start-up, more than the rest of a run's modules together. The client needs the Agent and the request
// API alone (31 ms), so it loads those modules of the same package. undici declares no `exports`, so its files can be
// required; should a later undici move them, the whole index is loaded instead and nothing else changes.
const require = createRequire(import.meta.url)

type RequestApi = (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
type Undici = typeof import('undici')

function part<T>(file: string, fromIndex: (undici: Undici) => T): T {
  try {
    return require(file) as T
  } catch {
    return fromIndex(require('undici') as Undici)
  }
}

export const Agent = part<typeof UndiciAgent>('undici/lib/dispatcher/agent.js', (u) => u.Agent)
export type Agent = UndiciAgent

/** undici's own header parser: names lower-cased, repeated headers as arrays, exactly as its request API gives them. */
export const parseHeaders = part<{ parseHeaders(raw: Buffer[]): Record<string, string | string[]> }>('undici/lib/core/util.js', (u) => u.util as never).parseHeaders

const requestApi = part<RequestApi>('undici/lib/api/api-request.js', (u) => u.Dispatcher.prototype.request as RequestApi)

/** undici's `Dispatcher#request` on `dispatcher` (undici's process-wide agent when none is given). */
export function request(opts: Dispatcher.RequestOptions, dispatcher?: Dispatcher): Promise<Dispatcher.ResponseData> {
  return requestApi.call(dispatcher ?? part<{ getGlobalDispatcher(): Dispatcher }>('undici/lib/global.js', (u) => u).getGlobalDispatcher(), opts)
}
