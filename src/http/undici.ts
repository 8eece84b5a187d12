import { createRequire } from 'node:module'
import type { Agent as UndiciAgent, Dispatcher } from 'undici'

// undici's index loads every dispatcher, its mocks, cache stores, interceptors and fetch: 87 ms of a two-core
// machine's start-up, more than the rest of a run's modules together. The client needs the Agent and the request
// API alone (31 ms), so it loads those two modules of the same pinned package (undici declares no `exports`, so
// its files are its public surface; the client and OAuth tests exercise both). Dispatch is unchanged: it is undici's own code.
const require = createRequire(import.meta.url)

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent
export type Agent = UndiciAgent

const requestApi = require('undici/lib/api/api-request.js') as (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>

/** undici's `Dispatcher#request` on `dispatcher` (undici's process-wide agent when none is given). */
export function request(opts: Dispatcher.RequestOptions, dispatcher?: Dispatcher): Promise<Dispatcher.ResponseData> {
  return requestApi.call(dispatcher ?? (require('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher }).getGlobalDispatcher(), opts)
}
