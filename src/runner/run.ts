import { randomBytes } from 'node:crypto'
import { DEFAULT_CUSTOM_EXTENSION, type RunConfig } from '../config/types.js'
import type { CheckContext, CheckDef, Discovery, Finding } from '../checks/define.js'
import { ambientChecks, getCheck } from '../checks/registry.js'
import { TargetError, UsageError } from '../errors.js'
import { UnsafeSegment } from '../idp/wire.js'
import { HttpClient } from '../http/client.js'
import { pathOf, type Exchange, type RequestSpec } from '../http/exchange.js'
import { Redactor } from '../http/redact.js'
import { resolveMapping } from '../idp/mapping.js'
import { expandIdps, getProfile } from '../idp/registry.js'
import type { ActionContext, IdpProfile } from '../idp/types.js'
import { buildCompliance, buildMatrix, summarize } from '../result/summary.js'
import type { Level, Result, Source } from '../result/types.js'
import { statusOf } from '../result/verdict.js'
import { TemplateError, render, renderRequest, runPrefix, uniqueValues } from '../scenario/template.js'
import type { Expectation, Feature, Scenario, Step } from '../scenario/types.js'
import { cleanup } from './cleanup.js'
import { discover, featuresOf } from './discovery.js'
import { evidenceOf } from '../report/excerpt.js'
import { Ledger } from './ledger.js'
import { match, show } from './match.js'
import type { Leftover, RunReport } from './report.js'
import { resolveScenarios } from './scenarios.js'
import { rotateToken, type Rotator } from './rotate.js'
import { startTarget } from './target.js'
import { VERSION } from '../version.js'

export interface Progress {
  idp: string
  scenario: string
  step?: string
  index: number
  total: number
}

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (p: Progress) => void
  /** Pre-loaded scenarios (tests, library users); otherwise config.scenarios is resolved. */
  scenarios?: Scenario[]
  /** Called once the target is known, so a caller (the CLI's Ctrl-C handler) can list leftovers. */
  onLedger?: (ledger: Ledger) => void
}

/** Transport failures that mean the target cannot be tested at all, rather than a defect of it. */
const FATAL_CODES = new Set(['refused', 'dns', 'tls'])
/** Requests in a row that got no response before the run gives up: before any answer, and after. */
const DEAD_BEFORE_ANY = 2
const DEAD_AFTER_SOME = 5


