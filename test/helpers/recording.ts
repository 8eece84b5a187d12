import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Exchange } from '../../src/http/exchange.js'
import type { RunReport } from '../../src/runner/report.js'
import { run } from '../../src/runner/run.js'
import { config } from './run.js'

/**
 * A recording server: a real loopback HTTP server in front of the reference SCIM server (or any upstream) that
 * records every request exactly as it arrived (method, the raw request target with its query string untouched,
 * headers in arrival order, body bytes) and forwards it unchanged. Answers come back with the upstream's own address
 * (Location, meta.location) rewritten to the recorder's, so a client that follows them stays on the record. Tests point a run at it and compare what a
 * profile put on the wire with the pinned fixtures under fixtures/idp/<profile>/.
 */

export interface RecordedRequest {
  method: string
  /** The request target as written on the request line: path plus raw query, never re-encoded. */
  target: string
  /** Header names lower-cased, in arrival order; repeated headers joined with ", ". */
  headers: Record<string, string>
  /** Name/value pairs exactly as received, case and order preserved. */
  rawHeaders: [string, string][]
  /** The body as received (UTF-8), '' when there was none. */
  body: string
}

export interface Upstream {
  /** Base URL, e.g. http://127.0.0.1:4100/scim/v2 */
  url: string
  token?: string
  rotate?: () => string | Promise<string>
  close?: () => Promise<void>
}

export interface RecordingServer {
  /** Base URL to give the run: same path as the upstream's base, on the recorder's port. */
  url: string
  token?: string
  /** Every request received, oldest first (control requests excluded). */
  readonly requests: RecordedRequest[]
  /**
   * A shell command for `--rotate-command`: it asks the recorder to rotate the upstream's token and prints the
   * new one, so token rotation can be exercised through the proxy like with any real target.
   */
  rotateCommand?: string
  clear(): void
  close(): Promise<void>
}

const CONTROL = '/__recorder'

export interface RecordingOptions {
  /** Faults for the built-in reference server (ignored when `upstream` is given). */
  faults?: string[]
  variants?: string[]
  upstream?: Upstream
}

/** Start the reference server (with the given faults) and a recorder in front of it, both on ephemeral ports. */
export async function startRecording(opts: RecordingOptions = {}): Promise<RecordingServer> {
  const upstream = opts.upstream ?? (await referenceServer(opts))
  const base = new URL(upstream.url.replace(/\/+$/, '') + '/')
  const requests: RecordedRequest[] = []

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.url?.startsWith(CONTROL)) return control(req, res)
      requests.push(record(req, body))
      forward(req, body, base, res)
    })
  })

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === `${CONTROL}/rotate` && req.method === 'POST' && upstream.rotate) {
      try {
        const token = await upstream.rotate()
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token)
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end((err as Error).message)
      }
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown recorder control request')
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`
  const rotateUrl = `http://127.0.0.1:${port}${CONTROL}/rotate`
  return {
    url,
    token: upstream.token,
    requests,
    rotateCommand: upstream.rotate
      ? `node -e "fetch('${rotateUrl}',{method:'POST'}).then(async r=>{if(!r.ok)process.exit(1);process.stdout.write(await r.text())})"`
      : undefined,
    clear: () => {
      requests.length = 0
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await upstream.close?.()
    },
  }
}

function record(req: IncomingMessage, body: Buffer): RecordedRequest {
  const rawHeaders: [string, string][] = []
  const headers: Record<string, string> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]]
    rawHeaders.push([name, value])
    const key = name.toLowerCase()
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value
  }
  return { method: req.method ?? '', target: req.url ?? '', headers, rawHeaders, body: body.toString('utf8') }
}

/** Send the request on exactly as received (target untouched), and stream the answer back. */
function forward(req: IncomingMessage, body: Buffer, base: URL, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {}
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]
    if (name.toLowerCase() === 'host') continue
    const prior = headers[name]
    headers[name] = prior === undefined ? req.rawHeaders[i + 1] : [...(Array.isArray(prior) ? prior : [prior]), req.rawHeaders[i + 1]]
  }
  headers.host = base.host
  const up = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers }, (upRes) => {
    // The upstream names itself in Location and meta.location; the client must keep talking to the recorder.
    const self = `http://${req.headers.host}`
    const chunks: Buffer[] = []
    upRes.on('data', (c: Buffer) => chunks.push(c))
    upRes.on('end', () => {
      const body = Buffer.from(Buffer.concat(chunks).toString('utf8').split(base.origin).join(self), 'utf8')
      const out: string[] = []
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const name = upRes.rawHeaders[i]
        if (/^(content-length|transfer-encoding)$/i.test(name)) continue
        out.push(name, upRes.rawHeaders[i + 1].split(base.origin).join(self))
      }
      out.push('Content-Length', String(body.length))
      res.writeHead(upRes.statusCode ?? 502, out as unknown as Record<string, string>)
      res.end(body)
    })
  })
  up.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
    res.end(`recorder could not reach the upstream: ${err.message}`)
  })
  up.end(body)
}

