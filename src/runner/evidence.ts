import type { Exchange } from '../http/exchange.js'
import type { Result } from '../result/types.js'

const MAX = 1200

/** Redacted request/response excerpts and a one-line reproduction, with the token written as $SCIM_TOKEN. */
export function evidenceOf(x: Exchange): NonNullable<Result['evidence']> {
  const req = x.request
  const reqHead = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\n')
  const request = `${req.method} ${req.url}\n${reqHead}${req.body ? `\n\n${clip(req.body)}` : ''}`
  let response: string | undefined
  if (x.response) {
    const ct = x.response.headers['content-type']
    response = `${x.response.status}${ct ? `\ncontent-type: ${ct}` : ''}${x.response.body ? `\n\n${clip(x.response.body)}` : ''}`
  } else if (x.error) response = `(no response: ${x.error.message})`
  return { request, response, reproduce: curlOf(x) }
}

export function curlOf(x: Exchange): string {
  const parts = ['curl', '-sS', '-X', x.request.method, quote(x.request.url)]
  for (const [k, v] of Object.entries(x.request.headers)) {
    if (k === 'authorization') parts.push('-H', `"Authorization: Bearer $SCIM_TOKEN"`)
    else if (k === 'content-type' || k === 'accept' || k === 'user-agent') parts.push('-H', quote(`${k}: ${v}`))
  }
  if (x.request.body) parts.push('--data', quote(x.request.body.length > 4000 ? x.request.body.slice(0, 4000) : x.request.body))
  return parts.join(' ')
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

function clip(s: string): string {
  return s.length > MAX ? `${s.slice(0, MAX)}… (${s.length} bytes)` : s
}