/** Run every selected scenario under every selected IdP profile against one target and return the report. */
export async function run(config: RunConfig, opts: RunOptions = {}): Promise<RunReport> {
  const idps = expandIdps(config.idps)
  const scenarios = opts.scenarios ?? resolveScenarios(config.scenarios)
  for (const idp of idps) checkOptions(getProfile(idp), config.idpOptions[idp] ?? {})
  const runId = randomBytes(4).toString('hex')
  const startedAt = new Date()
  const target = await startTarget(config)
  const redactor = new Redactor(config.redact)
  redactor.addSecret(target.token)
  const client = new HttpClient({
    baseUrl: target.url,
    token: target.token,
    timeoutMs: config.timeoutMs,
    insecure: config.insecure,
    caFile: config.caFile,
    maxBodyBytes: config.maxBodyBytes,
    maxJsonDepth: config.maxJsonDepth,
    redactor,
    signal: opts.signal,
    // A transcript holds every body as received; otherwise long walks keep full bodies only where results point.
    retention: { keepAll: !!config.transcript },
  })
  const ledger = new Ledger(config.readOnly, runPrefix(runId))
  opts.onLedger?.(ledger)
  const results: Result[] = []
  const leftovers: Leftover[] = []
  let incomplete: string | undefined
  const rotator: Rotator | undefined = config.rotateCommand
    ? { command: config.rotateCommand }
    : target.rotate
      ? { rotate: target.rotate }
      : undefined

  const runner = new ScenarioRunner(config, client, ledger, redactor, runId, rotator, opts)
  try {
    const plan = idps.flatMap((idp) => scenarios.filter((s) => applies(s, idp, config)).map((s) => ({ idp, scenario: s })))
    let discovery: Discovery = {}
    let index = 0
    for (const idp of idps) {
      const profile = getProfile(idp)
      if (idp === 'generic') discovery = await runner.discovery(profile, results)
      const features = featuresOf(idp, discovery, !!rotator)
      for (const scenario of scenarios.filter((s) => applies(s, idp, config))) {
        if (opts.signal?.aborted) break
        opts.onProgress?.({ idp, scenario: scenario.name, index: ++index, total: plan.length })
        results.push(...(await runner.scenario(profile, scenario, features, discovery)))
        leftovers.push(...(await cleanup(client, ledger, { scenario: scenario.name, idp }, opts.signal?.aborted ? 10_000 : 60_000)))
      }
      if (opts.signal?.aborted) break
    }
  } catch (err) {
    if (!(err instanceof TargetError)) throw err
    incomplete = err.message
    if (!ledger.list().length && !ledger.uncertain.length) {
      await client.close()
      await target.close()
      throw err
    }
  } finally {
    if (opts.signal?.aborted) incomplete ??= 'interrupted: the run stopped sending new steps and cleaned up what it created'
    // Whatever is still owned (an interrupted scenario, a TargetError) is cleaned up before the report is written.
    leftovers.push(...(await cleanup(client, ledger, undefined, opts.signal?.aborted ? 10_000 : 60_000)))
    await client.close()
    await target.close()
  }

  const report: RunReport = {
    tool: { name: 'scim-check', version: VERSION },
    target: { url: target.builtin ? target.url : redactor.text(target.url), builtin: target.builtin },
    idp: idps.join(','),
    idps,
    runId,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    failOn: config.failOn,
    summary: summarize(results),
    results,
    matrix: buildMatrix(results, [...new Set(results.map((r) => r.scenario))], idps),
    compliance: buildCompliance(results, idps, (id, idp) => getCheck(id)?.breaks?.includes(idp) ?? false),
    leftovers,
    incomplete,
    warnings: warningsOf(client.exchanges),
    exchanges: client.exchanges,
  }
  return report
}

function applies(s: Scenario, idp: string, config: RunConfig): boolean {
  if (config.readOnly && s.writes !== false) return false
  return !s.idps || s.idps.includes(idp) || s.idps.includes('all')
}

function checkOptions(profile: IdpProfile, given: Record<string, unknown>): void {
  for (const key of Object.keys(given)) {
    if (key === 'maxPages') continue
    const opt = profile.options.find((o) => o.name === key)
    if (!opt) {
      const valid = profile.options.map((o) => o.name).join(', ') || '(none)'
      throw new UsageError(`unknown option "${key}" for --idp ${profile.name}; valid: ${valid}`)
    }
    if (opt.values && !opt.values.includes(String(given[key]))) {
      throw new UsageError(`option ${profile.name}.${key} must be one of ${opt.values.join(', ')} (got "${String(given[key])}")`)
    }
  }
}

/** Say first when most requests were rejected, so a run of 401s never reads as a clean bill of health. */
function warningsOf(exchanges: Exchange[]): string[] {
  const answered = exchanges.filter((x) => x.response && x.step !== 'cleanup')
  const out: string[] = []
  const rejected = answered.filter((x) => x.response!.status === 401 || x.response!.status === 403).length
  const probes = answered.filter((x) => x.request.headers.authorization === undefined).length
  if (answered.length >= 4 && rejected - probes > answered.length / 2) {
    out.push(`${rejected} of ${answered.length} requests were rejected with 401/403: check the token; most verdicts below could not be judged`)
  }
  const failed = exchanges.filter((x) => x.error && x.step !== 'cleanup').length
  if (exchanges.length >= 4 && failed > exchanges.length / 2) {
    out.push(`${failed} of ${exchanges.length} requests got no usable response (timeouts, resets): the target could not be tested properly`)
  }
  return out
}

type Descriptor = Pick<CheckDef, 'id' | 'title' | 'level' | 'source'>

interface Instance {
  profile: IdpProfile
  scenario: Scenario
  step?: Step
  vars: Record<string, unknown>
  results: Result[]
  ambient: Map<string, { checked: number; broken: boolean }>
  discovery: Discovery
  /** The first transport failure decides whether the target is reachable at all. */
}

