import { randomBytes } from 'node:crypto'
import type { RunConfig } from '../config/types.js'
import type { Finding } from '../checks/define.js'
import { TargetError, UsageError } from '../errors.js'
import { HttpClient, type SendLabels } from '../http/client.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import { Redactor } from '../http/redact.js'
import { resolveMapping } from '../idp/mapping.js'
import { getProfile } from '../idp/registry.js'
import type { ActionContext, ActionName, IdpProfile } from '../idp/types.js'
import { evidenceOf } from '../report/excerpt.js'
import { buildCompliance, buildMatrix, summarize } from '../result/summary.js'
import type { Level, Result, Source } from '../result/types.js'
import { statusOf } from '../result/verdict.js'
import { cleanup } from '../runner/cleanup.js'
import { Ledger } from '../runner/ledger.js'
import type { Leftover, RunReport } from '../runner/report.js'
import { connect } from '../runner/target.js'
import { runPrefix } from '../scenario/template.js'
import { VERSION } from '../version.js'
import { Pacer, pool, sleep } from './pace.js'
import { PROFILE_RATES, planFor, type LoadPlan, type PlanInput } from './plan.js'
import { simulateEntra, simulateOkta, type Simulation, type Throttled } from './simulate.js'
import { Stats } from './stats.js'
import { GROUP_FIELDS, USER_FIELDS, userArgs } from './data.js'
import { verify, type Expected } from './verify.js'

export interface LoadProgress {
  phase: string
  done: number
  total: number
  requests: number
  errors: number
  elapsedMs: number
}

export interface LoadOptions {
  signal?: AbortSignal
  onProgress?: (p: LoadProgress) => void
  onLedger?: (ledger: Ledger) => void
}

/** The `load` section of the report: what was sent, how fast, how it ended, and what the IdPs would have done. */
export interface LoadSection {
  idp: string
  plan: LoadPlan
  phases: { name: string; requests: number; ms: number; note?: string }[]
  /** IdP requests as the profile made them; attempts count every resend after a 429 or 5xx too. */
  requests: number
  attempts: number
  /** The harness's own read-backs of the end state (not IdP traffic). */
  harnessRequests: number
  durationMs: number
  /** IdP requests per second over the send phases. */
  throughput: number
  latency: Record<string, { count: number; p50: number; p95: number; p99: number; max: number }>
  errors: Record<string, number>
  timeline: { t: number; requests: number; errors: number; p95?: number }[]
  verdict: { ok: boolean; lines: string[] }
  simulations: Simulation[]
  cleanup: { ms: number; left: number }
}

export type LoadReport = RunReport & { load: LoadSection }

const SCENARIO = 'load'
/** Cleanup runs this many of the runner's cleanups side by side, each on its own share of the ledger. */
const CLEANUP_LANES = 16

/**
 * Replay one IdP's initial sync at volume: users (lookup then create, as the profile does it), groups and their
 * memberships, the IdP's import walk, an offboarding wave; then read everything back and judge the end state.
 * The requests are the profile's own actions, sent through the run's HttpClient and Ledger guard.
 */