async function referenceServer(opts: RecordingOptions): Promise<Upstream> {
  const { startServer } = await import('../../src/server/index.js')
  const s = await startServer({ port: 0, faults: opts.faults, variants: opts.variants, quiet: true })
  return { url: s.url, token: s.token, rotate: () => s.rotateToken(), close: () => s.close() }
}

// ---------------------------------------------------------------------------------------------------------------
// Recording a run, and pinning what a profile sends.


/** One request as the profile put it on the wire, labelled with the scenario step that sent it. */
export interface Sent extends RecordedRequest {
  scenario: string
  step?: string
  action?: string
  /** Set on scim-check's own requests (never IdP traffic). */
  purpose?: Exchange['purpose']
}

export interface RecordedRun {
  report: RunReport
  /** Profile traffic in order: scim-check's own requests (cleanup, diagnostic minimal pairs) excluded, they are not the IdP's. */
  sent: Sent[]
  /** The diagnostic minimal pairs scim-check sent as itself, in order, each labelled with the step whose request it diagnosed. */
  diagnostics: Sent[]
}

export interface RecordRunOptions extends RecordingOptions {
  idp: string
  options?: Record<string, unknown>
  /** Built-in scenario names; all when omitted. */
  scenarios?: string[]
  /** false: give the run no --rotate-command, as for a target whose token cannot be rotated. */
  rotate?: boolean
}

/** Run scenarios under one profile through a recorder in front of the reference server. */
export async function recordRun(opts: RecordRunOptions): Promise<RecordedRun> {
  const rec = await startRecording(opts)
  try {
    const report = await run(
      config({
        url: rec.url,
        token: rec.token,
        builtin: false,
        idps: [opts.idp],
        idpOptions: opts.options ? { [opts.idp]: opts.options } : {},
        scenarios: opts.scenarios ?? [],
        rotateCommand: opts.rotate === false ? undefined : rec.rotateCommand,
      }),
    )
    const all = label(report.exchanges, rec.requests)
    return { report, sent: all.filter((r) => r.purpose === undefined), diagnostics: all.filter((r) => r.purpose === 'diagnostic') }
  } finally {
    await rec.close()
  }
}

/** Pair the recorder's requests (wire order) with the run's exchanges (send order): both list what was really sent. */
function label(exchanges: Exchange[], requests: RecordedRequest[]): Sent[] {
  const wired = exchanges.filter((x) => !x.error || !(x.error.code.startsWith('refused') || x.error.code === 'other-origin'))
  if (wired.length !== requests.length) throw new Error(`the run sent ${wired.length} requests but the recorder saw ${requests.length}`)
  const out: Sent[] = []
  wired.forEach((x, i) => {
    const r = requests[i]
    const u = new URL(x.request.url)
    if (x.request.method !== r.method || !r.target.startsWith(u.pathname)) throw new Error(`request ${i} differs: run ${x.request.method} ${u.pathname}, wire ${r.method} ${r.target}`)
    // scim-check's own housekeeping (cleanup, discovery, ledger lookups) is left out; diagnostics are kept, labelled.
    if (x.step === 'cleanup' || (x.purpose !== undefined && x.purpose !== 'diagnostic')) return
    out.push({ ...r, scenario: x.scenario, step: x.step, action: x.action, ...(x.purpose ? { purpose: x.purpose } : {}) })
  })
  return out
}

/** What a fixture pins of one request: everything except transport details and values that change every run. */
export interface PinnedRequest {
  step?: string
  method: string
  target: string
  headers: Record<string, string>
  body?: unknown
}

/** Headers that belong to the transport (or the address), not to what the IdP chose to send. */
const TRANSPORT = new Set(['host', 'content-length', 'connection', 'transfer-encoding'])