class ScenarioRunner {
  private anyResponse = false
  constructor(
    private config: RunConfig,
    private client: HttpClient,
    private ledger: Ledger,
    private redactor: Redactor,
    private runId: string,
    private rotator: Rotator | undefined,
    private opts: RunOptions,
  ) {}

  /** The generic profile reads the discovery documents before anything else; IdP profiles never do (they do not send it). */
  async discovery(profile: IdpProfile, results: Result[]): Promise<Discovery> {
    const inst = this.instance(profile, { name: 'discovery', title: 'Discovery', steps: [], file: '(built-in)' }, {})
    const d = await discover((spec, step) => this.send(inst, spec, step))
    this.finishAmbient(inst)
    results.push(...inst.results)
    return d
  }

  private instance(profile: IdpProfile, scenario: Scenario, discovery: Discovery): Instance {
    const scope = `${profile.name.slice(0, 3)}-${scenario.name.slice(0, 12)}`
    return {
      profile,
      scenario,
      vars: { unique: uniqueValues(this.runId, scope), run: { id: this.runId, prefix: `scimcheck-${this.runId}-` }, idp: { name: profile.name, options: this.config.idpOptions[profile.name] ?? {} }, custom: this.config.customExtension ?? DEFAULT_CUSTOM_EXTENSION },
      results: [],
      ambient: new Map(),
      discovery,
    }
  }

  async scenario(profile: IdpProfile, scenario: Scenario, features: Record<Feature, boolean>, discovery: Discovery): Promise<Result[]> {
    const inst = this.instance(profile, scenario, discovery)
    inst.vars.features = features
    const missing = (scenario.requires ?? []).filter((f) => !features[f])
    if (missing.length) {
      inst.results.push(this.skip(inst, undefined, `the target does not support ${missing.join(', ')} (${reasonOf(missing, discovery)})`))
      return inst.results
    }
    for (const step of scenario.steps) {
      if (this.opts.signal?.aborted) break
      inst.step = step
      this.opts.onProgress?.({ idp: profile.name, scenario: scenario.name, step: step.name, index: 0, total: 0 })
      try {
        await this.step(inst, step, features)
      } catch (err) {
        // Whatever the server sent, one step's surprise is one error result, never the end of the run.
        if (err instanceof TargetError) throw err
        const msg = `scim-check could not run this step: ${(err as Error)?.message ?? String(err)}`
        inst.results.push(this.result(inst, stepDescriptor(inst, step), { ok: 'error', message: msg, reason: `${msg} (please report it)` }))
      }
    }
    inst.step = undefined
    this.finishAmbient(inst)
    return inst.results
  }