export async function load(config: RunConfig, input: PlanInput, opts: LoadOptions = {}): Promise<LoadReport> {
  const idp = config.idps.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  if (idp.length !== 1 || idp[0] === 'all') throw new UsageError('scim-check load plays one IdP at a time: pass --idp okta, --idp entra, …')
  const profile = getProfile(idp[0])
  const plan = planFor(profile, input)
  const runId = randomBytes(4).toString('hex')
  const startedAt = new Date()
  // The load resends 429s itself, as the IdP's schedule says, with the waits kept on a virtual clock.
  const { target, redactor, client } = await connect(config, { signal: opts.signal, retry: { maxRetries: 0, maxWaitMs: 0, budgetMs: 0 } })
  const ledger = new Ledger(config.readOnly, runPrefix(runId))
  opts.onLedger?.(ledger)
  const driver = new Driver(config, profile, plan, client, ledger, redactor, runId, opts)
  let incomplete: string | undefined
  const leftovers: Leftover[] = []
  let cleanupMs = 0
  let fatal: TargetError | undefined
  try {
    await driver.sync()
    driver.finish()
    if (!opts.signal?.aborted) await driver.check()
  } catch (err) {
    if (!(err instanceof TargetError)) throw err
    // Nothing created and nothing to report: the target could not be tested at all (exit 2, as `run` does).
    if (!ledger.list().length && !ledger.uncertain.length) fatal = err
    incomplete = err.message
    driver.finish()
    driver.results.push(driver.result({ id: 'load.target', title: 'The target stays reachable through the whole load', level: 'MUST', source: { scenario: SCENARIO, note: 'a sync that loses the target leaves users unprovisioned' } }, { ok: 'error', message: err.message, reason: err.message }))
  } finally {
    if (opts.signal?.aborted) incomplete ??= 'interrupted: the load stopped sending and cleaned up what it created'
    const t0 = Date.now()
    opts.onProgress?.({ phase: 'cleanup', done: 0, total: ledger.list().length, requests: driver.stats.requests, errors: 0, elapsedMs: Date.now() - startedAt.getTime() })
    // Interrupted: a shorter budget, still enough for the parallel lanes to clear thousands; a second Ctrl-C lists the rest.
    const owned = ledger.list().length
    leftovers.push(...(await cleanupAll(client, ledger, opts.signal?.aborted ? 15_000 + 2 * owned : 60_000 + 20 * owned)))
    cleanupMs = Date.now() - t0
    await client.close()
    await target.close()
  }
  if (fatal) throw fatal
  const results = driver.results
  if (leftovers.length) {
    results.push(driver.result({ id: 'load.cleanup', title: 'Everything the load created is removed again', level: 'MUST', source: { scenario: SCENARIO, note: 'scim-check leaves nothing behind' } }, { ok: 'error', message: `${leftovers.length} resource${leftovers.length === 1 ? '' : 's'} could not be removed (listed under leftovers)`, reason: leftovers[0].reason }))
  }
  const section = driver.section(cleanupMs, leftovers.length, Date.now() - startedAt.getTime())
  const exchanges = driver.evidence()
  return {
    tool: { name: 'scim-check', version: VERSION },
    target: { url: target.builtin ? target.url : redactor.text(target.url), builtin: target.builtin },
    idp: profile.name,
    idps: [profile.name],
    runId,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    failOn: config.failOn,
    summary: summarize(results),
    results,
    matrix: buildMatrix(results, [SCENARIO], [profile.name]),
    compliance: buildCompliance(results, [profile.name], () => false),
    leftovers,
    incomplete,
    warnings: driver.warnings(),
    exchanges,
    load: section,
  }
}

/**
 * The runner's cleanup, run in lanes: the ledger's resources are spread over CLEANUP_LANES labels when created, and
 * each lane deletes its own share, so 20,000 users go in parallel batches, bounded in time, and what could not be
 * removed is listed. A Ctrl-C shortens the budget, as in `run`.
 */
async function cleanupAll(client: HttpClient, ledger: Ledger, budgetMs: number): Promise<Leftover[]> {
  const lanes = [...new Set([...ledger.list().map((o) => o.scenario), ...ledger.uncertain.map((u) => u.scenario)])]
  const out = await Promise.all(lanes.map((scenario) => cleanup(client, ledger, { scenario, idp: ledgerIdp(ledger, scenario) }, budgetMs)))
  return out.flat()
}

function ledgerIdp(ledger: Ledger, scenario: string): string {
  return ledger.list().find((o) => o.scenario === scenario)?.idp ?? ledger.uncertain.find((u) => u.scenario === scenario)?.idp ?? ''
}

interface UserPlan {
  i: number
  userName: string
  externalId: string
  id?: string
  offboarded?: 'deactivated' | 'deleted'
}

interface GroupPlan {
  g: number
  displayName: string
  externalId: string
  id?: string
  members: UserPlan[]
  /** Members whose add was accepted (2xx): what the group must hold at the end. */
  accepted: Set<string>
}

type Descriptor = { id: string; title: string; level: Level; source: Source; requirement?: string }

class Driver {
  /** The profile's per-run memory (ActionContext.state), shared by every action this load sends. */
  private profileState = new Map<string, unknown>()
  readonly stats = new Stats()
  readonly results: Result[] = []
  private harness = 0
  private attempts = 0
  private failedAttempts = 0
  private logical = 0
  private throttled: Throttled[] = []
  private pacer: Pacer
  private pinned = new Map<number, Exchange>()
  private phases: LoadSection['phases'] = []
  private users: UserPlan[] = []
  private groups: GroupPlan[] = []
  private expectations = new Map<string, { passed: number; first?: Result }>()
  private sendMs = 0
  private verdictLines: string[] = []
  private startedAt = Date.now()
  private anyResponse = false
  private finished = false
  private answered = 0
  private rejected = 0
  private readonly prefix: string

