import type { Exchange } from './exchange.js'

/** Transport failures in words a user can act on; the code is stable for tests and reporters. */
export function describeTransportError(err: unknown, url: URL, timeoutMs: number): NonNullable<Exchange['error']> {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } }
  const code = e?.code ?? e?.cause?.code ?? e?.name ?? 'unknown'
  const host = url.host
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(code)) {
    return { code: 'timeout', message: `no complete response from ${host} within ${timeoutMs} ms (raise --timeout if the server is just slow)` }
  }
  if (code === 'ECONNREFUSED') return { code: 'refused', message: `connection refused by ${host}: is the server running and the URL right?` }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message: `host name ${url.hostname} does not resolve: check the URL` }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return { code: 'tls', message: `TLS certificate of ${host} is not trusted (${code}): pass --ca <file> with its CA, or --insecure to skip verification` }
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return { code: 'reset', message: `connection to ${host} was closed or reset before the response was complete` }
  }
  if (code === 'HPE_INVALID_CONSTANT' || /^HPE_/.test(code)) return { code: 'protocol', message: `${host} sent a response that is not valid HTTP (${code})` }
  return { code, message: `request to ${host} failed: ${(e?.message ?? String(err)).split('\n')[0]}` }
}