  private async step(inst: Instance, step: Step, features: Record<Feature, boolean>): Promise<void> {
    const missing = (step.requires ?? []).filter((f) => !features[f])
    if (missing.length) {
      const why = missing.includes('rotation')
        ? 'no --rotate-command given: pass a command that rotates the token and prints the new one to test rotation'
        : `the target does not support ${missing.join(', ')}`
      inst.results.push(this.skip(inst, step, why))
      return
    }
    let args: Record<string, unknown>
    let request: Step['request']
    try {
      if (step.when !== undefined && !render(step.when, inst.vars)) return
      args = (render(step.with ?? {}, inst.vars) ?? {}) as Record<string, unknown>
      request = step.request ? (renderRequest(step.request, inst.vars) as Step['request']) : undefined
    } catch (err) {
      if (err instanceof UnsafeSegment) return void inst.results.push(this.skip(inst, step, err.message))
      if (!(err instanceof TemplateError)) throw err
      inst.results.push(this.skip(inst, step, `depends on a value an earlier step did not produce (${err.message})`))
      return
    }
    let exchange: Exchange | undefined
    let value: unknown
    const sentBefore = this.client.exchanges.length
    try {
      if (step.action === 'rotateToken') {
        inst.results.push(await this.rotate(inst, step))
        return
      }
      if (step.action) {
        const impl = inst.profile.actions[step.action]
        if (!impl) {
          const never = inst.profile.never?.[step.action]
          inst.results.push(this.skip(inst, step, never ?? `${inst.profile.title} has no ${step.action} action`))
          return
        }
        const out = await impl(this.actionContext(inst, step), args)
        exchange = out.exchange
        value = out.value
      } else if (request) {
        exchange = await this.send(inst, this.rawSpec(request))
      }
    } catch (err) {
      if (err instanceof TargetError) throw err
      const earlierFailed = inst.results.some((r) => r.status === 'fail' || r.status === 'error')
      const msg = (err as Error).message
      const refused = this.client.exchanges.slice(sentBefore).map(refusedBy).find(Boolean)
      if (refused || err instanceof UnsafeSegment) return void inst.results.push(this.skip(inst, step, refused ?? msg))
      inst.results.push(earlierFailed ? this.skip(inst, step, `not run because an earlier step failed (${msg})`) : this.result(inst, stepDescriptor(inst, step), { ok: 'error', message: msg, reason: msg }))
      return
    }
    if (!exchange) return
    // A request scim-check refused to send was reported once, as a skip with its reason: nothing here to judge.
    if (refusedBy(exchange)) return
    if (isCapped(value)) inst.results.push(this.pageCap(inst, exchange, (value as { pages?: unknown }).pages))
    if (step.save) inst.vars[step.save] = value ?? exchange.response?.json
    for (const e of expectationsOf(step)) inst.results.push(...this.expect(inst, step, e, exchange))
    for (const ref of step.checks ?? []) {
      const def = getCheck(ref.id)
      if (!def?.judge) {
        inst.results.push(this.result(inst, stepDescriptor(inst, step), { ok: 'error', message: `check ${ref.id} cannot judge a step`, reason: 'no judge' }))
        continue
      }
      let args: Record<string, unknown>
      try {
        args = (render(ref.with ?? {}, inst.vars) ?? {}) as Record<string, unknown>
      } catch (err) {
        // A value an earlier step should have saved is missing (the server answered with something else): not judged.
        if (!(err instanceof TemplateError)) throw err
        inst.results.push(this.result(inst, def, { ok: 'skip', message: `skipped: depends on a value an earlier step did not produce (${err.message})`, reason: err.message }, exchange))
        continue
      }
      const ctx = this.checkContext(inst, args)
      this.judge(inst, def, exchange, (x) => def.judge!(x, ctx))
    }
  }

  private rawSpec(req: NonNullable<Step['request']>): RequestSpec {
    return this.withAuth({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body }, req.auth)
  }

  /** The credentials a step asks for, on a raw request or on every request of an action (the IdP's own traffic, mis-authenticated). */
  private withAuth(spec: RequestSpec, auth: Step['auth']): RequestSpec {
    if (auth === 'none') return { ...spec, noAuth: true }
    if (auth === 'invalid') return { ...spec, token: `scimcheck-invalid-${this.runId}-${randomBytes(6).toString('hex')}` }
    if (auth === 'previous') return { ...spec, token: this.client.oldToken ?? `scimcheck-invalid-${this.runId}` }
    return spec
  }

  private actionContext(inst: Instance, step: Step): ActionContext {
    const profile = inst.profile
    const options = { maxPages: this.config.maxPages, ...defaultsOf(profile), ...(this.config.idpOptions[profile.name] ?? {}) }
    return {
      idp: profile.name,
      options,
      mapping: resolveMapping(profile.mapping ?? {}, this.config.mapping, profile.name),
      custom: this.config.customExtension ?? DEFAULT_CUSTOM_EXTENSION,
      send: (spec) => this.send(inst, this.withAuth(spec, step.auth), step.name, step.action),
      expectation: (id, finding) => {
        const e = profile.expectations?.find((x) => x.id === id)
        const def: Descriptor = e ? { id, title: e.title, level: 'IDP', source: e.source } : getCheck(id) ?? { id, title: id, level: 'IDP', source: { scenario: inst.scenario.name, note: 'IdP expectation' } }
        inst.results.push(this.result(inst, def, unjudgeable(finding, step) ?? finding, finding.exchange))
      },
    }
  }