  constructor(
    private config: RunConfig,
    private profile: IdpProfile,
    private plan: LoadPlan,
    private client: HttpClient,
    private ledger: Ledger,
    private redactor: Redactor,
    runId: string,
    private opts: LoadOptions,
  ) {
    this.pacer = new Pacer(plan.rate)
    this.prefix = `scimcheck-${runId}-`
    for (let i = 0; i < plan.users; i++) this.users.push({ i, userName: USER_FIELDS.userName(this.prefix, i), externalId: USER_FIELDS.externalId(this.prefix, i) })
    for (let g = 0; g < plan.groups; g++) {
      const members = Array.from({ length: plan.groupSize }, (_, k) => this.users[(g * plan.groupSize + k) % plan.users])
      this.groups.push({ g, displayName: GROUP_FIELDS.displayName(this.prefix, g), externalId: GROUP_FIELDS.externalId(this.prefix, g), members: [...new Set(members)], accepted: new Set() })
    }
  }

  private get signal(): AbortSignal | undefined {
    return this.opts.signal
  }

  private has(action: ActionName): boolean {
    return !!this.profile.actions[action]
  }

  /** The IdP's traffic, phase by phase. */
  async sync(): Promise<void> {
    const p = this.profile
    await this.phase('users', this.users.length, async (tick) => {
      await pool(this.users, this.plan.concurrency, async (u) => {
        await this.createUser(u)
        tick()
      }, this.signal)
    })
    if (this.plan.groups && this.has('createGroup')) {
      await this.phase('groups', this.groups.length, async (tick) => {
        await pool(this.groups, this.plan.concurrency, async (g) => {
          const out = await this.act('createGroup', `create group ${g.displayName}`, { displayName: g.displayName, externalId: g.externalId, members: [] }, `grp#${g.g % CLEANUP_LANES}`)
          const json = out?.exchange?.response?.json as { id?: unknown } | undefined
          if (out?.exchange && ok(out.exchange) && typeof json?.id === 'string') g.id = json.id
          tick()
        }, this.signal)
      })
      const batches = this.groups.filter((g) => g.id).flatMap((g) => chunks(g.members.filter((m) => m.id), this.plan.memberBatch).map((members) => ({ g, members })))
      await this.phase('memberships', batches.length, async (tick) => {
        await pool(batches, this.plan.concurrency, async ({ g, members }) => {
          const out = await this.act('addMembers', `add ${members.length} members to ${g.displayName}`, { id: g.id, members: members.map((m) => ({ value: m.id!, display: m.userName })) })
          if (out?.exchange && ok(out.exchange)) {
            for (const m of members) g.accepted.add(m.id!)
          }
          tick()
        }, this.signal)
      })
    } else this.phases.push({ name: 'groups', requests: 0, ms: 0, note: this.plan.groups ? `${p.title} sends no group creates` : '--groups 0' })
    if (this.has('listUsers')) {
      await this.phase('import', 1, async (tick) => {
        await this.act('listUsers', 'import walk', {})
        tick()
      })
    } else this.phases.push({ name: 'import', requests: 0, ms: 0, note: p.never?.listUsers ?? `${p.title} does not list users` })
    const leaving = this.users.filter((u) => u.id).slice(0, Math.round(this.plan.users * this.plan.offboard))
    const how: ActionName | undefined = this.has('deactivateUser') ? 'deactivateUser' : this.has('deleteUser') ? 'deleteUser' : undefined
    if (how && leaving.length) {
      await this.phase('offboarding', leaving.length, async (tick) => {
        await pool(leaving, this.plan.concurrency, async (u) => {
          const out = await this.act(how, `${how === 'deactivateUser' ? 'deactivate' : 'delete'} ${u.userName}`, { id: u.id, userName: u.userName })
          if (out?.exchange && ok(out.exchange)) u.offboarded = how === 'deactivateUser' ? 'deactivated' : 'deleted'
          tick()
        }, this.signal)
      })
    }
  }