/**
 * Replace run-dependent values with placeholders: the run id, generated ids (numbered in order of first appearance,
 * so "the same id" stays visible), passwords, tokens, timestamps, ETags and the server's address.
 */
export function pin(sent: Sent[], runId: string): PinnedRequest[] {
  const ids = new Map<string, string>()
  const text = (s: string) =>
    s
      .split(runId)
      .join('<run>')
      .replace(/https?:\/\/127\.0\.0\.1:\d+/g, '<origin>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (m) => {
        const k = m.toLowerCase()
        if (!ids.has(k)) ids.set(k, `<id${ids.size + 1}>`)
        return ids.get(k)!
      })
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g, '<time>')
      .replace(/W\/\\?"[^"\\]*\\?"/g, '<etag>')
      .replace(/scim-check\/\d+\.\d+\.\d+\S*/g, 'scim-check/<version>')
  return sent.map((r) => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(r.headers)) {
      if (TRANSPORT.has(k)) continue
      headers[k] = k === 'authorization' ? v.replace(/^(\S+)\s.*$/, '$1 <token>') : text(v)
    }
    const p: PinnedRequest = { step: r.step, method: r.method, target: text(r.target), headers }
    if (r.body !== '') {
      const body = text(r.body)
      try {
        p.body = scrubPasswords(JSON.parse(body))
      } catch {
        p.body = body
      }
    }
    return p
  })
}

function scrubPasswords(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrubPasswords)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k.toLowerCase() === 'password' && typeof x === 'string' ? '<password>' : scrubPasswords(x)]))
  return v
}

export const FIXTURES = fileURLToPath(new URL('../../fixtures/idp/', import.meta.url))

/** fixtures/idp/<profile>/<variant>/<scenario>.json */
export function fixturePath(profile: string, variant: string, scenario: string): string {
  return join(FIXTURES, profile, variant, `${scenario}.json`)
}

export interface Fixture {
  profile: string
  options: Record<string, unknown>
  scenario: string
  requests: PinnedRequest[]
}

/**
 * The pinned traffic of one scenario, or (with SCIM_CHECK_UPDATE_FIXTURES=1) write what was recorded and return it.
 * Fixtures are reviewed against the IdP's documented payloads before they are committed.
 */
export function fixture(profile: string, variant: string, scenario: string, recorded: Fixture): Fixture | undefined {
  const file = fixturePath(profile, variant, scenario)
  if (process.env.SCIM_CHECK_UPDATE_FIXTURES === '1') {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(recorded, null, 2) + '\n')
    return recorded
  }
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Fixture) : undefined
}

/** Recorded traffic grouped by scenario and pinned, ready to compare with fixtures. */
export function byScenario(rec: RecordedRun, profile: string, options: Record<string, unknown> = {}): Map<string, Fixture> {
  const out = new Map<string, Fixture>()
  for (const s of new Set(rec.sent.map((r) => r.scenario))) {
    out.set(s, { profile, options, scenario: s, requests: pin(rec.sent.filter((r) => r.scenario === s), rec.report.runId) })
  }
  return out
}

/** The lifecycle scenarios (scenarios/*.yaml) whose traffic the profile fixtures pin; scenarios/rfc/ pins its own. */
export const LIFECYCLE = ['connection', 'create', 'update', 'add-email', 'deactivate', 'rehire', 'rehire-groups', 'delete', 'group-sync', 'token-rotation', 'custom-attributes', 'import', 'group-push-now', 'group-link', 'schema-import']

/**
 * Record one profile variant over the lifecycle scenarios and return, per scenario, the pinned traffic next to the
 * committed fixture (undefined when there is none yet), plus the run's problems (a profile must be green).
 */
export async function pinnedVariant(profile: string, variant: string, options: Record<string, unknown> = {}, scenarios?: string[]) {
  const rec = await recordRun({ idp: profile, options, scenarios: scenarios ?? LIFECYCLE })
  const pinned = byScenario(rec, profile, options)
  const pairs = [...pinned].map(([scenario, recorded]) => ({ scenario, recorded, expected: fixture(profile, variant, scenario, recorded) }))
  const problems = rec.report.results.filter((r) => ['fail', 'warn', 'error'].includes(r.status)).map((r) => `${r.scenario}/${r.step ?? ''} ${r.id}: ${r.message}`)
  return { rec, pairs, problems }
}