  /** Every request of a run goes through here: the safety guard, the client, the ledger and the ambient checks. */
  private async send(inst: Instance, spec: RequestSpec, step?: string, action?: string): Promise<Exchange> {
    const labels = { scenario: inst.scenario.name, step: step ?? inst.step?.name, idp: inst.profile.name, action, headers: inst.profile.headers(this.config.idpOptions[inst.profile.name] ?? {}) }
    const url = this.client.resolve(spec)
    const refusal = this.ledger.refuse(spec, url)
    const x = refusal ? this.client.refuse(spec, labels, refusal) : await this.client.send(spec, labels)
    const owned = refusal ? undefined : this.ledger.observe(x, spec, url)
    if (x.response) this.anyResponse = true
    else if (x.error && !x.error.code.startsWith('refused-') && x.error.code !== 'other-origin') {
      // A peer that never answers must not hold the run for every remaining step's timeout (cleanup's requests count too).
      const silent = this.client.unanswered
      if (!this.anyResponse && (FATAL_CODES.has(x.error.code) || silent >= DEAD_BEFORE_ANY)) throw new TargetError(`cannot reach the target: ${x.error.message}`)
      if (silent >= DEAD_AFTER_SOME) throw new TargetError(`the target stopped answering (${silent} requests in a row got no response; last: ${x.error.message})`)
    }
    this.ambient(inst, x)
    if (owned) inst.results.push(this.result(inst, getCheck(owned.check)!, owned, x))
    return x
  }

  private ambient(inst: Instance, x: Exchange): void {
    if (x.error) {
      const def = getCheck('transport.response')!
      const finding: Finding = { ok: 'error', message: `${x.request.method} ${pathOf(x)}: ${x.error.message}`, reason: x.error.message }
      // Never an error of the target: scim-check itself did not send it, and says why.
      if (refusedBy(x) || x.error.code === 'other-origin') Object.assign(finding, { ok: 'skip', message: `skipped ${x.request.method} ${pathOf(x)}: ${x.error.message}`, reason: x.error.message })
      inst.results.push(this.result(inst, def, finding, x))
      return
    }
    const ctx = this.checkContext(inst, {})
    for (const def of ambientChecks()) this.judge(inst, def, x, (ex) => def.ambient!(ex, ctx), true)
  }

  /** Run one check's judge and turn its findings into results; ambient passes are counted, not listed, per scenario. */
  private judge(inst: Instance, def: CheckDef, x: Exchange, fn: (x: Exchange) => Finding | Finding[] | undefined | void, ambient = false): void {
    let out: Finding | Finding[] | undefined | void
    try {
      out = fn(x)
    } catch (err) {
      out = { ok: 'error', message: `check ${def.id} could not judge ${x.request.method} ${pathOf(x)}: ${(err as Error).message}`, reason: 'check error' }
    }
    for (const f of out === undefined ? [] : Array.isArray(out) ? out : [out]) {
      if (ambient) {
        const a = inst.ambient.get(def.id) ?? { checked: 0, broken: false }
        a.checked++
        inst.ambient.set(def.id, a)
        if (f.ok === true) continue
        a.broken = true
        // One root cause, one line: the same message from the same check is reported once per scenario.
        if (inst.results.some((r) => r.id === def.id && r.message === f.message)) continue
      }
      const r = this.result(inst, def, f, f.exchange ?? x)
      if (ambient) r.ambient = true
      inst.results.push(r)
    }
  }

  private finishAmbient(inst: Instance): void {
    for (const [id, a] of inst.ambient) {
      if (a.broken) continue
      const def = getCheck(id)!
      inst.results.push({ ...this.result(inst, def, { ok: true, message: `${a.checked} response${a.checked === 1 ? '' : 's'} checked` }), ambient: true })
    }
  }

  private checkContext(inst: Instance, args: Record<string, unknown>): CheckContext {
    return {
      idp: inst.profile.name,
      scenario: inst.scenario.name,
      step: inst.step?.name,
      vars: inst.vars,
      args,
      discovery: inst.discovery,
      history: this.client.exchanges,
      ownIds: this.ledger.ids,
      baseUrl: this.client.base.toString(),
    }
  }