  /** The IdP-side results (expectations, requests that failed), once, whether the sync finished or was cut short. */
  finish(): void {
    if (this.finished) return
    this.finished = true
    this.finishExpectations()
    const def: Descriptor = { id: 'load.idp-requests', title: "The IdP's requests succeed at volume (after the resends the IdP would make)", level: 'MUST', source: { scenario: SCENARIO, note: 'an initial sync that fails requests leaves users unprovisioned' } }
    if (!this.failures.size) this.results.push(this.result(def, { ok: true, message: `${this.logical} requests answered 2xx` }))
    else {
      const list = [...this.failures.entries()].sort((a, b) => b[1].count - a[1].count)
      const total = list.reduce((a, [, f]) => a + f.count, 0)
      this.results.push(this.result(def, { ok: false, message: `${total} of ${this.logical} IdP requests failed: ${list.map(([k, f]) => `${k} ×${f.count}`).join(', ')}` }, list[0][1].first))
    }
  }

  private async createUser(u: UserPlan): Promise<void> {
    const what = `create ${u.userName}`
    const lane = `load#${u.i % CLEANUP_LANES}`
    const out = await this.act('createUser', what, userArgs(this.prefix, u.i), lane)
    // The profile's create flow looks the user up first; a user it found is linked, not created (a fresh run prefix
    // means this should not happen).
    const linked = out && !out.exchange ? (out.value as { id?: unknown } | undefined) : undefined
    if (typeof linked?.id === 'string') u.id = linked.id
    const json = out?.exchange?.response?.json as { id?: unknown } | undefined
    if (out?.exchange && ok(out.exchange) && typeof json?.id === 'string') u.id = json.id
  }

  private async phase(name: string, total: number, body: (tick: () => void) => Promise<void>): Promise<void> {
    if (this.signal?.aborted) return
    const before = this.stats.requests
    const t0 = Date.now()
    let done = 0
    let last = 0
    const report = (force = false) => {
      const now = Date.now()
      if (!force && now - last < 200) return
      last = now
      this.opts.onProgress?.({ phase: name, done, total, requests: this.stats.requests, errors: [...this.stats.errors.values()].reduce((a, b) => a + b, 0), elapsedMs: now - this.startedAt })
    }
    report(true)
    await body(() => {
      done++
      report()
    })
    report(true)
    const ms = Date.now() - t0
    this.sendMs += ms
    this.phases.push({ name, requests: this.stats.requests - before, ms })
  }

  /** One profile action, with a context whose send paces, guards, resends and times every request. */
  private async act(action: ActionName, what: string, args: Record<string, unknown>, lane = SCENARIO): Promise<{ exchange?: Exchange; value?: unknown } | undefined> {
    const impl = this.profile.actions[action]
    if (!impl || this.signal?.aborted) return undefined
    try {
      return await impl(this.context(action, what, lane), args)
    } catch (err) {
      if (err instanceof TargetError) throw err
      this.expectation(`load.${action}`, { ok: 'error', message: `${what}: ${(err as Error).message}`, reason: (err as Error).message })
      return undefined
    }
  }

  private context(action: ActionName, what: string, lane: string): ActionContext {
    const p = this.profile
    const options = { maxPages: this.config.maxPages, ...Object.fromEntries(p.options.map((o) => [o.name, o.default])), ...(this.config.idpOptions[p.name] ?? {}) }
    return {
      idp: p.name,
      options,
      mapping: resolveMapping(p.mapping ?? {}, this.config.mapping, p.name),
      // Load reads no discovery: only a configured extension is written.
      custom: this.config.customExtension ?? { urn: '', attributes: {} },
      // One per-run memory for the profile across every action of the load; no diagnostic resends at volume.
      state: this.profileState,
      diagnose: false,
      send: (spec) => this.send(spec, action, what, lane),
      expectation: (id, finding) => this.expectation(id, finding),
    }
  }

  /**
   * Send as the IdP: wait for the pace, pass the Ledger guard, send, and on 429 or 5xx send again (up to the IdP's
   * attempt limit) after a short real pause, keeping the attempt statuses so the IdP's own waits can be simulated.
   */
  private async send(spec: RequestSpec, action: string, what: string, lane: string): Promise<Exchange> {
    const labels: SendLabels = { scenario: lane, step: action, idp: this.profile.name, action, headers: this.profile.headers(this.config.idpOptions[this.profile.name] ?? {}) }
    const statuses: number[] = []
    const retryAfter: (string | undefined)[] = []
    this.logical++
    for (let attempt = 1; ; attempt++) {
      await this.pacer.slot(this.signal)
      const x = await this.guarded(spec, labels)
      this.attempts++
      this.stats.record(x)
      const s = x.response?.status
      const retryable = s === 429 || (s !== undefined && s >= 500)
      if (retryable) this.failedAttempts++
      if (retryable && attempt < this.plan.maxAttempts && !this.signal?.aborted) {
        statuses.push(s!)
        retryAfter.push(x.response!.headers['retry-after'])
        this.release(x)
        await sleep(Math.min(250, 5 * 2 ** attempt), this.signal)
        continue
      }
      if (statuses.length || retryable) {
        statuses.push(s ?? 0)
        retryAfter.push(x.response?.headers['retry-after'])
        this.throttled.push({ what, statuses, retryAfter })
      }
      if (!ok(x)) this.refused(action, x)
      this.release(x)
      return x
    }
  }

