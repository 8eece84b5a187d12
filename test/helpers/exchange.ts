import type { Exchange } from '../../src/http/exchange.js'
import type { CheckContext } from '../../src/checks/define.js'

/** A crafted exchange for judging a check on a deliberately broken (or correct) response without a server. */
export function exchange(p: {
  method?: string
  path?: string
  status?: number
  headers?: Record<string, string>
  body?: unknown
  requestBody?: unknown
  requestHeaders?: Record<string, string>
  error?: { code: string; message: string }
}): Exchange {
  const text = p.body === undefined ? '' : typeof p.body === 'string' ? p.body : JSON.stringify(p.body)
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return {
    index: 0,
    request: {
      method: p.method ?? 'GET',
      url: `http://127.0.0.1:1/scim/v2${p.path ?? '/Users'}`,
      headers: { accept: 'application/scim+json', authorization: 'Bearer [REDACTED]', ...(p.requestHeaders ?? {}) },
      body: p.requestBody === undefined ? undefined : JSON.stringify(p.requestBody),
    },
    response: p.error
      ? undefined
      : {
          status: p.status ?? 200,
          headers: { 'content-type': 'application/scim+json', ...(p.headers ?? {}) },
          body: text,
          json,
          parseError: text && json === undefined ? 'invalid JSON' : undefined,
        },
    error: p.error,
    startedAt: new Date().toISOString(),
    durationMs: 1,
    scenario: 'test',
    idp: 'generic',
  }
}

export function context(over: Partial<CheckContext> = {}): CheckContext {
  return { idp: 'generic', scenario: 'test', vars: {}, args: {}, discovery: {}, history: [], ownIds: new Set(), baseUrl: 'http://127.0.0.1:1/scim/v2/', ...over }
}
