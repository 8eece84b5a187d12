import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Exchange } from '../http/exchange.js'
import type { RunReport } from '../runner/report.js'

/**
 * The run's exchanges as HAR 1.2, so any HAR viewer opens them. Bodies and headers are already redacted at
 * capture. scim-check's own labels (scenario, step, IdP profile, action) ride in `_scimCheck`, the custom-field
 * form HAR 1.2 allows; a request that got no response has status 0 and the reason in `_scimCheck.error`.
 */
export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: never[]
    headers: { name: string; value: string }[]
    queryString: { name: string; value: string }[]
    postData?: { mimeType: string; text: string }
    headersSize: number
    bodySize: number
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: never[]
    headers: { name: string; value: string }[]
    content: { size: number; mimeType: string; text?: string }
    redirectURL: string
    headersSize: number
    bodySize: number
  }
  cache: Record<string, never>
  timings: { send: number; wait: number; receive: number }
  _scimCheck: { index: number; scenario: string; step?: string; idp: string; action?: string; error?: { code: string; message: string } }
}

export interface Har {
  log: { version: '1.2'; creator: { name: string; version: string }; comment?: string; entries: HarEntry[] }
}

const pairs = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }))

export function harEntry(x: Exchange): HarEntry {
  const url = new URL(x.request.url)
  const ct = x.request.headers['content-type'] ?? 'application/scim+json'
  return {
    startedDateTime: x.startedAt,
    time: x.durationMs,
    request: {
      method: x.request.method,
      url: x.request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(x.request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(x.request.body !== undefined ? { postData: { mimeType: ct, text: x.request.body } } : {}),
      headersSize: -1,
      bodySize: x.request.body ? Buffer.byteLength(x.request.body) : 0,
    },
    response: {
      status: x.response?.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(x.response?.headers ?? {}),
      content: { size: x.response ? Buffer.byteLength(x.response.body) : 0, mimeType: x.response?.headers['content-type'] ?? '', ...(x.response?.body ? { text: x.response.body } : {}) },
      redirectURL: x.response?.headers.location ?? '',
      headersSize: -1,
      bodySize: x.response ? Buffer.byteLength(x.response.body) : -1,
    },
    cache: {},
    timings: { send: 0, wait: x.durationMs, receive: 0 },
    _scimCheck: { index: x.index, scenario: x.scenario, step: x.step, idp: x.idp, action: x.action, ...(x.error ? { error: x.error } : {}) },
  }
}

export function toHar(report: Pick<RunReport, 'tool' | 'exchanges' | 'target' | 'runId'>): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: report.tool.name, version: report.tool.version },
      comment: `scim-check run ${report.runId} against ${report.target.url}`,
      entries: report.exchanges.map(harEntry),
    },
  }
}

export function writeTranscript(file: string, report: RunReport): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(toHar(report), null, 2))
}