  /** IdP requests that ended without a 2xx, after the resends: counted per action and status, the first kept as evidence. */
  private failures = new Map<string, { count: number; first: Exchange }>()
  private refused(action: string, x: Exchange): void {
    const key = `${action} → ${x.response ? x.response.status : x.error?.code ?? 'no response'}`
    const f = this.failures.get(key)
    if (f) f.count++
    else {
      this.failures.set(key, { count: 1, first: x })
      this.pin(x)
    }
  }

  /** The runner's guard around one request: the Ledger refuses writes to what this run did not create. */
  private async guarded(spec: RequestSpec, labels: SendLabels): Promise<Exchange> {
    const url = this.client.resolve(spec)
    const refusal = this.ledger.refuse(spec, url)
    const x = refusal ? this.client.refuse(spec, labels, refusal) : await this.client.send(spec, labels, url)
    if (!refusal) this.ledger.observe(x, spec, url)
    if (x.response) {
      this.anyResponse = true
      // A wrong token would otherwise be sent 20,000 times: stop once the first answers are all refusals.
      const s = x.response.status
      this.answered++
      if (s === 401 || s === 403) this.rejected++
      if (this.answered === 20 && this.rejected === 20) throw new TargetError(`the first 20 requests were all rejected with ${s}: check the token (nothing more was sent)`)
    } else if (x.error && !x.error.code.startsWith('refused-') && x.error.code !== 'other-origin') {
      const silent = this.client.unanswered
      if (!this.anyResponse && silent >= 2) throw new TargetError(`cannot reach the target: ${x.error.message}`)
      if (silent >= 5 + this.plan.concurrency) throw new TargetError(`the target stopped answering (${silent} requests in a row got no response; last: ${x.error.message})`)
    }
    return x
  }

  /**
   * 20,000 users make about 100,000 exchanges: each is timed and counted, then dropped from the client's list
   * unless a result points at it, so memory stays flat however long the load runs.
   */
  private release(x: Exchange): void {
    if (this.pinned.has(x.index)) return
    const all = this.client.exchanges
    if (all[x.index] === x) delete all[x.index]
  }

  pin(x: Exchange): void {
    this.pinned.set(x.index, x)
    this.client.pin(x.index)
  }

  /** The harness's own read-back of the end state (labelled diagnostic: not IdP traffic). */
  private async read(spec: RequestSpec): Promise<Exchange> {
    const x = await this.guarded({ ...spec, purpose: 'diagnostic' }, { scenario: SCENARIO, step: 'verify', idp: this.profile.name, action: 'verify' })
    this.harness++
    this.release(x)
    return x
  }

  async check(): Promise<void> {
    const t0 = Date.now()
    const expected: Expected = { users: this.users, groups: this.groups }
    const findings = await verify(expected, (spec) => this.read(spec), this.plan.concurrency, this.signal, (n, total) =>
      this.opts.onProgress?.({ phase: 'verify', done: n, total, requests: this.stats.requests, errors: 0, elapsedMs: Date.now() - this.startedAt }),
    )
    for (const f of findings.adopt) this.ledger.adopt({ type: 'User', id: f.id, name: f.name, scenario: 'load#dup', idp: this.profile.name })
    for (const f of findings.results) {
      if (f.exchange) this.pin(f.exchange)
      this.results.push(this.result(f.def, f.finding, f.exchange))
    }
    this.verdictLines = findings.lines
    this.phases.push({ name: 'verify', requests: this.harness, ms: Date.now() - t0, note: 'scim-check reads the end state back (diagnostic requests, not IdP traffic)' })
  }