  private expect(inst: Instance, step: Step, e: Expectation, x: Exchange): Result[] {
    let rendered: Expectation
    try {
      rendered = render(e, inst.vars) as Expectation
    } catch (err) {
      return [this.skip(inst, step, `expectation depends on a missing value (${(err as Error).message})`)]
    }
    const base = stepDescriptor(inst, step, e)
    const out: Result[] = []
    const named = (kind: string): Descriptor => (e.check || e.id ? base : { ...base, id: `${base.id}.${kind}`, title: `${base.title}: ${kind}` })
    if (refusedBy(x)) return []
    if (!x.response) {
      return [this.result(inst, named('status'), { ok: 'error', message: x.error?.message ?? 'no response', reason: x.error?.message ?? 'no response' }, x)]
    }
    if (rendered.status !== undefined) {
      const want = Array.isArray(rendered.status) ? rendered.status : [rendered.status]
      const ok = want.includes(x.response.status)
      out.push(this.result(inst, named('status'), { ok, message: ok ? `${x.request.method} ${pathOf(x)} answered ${x.response.status}` : `${x.request.method} ${pathOf(x)} answered ${x.response.status}, expected ${want.join(' or ')}${errorDetail(x)}`, expected: want.join(' or '), actual: String(x.response.status) }, x))
    }
    if (rendered.headers) {
      for (const [name, want] of Object.entries(rendered.headers)) {
        const got = x.response.headers[name.toLowerCase()]
        const ok = want === 'absent' ? got === undefined : want === 'present' ? got !== undefined : got !== undefined && got.toLowerCase().includes(String(want).toLowerCase())
        out.push(this.result(inst, named(`header ${name}`), { ok, message: ok ? `${name}: ${got ?? '(absent)'}` : `header ${name} is ${got === undefined ? 'absent' : `"${got}"`}, expected ${want}`, expected: String(want), actual: got ?? '(absent)' }, x))
      }
    }
    if (rendered.body !== undefined) {
      const mm = x.response.json === undefined ? { path: '(body)', expected: 'a JSON body', actual: x.response.parseError ?? '(none)' } : match(rendered.body, x.response.json)
      out.push(this.result(inst, named('body'), mm ? { ok: false, message: `response body ${mm.path} is ${mm.actual}, expected ${mm.expected}`, expected: mm.expected, actual: mm.actual } : { ok: true, message: `body matches ${show(rendered.body)}` }, x))
    }
    return out
  }

  private async rotate(inst: Instance, step: Step): Promise<Result> {
    const def: Descriptor = { id: `${inst.scenario.name}.${step.name}`, title: 'Token rotation command', level: 'MUST', source: { scenario: inst.scenario.name, note: '--rotate-command' } }
    if (!this.rotator) return this.skip(inst, step, 'no --rotate-command given: pass a command that rotates the token and prints the new one to test rotation')
    const out = await rotateToken(this.rotator, { token: this.client.currentToken, url: this.client.base.toString(), timeoutMs: Math.max(this.config.timeoutMs, 10_000) })
    if ('error' in out) return this.result(inst, def, { ok: 'error', message: this.redactor.text(out.error), reason: 'the rotate command failed' })
    this.client.setToken(out.token)
    return this.result(inst, def, { ok: true, message: 'token rotated; the old token is kept only to check it is refused' })
  }

  private pageCap(inst: Instance, x: Exchange, pages: unknown): Result {
    const why = `the list walk stopped after ${typeof pages === 'number' ? pages : this.config.maxPages} pages (--max-pages) while totalResults still promised more; raise --max-pages if the tenant really is that large`
    return this.result(inst, getCheck('transport.page-cap')!, { ok: 'error', message: `${x.request.method} ${pathOf(x)}: ${why}`, reason: why }, x)
  }

  private skip(inst: Instance, step: Step | undefined, reason: string): Result {
    const def = step ? stepDescriptor(inst, step) : { id: inst.scenario.name, title: inst.scenario.title, level: inst.scenario.level ?? 'MUST', source: sourceOf(inst.scenario) }
    return this.result(inst, def, { ok: 'skip', message: `skipped: ${reason}`, reason })
  }