  private expectation(id: string, finding: Finding): void {
    const e = this.expectations.get(id) ?? { passed: 0 }
    this.expectations.set(id, e)
    if (finding.ok === true) {
      e.passed++
      return
    }
    if (e.first) return
    const known = this.profile.expectations?.find((x) => x.id === id)
    const def: Descriptor = known ? { id, title: known.title, level: 'IDP', source: known.source } : { id, title: id, level: 'IDP', source: { scenario: SCENARIO, note: 'IdP expectation under load' } }
    if (finding.exchange) this.pin(finding.exchange)
    e.first = this.result(def, finding, finding.exchange)
  }

  /** IdP expectations judged on thousands of requests: one result each, the first failure or the count of passes. */
  private finishExpectations(): void {
    for (const [id, e] of this.expectations) {
      if (e.first) {
        if (e.passed) e.first.message += ` (${e.passed} other requests of this kind were accepted)`
        this.results.push(e.first)
        continue
      }
      const known = this.profile.expectations?.find((x) => x.id === id)
      this.results.push(this.result({ id, title: known?.title ?? id, level: 'IDP', source: known?.source ?? { scenario: SCENARIO, note: 'IdP expectation under load' } }, { ok: true, message: `${e.passed} request${e.passed === 1 ? '' : 's'} accepted` }))
    }
  }

  result(def: Descriptor, f: Finding, x?: Exchange): Result {
    const r: Result = { id: def.id, title: def.title, source: def.source, level: f.level ?? def.level, status: statusOf(f, def.level), scenario: SCENARIO, idp: this.profile.name, message: this.redactor.text(f.message) }
    // Every result says what it was judged against: the check's sentence, else the IdP behaviour it expects.
    r.requirement = def.requirement ?? ('idp' in def.source ? `${def.title}: "${def.source.behaviour}" (${def.source.url})` : def.title)
    if (x?.step) r.step = x.step
    if (f.expected !== undefined) r.expected = this.redactor.text(f.expected)
    if (f.actual !== undefined) r.actual = this.redactor.text(f.actual)
    if (f.reason) r.reason = this.redactor.text(f.reason)
    else if (r.status === 'skip' || r.status === 'info' || r.status === 'error') r.reason = r.message
    if (x) {
      r.exchange = x.index
      this.pin(x)
      if (r.status !== 'pass') r.evidence = evidenceOf(x)
    }
    return r
  }

  /** Exchanges results point at, in index order: all a reporter needs for evidence. */
  evidence(): Exchange[] {
    return [...this.pinned.values()].sort((a, b) => a.index - b.index)
  }

  warnings(): string[] {
    const errs = [...this.stats.errors.entries()]
    const rejected = errs.filter(([k]) => k.startsWith('401') || k.startsWith('403')).reduce((a, [, n]) => a + n, 0)
    return rejected > this.stats.requests / 2 ? [`${rejected} of ${this.stats.requests} requests were rejected with 401/403: check the token; the end state could not be judged`] : []
  }

  section(cleanupMs: number, left: number, durationMs: number): LoadSection {
    const sendPhases = this.phases.filter((p) => p.name !== 'verify')
    const idpRequests = sendPhases.reduce((a, p) => a + p.requests, 0)
    const throughput = this.sendMs ? idpRequests / (this.sendMs / 1000) : 0
    // The IdP's own pace where it documents one (Entra's 25/s), else the run's --rate, else what this run achieved.
    const input = { requests: this.logical, attempts: this.attempts, failedAttempts: this.failedAttempts, throttled: this.throttled, rate: this.plan.rate || throughput }
    const entraInput = { ...input, rate: this.plan.rate || PROFILE_RATES.entra.rate }
    const failed = this.results.filter((r) => r.status === 'fail' || r.status === 'error')
    return {
      idp: this.profile.name,
      plan: this.plan,
      phases: this.phases,
      requests: this.logical,
      attempts: this.attempts,
      harnessRequests: this.harness,
      durationMs,
      throughput: Math.round(throughput * 10) / 10,
      latency: this.stats.latency(),
      errors: Object.fromEntries(this.stats.errors),
      timeline: this.stats.timeline,
      verdict: { ok: failed.length === 0, lines: this.verdictLines },
      simulations: [simulateOkta(input), simulateEntra(entraInput)],
      cleanup: { ms: cleanupMs, left },
    }
  }
}

function ok(x: Exchange): boolean {
  const s = x.response?.status
  return s !== undefined && s >= 200 && s < 300
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}