  private result(inst: Instance, def: Descriptor, f: Finding, x?: Exchange): Result {
    const r: Result = {
      id: def.id,
      title: def.title,
      source: def.source,
      level: f.level ?? def.level,
      status: statusOf(f, def.level),
      scenario: inst.scenario.name,
      idp: inst.profile.name,
      message: this.redactor.text(f.message),
    }
    const stepName = x?.step ?? inst.step?.name
    if (stepName) r.step = stepName
    if (f.expected !== undefined) r.expected = this.redactor.text(f.expected)
    if (f.actual !== undefined) r.actual = this.redactor.text(f.actual)
    if (f.reason) r.reason = this.redactor.text(f.reason)
    else if (r.status === 'skip' || r.status === 'info' || r.status === 'error') r.reason = r.message
    if (f.preExisting) r.preExisting = true
    if (x) {
      r.exchange = x.index
      this.client.pin(x.index)
      if (r.status !== 'pass') r.evidence = evidenceOf(x)
    }
    return r
  }
}

/** List walks (pageThrough) say when they stopped at the page cap rather than at the end. */
function isCapped(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as { capped?: unknown }).capped === true
}

/**
 * An IdP expectation is about the shape of the IdP's request; a request that was refused for its credentials
 * (401/403, or a step that sends wrong ones on purpose) says nothing about that shape, so it is not judged.
 */
function unjudgeable(f: Finding, step: Step): Finding | undefined {
  if (f.ok === true || f.ok === 'skip') return undefined
  const refused = f.exchange && refusedBy(f.exchange)
  if (refused) return { ...f, ok: 'skip', message: `skipped: ${refused}`, reason: refused }
  const status = f.exchange?.response?.status
  const deliberate = step.auth !== undefined && step.auth !== 'current'
  if (!deliberate && status !== 401 && status !== 403) return undefined
  const reason = deliberate ? `the step sends ${step.auth === 'none' ? 'no' : `the ${step.auth}`} credentials on purpose` : `the request was refused with ${status} before its shape mattered`
  return { ...f, ok: 'skip', message: `skipped: ${reason}; the IdP's request shape is judged where it is authorised`, reason }
}

/**
 * Why scim-check's guard did not send this request (a write to what is not the run's, a path it would not build),
 * or undefined. A URL on another origin is not in it: where the target pointed is the target's answer, and checks
 * judge it.
 */
function refusedBy(x: Exchange): string | undefined {
  return x.error?.code.startsWith('refused-') ? x.error.message : undefined
}

function expectationsOf(step: Step): Expectation[] {
  return step.expect === undefined ? [] : Array.isArray(step.expect) ? step.expect : [step.expect]
}

function stepDescriptor(inst: Instance, step: Step, e?: Expectation): Descriptor {
  const named = e?.check ? getCheck(e.check) : undefined
  if (named) return { id: named.id, title: named.title, level: e?.level ?? named.level, source: named.source }
  return {
    id: e?.id ?? `${inst.scenario.name}.${step.name}`,
    title: e?.title ?? `${inst.scenario.title}: ${step.name}`,
    level: e?.level ?? inst.scenario.level ?? 'MUST',
    source: sourceOf(inst.scenario),
  }
}

/** Scenario sources are written as "RFC 7644 §3.3" or free text; the former become RFC sources for the compliance summary. */
export function sourceOf(s: Scenario): Source {
  const m = /^RFC\s*(\d{4})\s+(.+)$/i.exec(s.source ?? '')
  if (m) return { rfc: Number(m[1]), section: m[2].trim() }
  return { scenario: s.name, note: s.source ?? s.title }
}

function defaultsOf(p: IdpProfile): Record<string, unknown> {
  return Object.fromEntries(p.options.map((o) => [o.name, o.default]))
}

function reasonOf(missing: Feature[], d: Discovery): string {
  return d.spc ? `ServiceProviderConfig says ${missing.map((f) => `${f}.supported = false`).join(', ')}` : 'not advertised and not found'
}


function errorDetail(x: Exchange): string {
  const d = (x.response?.json as { detail?: unknown } | undefined)?.detail
  return typeof d === 'string' && d ? ` (detail: "${d.slice(0, 160)}")` : ''
}

export type { Level }
