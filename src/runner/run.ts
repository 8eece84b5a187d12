import { randomBytes } from 'node:crypto'
import { DEFAULTS, type RunConfig } from '../config/types.js'
import type { CheckContext, CheckDef, Discovery, Finding, Judge } from '../checks/define.js'
import { ambientChecks, getCheck } from '../checks/registry.js'
import { TargetError, UsageError } from '../errors.js'
import { UnsafeSegment } from '../idp/wire.js'
import { HttpClient } from '../http/client.js'
import { pathOf, type Exchange, type RequestSpec } from '../http/exchange.js'
import { Redactor } from '../http/redact.js'
import { parsePath, resolveMapping } from '../idp/mapping.js'
import { getProfile } from '../idp/registry.js'
import { expandRuns, resolveAliases, type ProfileRun } from '../idp/settings.js'
import type { ActionContext, IdpExpectation, IdpProfile } from '../idp/types.js'
import { buildCompliance, buildMatrix, summarize } from '../result/summary.js'
import { runLabel, type Level, type Result, type Source } from '../result/types.js'
import { TemplateError, render, renderRequest, runPrefix, uniqueValues } from '../scenario/template.js'
import type { Expectation, Feature, Scenario, Step } from '../scenario/types.js'
import { cleanup } from './cleanup.js'
import { discover, featuresOf } from '../target/discover.js'
import { planCustom, type CustomPlan } from '../target/custom.js'
import { modelOf } from '../target/model.js'
import { unmet } from '../target/requires.js'
import { declaredOnly } from '../target/trim.js'
import { Causality, isWrite, resourceIdOf } from './causality.js'
import { expectationsOf, judgeExpectation, scenarioDescriptor, sourceOf, stepDescriptor } from './expect.js'
import { isRefusal, RequestGuard } from './guard.js'
import { Ledger } from './ledger.js'
import type { Leftover, RunReport } from './report.js'
import { resolveScenarios } from './scenarios.js'
import { rotateToken, type Rotator } from './rotate.js'
import { connect } from './target.js'
import { applyBaseline, loadBaseline } from '../result/baseline.js'
import { checkSelection, select } from '../result/select.js'
import { diffReports, loadReport } from '../result/diff.js'
import { PROFILES } from '../idp/registry.js'
import { allChecks } from '../checks/registry.js'
import { blocked, causeOf, notPerformed, ResultBuilder, type Descriptor } from './results.js'
import { warningsOf } from './warnings.js'
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
  /**
   * Narrows the scenario × profile plan to these pairs (a suite runs exactly the scenarios each of its steps names,
   * under the profile it names, not the whole cross product).
   */
  only?: (idp: string, scenario: string, setting?: string) => boolean
  /**
   * Judge every exchange and step before the next request is sent. By default what a step leaves to judge is judged
   * while the next step's first request is on the wire; the results, and their order, are the same either way.
   */
  inlineJudging?: boolean
}

/** Run every selected scenario under every selected IdP profile against one target and return the report. */
export async function run(config: RunConfig, opts: RunOptions = {}): Promise<RunReport> {
  config = { ...config, idpOptions: resolveAliases(config.idpOptions) }
  // Each profile once, or once per setting (`--idp okta:all`): a run of the plan is one profile with one setting.
  const runs = expandRuns(config.idps, config.idpOptions)
  const idps = [...new Set(runs.map((r) => r.idp))]
  const scenarios = opts.scenarios ?? resolveScenarios(config.scenarios)
  for (const idp of idps) {
    checkOptions(getProfile(idp), config.idpOptions[idp] ?? {})
    checkMapping(getProfile(idp), config)
  }
  // Bad selections and baseline files are bad input: caught before the first request.
  checkSelection(config, knownIds(scenarios))
  const baselineEntries = config.baseline ? loadBaseline(config.baseline) : undefined
  const previous = config.compare ? loadReport(config.compare) : undefined
  // Only scenarios the user chose must run somewhere: the built-in set holds RFC probes for generic alone.
  if (opts.scenarios || config.scenarios.length) for (const s of scenarios) checkApplies(s, idps, config)
  const runId = randomBytes(4).toString('hex')
  const startedAt = new Date()
  // A transcript holds every body as received; otherwise long walks keep full bodies only where results point.
  const { target, redactor, client } = await connect(config, { signal: opts.signal, retention: { keepAll: !!config.transcript } })
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
    const plan = runs.flatMap((r) => scenarios.filter((s) => applies(s, r.idp, config, opts.only, r.setting)).map((s) => ({ run: r, scenario: s })))
    // The target model is built once, whatever profiles run: as the generic profile's own traffic (its discovery
    // scenario judges it), or else as scim-check's own requests, marked and not judged.
    const discovery = idps.length ? await runner.discovery(getProfile(idps.includes('generic') ? 'generic' : idps[0]), idps.includes('generic') ? results : undefined) : {}
    let index = 0
    for (const profileRun of runs) {
      const { idp } = profileRun
      const profile = getProfile(idp)
      const features = featuresOf(idp, discovery, !!rotator)
      for (const scenario of scenarios.filter((s) => applies(s, idp, config, opts.only, profileRun.setting))) {
        if (opts.signal?.aborted) break
        opts.onProgress?.({ idp: runLabel(profileRun), scenario: scenario.name, index: ++index, total: plan.length })
        const finish = await runner.scenario(profile, profileRun, scenario, features, discovery)
        // Settings run one after another, so what one setting created is gone before the next begins. The scenario's
        // last step is judged while the first cleanup request is on the wire, and its results are complete after it.
        try {
          leftovers.push(...(await cleanup(client, ledger, { scenario: scenario.name, idp }, opts.signal?.aborted ? 10_000 : 60_000)))
        } finally {
          results.push(...finish())
        }
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

  const columns = runs.map(runLabel)
  const kept = select(results, config)
  if (kept !== results) results.splice(0, results.length, ...kept)
  const baseline = baselineEntries ? { ...applyBaseline(results, baselineEntries, config.baseline!), strict: !!config.strictBaseline } : undefined
  const report: RunReport = {
    tool: { name: 'scim-check', version: VERSION },
    target: { url: target.builtin ? target.url : redactor.text(target.url), builtin: target.builtin },
    idp: idps.join(','),
    idps,
    ...(runs.some((r) => r.setting) ? { settings: runs.map((r) => ({ label: runLabel(r), idp: r.idp, setting: r.setting ?? '', options: r.options })) } : {}),
    runId,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    failOn: config.failOn,
    summary: summarize(results),
    results,
    matrix: buildMatrix(results, [...new Set(results.map((r) => r.scenario))], columns, runs.some((r) => r.setting)),
    compliance: buildCompliance(results, columns, (id, idp) => getCheck(id)?.breaks?.includes(idp) ?? false),
    leftovers,
    incomplete,
    warnings: [...warningsOf(client.exchanges, { tokenGiven: !!target.token || !!config.auth }), ...baselineWarnings(baseline)],
    baseline,
    comparison: previous ? { file: config.compare!, ...diffReports(previous, { results }) } : undefined,
    exchanges: client.exchanges,
  }
  return report
}

/** Every id a selection pattern may name: the registry, each profile's expectations, and the scenarios' steps. */
function knownIds(scenarios: Scenario[]): { id: string; source: Source }[] {
  const out: { id: string; source: Source }[] = allChecks().map((c) => ({ id: c.id, source: c.source }))
  for (const p of Object.values(PROFILES)) for (const e of p.expectations ?? []) out.push({ id: e.id, source: e.source })
  for (const s of scenarios) for (const step of s.steps) out.push({ id: `${s.name}.${step.name}`, source: sourceOf(s) })
  return out
}

function baselineWarnings(b: { stale: { check: string; idp?: string; setting?: string; scenario?: string }[]; expired: { check: string; expires?: string }[]; strict: boolean } | undefined): string[] {
  if (!b) return []
  const out = b.stale.map((e) => `baseline entry ${e.check}${e.idp ? ` (${e.idp}${e.setting ? ` [${e.setting}]` : ''}${e.scenario ? `/${e.scenario}` : ''})` : ''} is stale: it matched no finding; remove it${b.strict ? ' (--strict-baseline fails the run)' : ''}`)
  out.push(...b.expired.map((e) => `baseline entry ${e.check} expired on ${e.expires}: its findings count again`))
  return out
}

function applies(s: Scenario, idp: string, config: RunConfig, only?: RunOptions['only'], setting?: string): boolean {
  if (config.readOnly && s.writes !== false) return false
  if (only && !only(idp, s.name, setting)) return false
  return !s.idps || s.idps.includes(idp) || s.idps.includes('all')
}

/** A chosen scenario that would run under none of the chosen profiles would make a green run of nothing. */
function checkApplies(s: Scenario, idps: string[], config: RunConfig): void {
  if (idps.some((idp) => applies(s, idp, config))) return
  if (config.readOnly && s.writes !== false) throw new UsageError(`scenario "${s.name}" writes data and --read-only sends no writes: nothing of it would run`)
  throw new UsageError(`scenario "${s.name}" runs only under ${s.idps!.join(', ')}, none of the selected profiles (${idps.join(', ')}): pass --idp ${s.idps![0]} or choose another scenario`)
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
    const why = opt.validate?.(String(given[key]))
    if (why) throw new UsageError(`option ${profile.name}.${key} "${String(given[key])}" ${why}`)
  }
}

/** Every mapping path a profile would write must be one the profiles can build, before any request is sent. */
function checkMapping(profile: IdpProfile, config: RunConfig): void {
  for (const [attr, path] of Object.entries(resolveMapping(profile.mapping ?? {}, config.mapping, profile.name))) {
    try {
      parsePath(path)
    } catch {
      throw new UsageError(`mapping ${profile.name}.${attr}: "${path}" is not a SCIM path scim-check can write; use attr, attr.sub, attr[type eq "x"].sub or urn:…:attr`)
    }
  }
}


interface Instance {
  profile: IdpProfile
  /** The profile's setting for this scenario (options and label); a plain run has no label. */
  run: ProfileRun
  scenario: Scenario
  step?: Step
  vars: Record<string, unknown>
  results: Result[]
  ambient: Map<string, { checked: number; broken: boolean }>
  discovery: Discovery
  causality: Causality
  /** The exchanges the current step sent, for the causality bookkeeping after it. */
  sent: Exchange[]
  /** The current step saved an answer that was not a success (an error body): a repeated step leaves it out of its list. */
  savedRefusal?: boolean
  /** Where the current step's results begin: known once the previous step's put-off judging is done (see settle). */
  stepStart?: number
}

/** Judging put off until the next request is on the wire, with the step and the history length it belongs to. */
interface Deferred {
  inst: Instance
  step: Step | undefined
  upTo: number
  job: () => void
}

class ScenarioRunner {
  private guard: RequestGuard
  private build: ResultBuilder
  /** Each profile's per-run memory (ActionContext.state): owned by this run, so runs never share it. */
  private profileState = new Map<string, Map<string, unknown>>()
  /** Each setting's place among its profile's settings: unique names stay apart between settings (see instance). */
  private ordinals = new Map<string, number>()
  private deferred: Deferred[] = []
  private readonly settleNow = () => this.settle()
  constructor(
    private config: RunConfig,
    private client: HttpClient,
    private ledger: Ledger,
    private redactor: Redactor,
    private runId: string,
    private rotator: Rotator | undefined,
    private opts: RunOptions,
  ) {
    this.guard = new RequestGuard(client, ledger)
    this.build = new ResultBuilder(client, redactor)
    // What was put off is judged once the next request is written, while the server works on it; and whatever
    // answers, and whatever cleanup gives up, nothing is recorded of it before that judging is done.
    client.onSent = this.settleNow
    client.onAnswer = this.settleNow
    ledger.beforeChange = this.settleNow
  }

  /**
   * Put judging off until the next request is on the wire: on a fast local server a step's checks cost about as much
   * as the server's answer to the next request, so doing both at once takes one of them off the run's time.
   */
  private defer(inst: Instance, job: () => void): void {
    if (this.opts.inlineJudging) return job()
    this.deferred.push({ inst, step: inst.step, upTo: this.client.exchanges.length, job })
  }

  /**
   * Do the put-off judging now, in order, each job seeing the run exactly as it was put off: the same step, and a
   * history that ends where it ended (the request on the wire since then is taken off the list meanwhile and put
   * back after). Called wherever a result is added, a cause is looked up, a variable changes or an answer arrives,
   * so nothing ever sees the run before its judging is done.
   */
  private settle(): void {
    if (!this.deferred.length) return
    const jobs = this.deferred
    this.deferred = []
    const history = this.client.exchanges
    for (const { inst, step, upTo, job } of jobs) {
      const later = history.length > upTo ? history.splice(upTo) : undefined
      const current = inst.step
      inst.step = step
      try {
        job()
      } finally {
        inst.step = current
        if (later) for (const x of later) history.push(x)
      }
      // An earlier step's judging is done: the current step's results begin after it.
      if (step !== current) inst.stepStart = inst.results.length
    }
  }

  /** What the run writes as the custom extension and reads back, decided from the target model. */
  private custom: CustomPlan = { reason: 'discovery has not run' }

  /**
   * Read the discovery documents before anything else. Under the generic profile they are its traffic and judged
   * (results given); otherwise they are scim-check's own (purpose 'discovery'), since IdPs do not send them.
   */
  async discovery(profile: IdpProfile, results?: Result[]): Promise<Discovery> {
    const inst = this.instance(profile, { idp: profile.name, options: {} }, { name: 'discovery', title: 'Discovery', steps: [], file: '(built-in)' }, {})
    const d = await discover((spec, step) => this.send(inst, results ? spec : { ...spec, purpose: 'discovery' }, step), this.config.customExtension?.urn)
    this.custom = planCustom(modelOf(d), this.config.customExtension)
    this.settle()
    this.finishAmbient(inst)
    if (results) results.push(...inst.results)
    return d
  }

  private customValue(): { urn: string; attributes: Record<string, unknown> } {
    return 'reason' in this.custom ? { urn: '', attributes: {} } : { urn: this.custom.urn, attributes: this.custom.attributes }
  }

  private instance(profile: IdpProfile, run: ProfileRun, scenario: Scenario, discovery: Discovery): Instance {
    // Under settings, each setting's unique names differ (okt2-create-…): a user the previous setting could not
    // delete must not turn the next setting's create into a 409.
    const label = runLabel(run)
    if (run.setting && !this.ordinals.has(label)) this.ordinals.set(label, [...this.ordinals.keys()].filter((k) => k.startsWith(`${profile.name} (`)).length + 1)
    const scope = `${profile.name.slice(0, 3)}${run.setting ? this.ordinals.get(label) : ''}-${scenario.name.slice(0, 12)}`
    return {
      profile,
      run,
      scenario,
      vars: { unique: uniqueValues(this.runId, scope), run: { id: this.runId, prefix: `scimcheck-${this.runId}-`, groupSize: this.config.groupSize ?? DEFAULTS.groupSize }, idp: { name: profile.name, options: this.givenOptions(run), ...(run.setting ? { setting: run.setting } : {}) }, custom: 'reason' in this.custom ? { urn: '', attributes: {}, readBack: {} } : { urn: this.custom.urn, attributes: this.custom.attributes, readBack: this.custom.readBack } },
      results: [],
      ambient: new Map(),
      discovery,
      causality: new Causality(),
      sent: [],
    }
  }

  /** The options given for this run: --idp-option and the config file, then the setting's own values. */
  private givenOptions(run: ProfileRun): Record<string, unknown> {
    return { ...(this.config.idpOptions[run.idp] ?? {}), ...run.options }
  }

  /**
   * Run a scenario's steps. What its last step leaves to judge may still be put off: the function returned gives the
   * scenario's results once all of it is judged.
   */
  async scenario(profile: IdpProfile, run: ProfileRun, scenario: Scenario, features: Record<Feature, boolean>, discovery: Discovery): Promise<() => Result[]> {
    const inst = this.instance(profile, run, scenario, discovery)
    inst.vars.features = features
    const unmetScenario = unmet(scenario.requires, features, discovery, this.custom)
    if (unmetScenario) {
      inst.results.push(this.skip(inst, undefined, unmetScenario))
      return () => inst.results
    }
    try {
      for (const step of scenario.steps) {
        if (this.opts.signal?.aborted) break
        inst.step = step
        this.opts.onProgress?.({ idp: runLabel(run), scenario: scenario.name, step: step.name, index: 0, total: 0 })
        if (step.repeat !== undefined) await this.repeated(inst, step, features)
        else await this.guardedStep(inst, step, features)
      }
    } catch (err) {
      this.settle()
      throw err
    }
    return () => {
      this.settle()
      inst.step = undefined
      this.finishAmbient(inst)
      return inst.results
    }
  }

  private async guardedStep(inst: Instance, step: Step, features: Record<Feature, boolean>): Promise<void> {
    inst.sent = []
    try {
      await this.step(inst, step, features)
    } catch (err) {
      if (err instanceof TargetError) throw err
      this.crashed(inst, step, err)
    }
  }

  /** Whatever the server sent, one step's surprise is one error result, never the end of the run. */
  private crashed(inst: Instance, step: Step, err: unknown): void {
    const msg = `scim-check could not run this step: ${(err as Error)?.message ?? String(err)}`
    this.add(inst, this.result(inst, stepDescriptor(inst.scenario, step), { ok: 'error', message: msg, reason: `${msg} (please report it)` }))
  }

  /**
   * A step run once per item (`repeat:`). Each repetition is an ordinary step that sees `repeat` (index from 1, item,
   * count); afterwards `save` holds the list of the repetitions' values, and the results of one check are folded into
   * one line per status, so a thousand creates read as one result that counts them, and one broken rule repeated a
   * thousand times as one failure that lists where it recurred.
   */
  private async repeated(inst: Instance, step: Step, features: Record<Feature, boolean>): Promise<void> {
    // Repetitions are told apart by where their results begin: each starts once the one before is judged.
    this.settle()
    let over: unknown
    try {
      over = typeof step.repeat === 'number' ? step.repeat : render(step.repeat, inst.vars)
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err
      this.missingValue(inst, step, err, this.skip(inst, step, `depends on a value an earlier step did not produce (${err.message})`))
      return
    }
    const items = Array.isArray(over) ? over : typeof over === 'number' && Number.isInteger(over) && over >= 0 ? Array.from({ length: over }, (_, i) => i + 1) : undefined
    if (!items) {
      const msg = `repeat: ${JSON.stringify(over)} is neither a whole number nor a list`
      this.add(inst, this.result(inst, stepDescriptor(inst.scenario, step), { ok: 'error', message: msg, reason: msg }))
      return
    }
    const from = inst.results.length
    const marks: number[] = []
    const saved: unknown[] = []
    for (const [i, item] of items.entries()) {
      if (this.opts.signal?.aborted) break
      this.settle()
      inst.vars.repeat = { index: i + 1, item, count: items.length }
      if (step.save) delete inst.vars[step.save]
      inst.savedRefusal = false
      marks.push(inst.results.length)
      await this.guardedStep(inst, step, features)
      // One refused repetition (a 409 among a thousand creates) is its own failure; its error body is no list item.
      if (step.save && inst.vars[step.save] !== undefined && !inst.savedRefusal) saved.push(inst.vars[step.save])
    }
    this.settle()
    delete inst.vars.repeat
    if (step.save) inst.vars[step.save] = saved
    inst.results.splice(from, inst.results.length - from, ...foldRepetitions(inst.results.slice(from), marks.map((m) => m - from), items.length))
  }

  private async step(inst: Instance, step: Step, features: Record<Feature, boolean>): Promise<void> {
    // The previous step may still be judged while this one's first request is on the wire (see defer).
    inst.stepStart = this.deferred.length ? undefined : inst.results.length
    const why = unmet(step.requires, features, inst.discovery, this.custom)
    if (why) {
      this.add(inst, this.skip(inst, step, why))
      return
    }
    let args: Record<string, unknown>
    let request: Step['request']
    try {
      if (step.when !== undefined && !render(step.when, inst.vars)) return
      args = (render(step.with ?? {}, inst.vars) ?? {}) as Record<string, unknown>
      request = step.request ? (renderRequest(step.request, inst.vars) as Step['request']) : undefined
    } catch (err) {
      if (err instanceof UnsafeSegment) return void this.add(inst, this.skip(inst, step, err.message))
      if (!(err instanceof TemplateError)) throw err
      this.missingValue(inst, step, err, this.skip(inst, step, `depends on a value an earlier step did not produce (${err.message})`))
      return
    }
    let exchange: Exchange | undefined
    let value: unknown
    const sentBefore = this.client.exchanges.length
    try {
      if (step.action === 'rotateToken') {
        this.settle()
        this.add(inst, await this.rotate(inst, step))
        return
      }
      if (step.action) {
        const impl = inst.profile.actions[step.action]
        if (!impl) {
          const never = inst.profile.never?.[step.action]
          this.add(inst, this.skip(inst, step, never ?? `${inst.profile.title} has no ${step.action} action`))
          return
        }
        const out = await impl(this.actionContext(inst, step), args)
        exchange = out.exchange
        value = out.value
      } else if (request) {
        exchange = await this.send(inst, this.rawSpec({ ...request, body: declaredOnly(request.method, request.path, request.body, inst.discovery) }))
      }
    } catch (err) {
      if (err instanceof TargetError) throw err
      this.settle()
      const msg = (err as Error).message
      // A request scim-check refused to send, or a path it would not build: a skip with the reason, never an error of the target.
      const refused = this.client.exchanges.slice(sentBefore).map(refusedBy).find(Boolean)
      if (refused || err instanceof UnsafeSegment) return void this.add(inst, this.skip(inst, step, refused ?? msg))
      const cause = inst.causality.latest
      const r = cause ? blocked(this.skip(inst, step, `not run because an earlier step failed (${msg})`), cause) : this.result(inst, stepDescriptor(inst.scenario, step), { ok: 'error', message: msg, reason: msg })
      this.add(inst, r)
      inst.causality.afterStep(step.save, inst.sent, undefined, [], [r])
      return
    }
    // The step's last answer is judged with its verdicts, while the next step's first request is on the wire.
    if (inst.stepStart === undefined) this.settle()
    const before = inst.stepStart!
    if (!exchange) {
      this.settle()
      // An action the IdP defers (JumpCloud creates a group only with its first member) still gives later steps what
      // they address it by; the profile fills in the real id once it sends the request.
      if (step.save && value !== undefined) inst.vars[step.save] = value
      // The IdP does not perform this action (the profile said why): what depends on it is not judged either.
      const why = inst.results.slice(before).find((r) => r.status === 'skip')
      if (why && typeof args.id === 'string') inst.causality.notPerformed(args.id, causeOf(why))
      return
    }
    // A request scim-check refused to send was reported once, as a skip with its reason: nothing here to judge.
    if (refusedBy(exchange)) return
    if (isCapped(value)) this.add(inst, this.pageCap(inst, exchange, (value as { pages?: unknown }).pages))
    if (step.save) {
      inst.vars[step.save] = value ?? exchange.response?.json
      const s = exchange.response?.status
      inst.savedRefusal = value === undefined && !(s !== undefined && s >= 200 && s < 300)
    }
    // The step's own exchanges are kept for its verdicts: the next step starts a list of its own.
    const sent = inst.sent
    this.defer(inst, () => {
      try {
        this.verdicts(inst, step, args, exchange, before, sent)
      } catch (err) {
        this.crashed(inst, step, err)
      }
    })
  }

  /**
   * The step's own verdicts, causes first: checks it names, then its expectations, each blocked when another result
   * explains it; then what the step leaves for later steps (failed writes, values it should have saved).
   */
  private verdicts(inst: Instance, step: Step, args: Record<string, unknown>, exchange: Exchange, before: number, sent: Exchange[]): void {
    // Judged before the expectations, so a check that names the cause is there when a failed expectation looks for it.
    const checks: Result[] = []
    const addressed = new Set<string>()
    for (const x of sent) {
      const sentTo = resourceIdOf(x)
      if (sentTo && !x.purpose) addressed.add(sentTo)
    }
    if (typeof args.id === 'string') addressed.add(args.id)
    for (const ref of step.checks ?? []) checks.push(...this.stepCheck(inst, step, ref, exchange, addressed))
    const earlier = inst.causality.forIds(addressed)
    const missingCause = inst.causality.forMissing()
    // A catalogue check on a write judges that write's own answer, which an earlier failed write does not change;
    // on a read it judges state the failed write should have left.
    const judgesOwnWrite = sent.some((x) => !x.purpose && isWrite(x))
    const unperformed = judgesOwnWrite ? undefined : inst.causality.forUnperformed(addressed)
    const resolvedChecks = checks.map((r) => {
      if (unperformed && !r.cause && r.status !== 'skip') return notPerformed(r, unperformed)
      if (r.status === 'pass' || r.status === 'info' || r.cause) return r
      if (earlier && !judgesOwnWrite) return blocked(r, earlier)
      if ((r.status === 'error' || r.status === 'skip') && missingCause) return blocked(r, missingCause)
      return r
    })
    for (const r of resolvedChecks) inst.causality.note(r.exchange, r)

    const expects: Result[] = []
    // A wrong status explains the wrong body and headers that come with it: the first failure is the one.
    let first: Result | undefined
    for (const e of expectationsOf(step)) {
      for (const r of this.expect(inst, step, e, exchange)) {
        if (unperformed && !r.cause && r.status !== 'skip') expects.push(notPerformed(r, unperformed))
        else if (r.status === 'pass' || r.status === 'info' || r.cause) expects.push(r)
        else {
          const cause = (r.exchange !== undefined ? inst.causality.sameExchange(r.exchange) : undefined) ?? earlier ?? (first && causeOf(first))
          expects.push(cause ? blocked(r, cause) : r)
          first ??= r
        }
      }
    }
    inst.results.push(...expects, ...resolvedChecks)
    for (const r of expects) inst.causality.note(r.exchange, r)
    inst.causality.afterStep(step.save, sent, exchange, expects, inst.results.slice(before))
  }

  /** A value the step needs is missing: blocked by whatever failed to save it, else skipped for want of it. */
  private missingValue(inst: Instance, step: Step, err: TemplateError, skipped: Result): void {
    this.settle()
    const cause = inst.causality.forTemplate(err)
    const r = cause ? blocked(skipped, cause) : skipped
    this.add(inst, r)
    if (step.save) inst.causality.afterStep(step.save, [], undefined, [], [r])
  }

  private stepCheck(inst: Instance, step: Step, ref: NonNullable<Step['checks']>[number], exchange: Exchange, addressed: Set<string>): Result[] {
    const def = getCheck(ref.id)
    if (!def?.judge) {
      return [this.result(inst, stepDescriptor(inst.scenario, step), { ok: 'error', message: `check ${ref.id} cannot judge a step`, reason: 'no judge' })]
    }
    let args: Record<string, unknown>
    try {
      args = (render(ref.with ?? {}, inst.vars) ?? {}) as Record<string, unknown>
    } catch (err) {
      // A value an earlier step should have saved is missing (the server answered with something else): not judged.
      if (!(err instanceof TemplateError)) throw err
      const skipped = this.result(inst, def, { ok: 'skip', message: `skipped: depends on a value an earlier step did not produce (${err.message})`, reason: err.message }, exchange)
      const cause = inst.causality.forTemplate(err)
      return [cause ? blocked(skipped, cause) : skipped]
    }
    // A check names the resources it judges (id, group, …): a failed write to any of them explains its failure.
    for (const v of Object.values(args)) if (typeof v === 'string') addressed.add(v)
    const out: Result[] = []
    this.judge(inst, def, exchange, def.judge, this.checkContext(inst, args), out)
    return out
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

  /** The IdP's own deadline on its own traffic (Okta gives up at 60 s), unless the user chose one with --timeout. */
  private withDeadline(profile: IdpProfile, spec: RequestSpec): RequestSpec {
    if (this.config.timeoutFromUser || profile.deadlineMs === undefined || spec.timeoutMs !== undefined) return spec
    return { ...spec, timeoutMs: profile.deadlineMs }
  }

  private actionContext(inst: Instance, step: Step): ActionContext {
    const profile = inst.profile
    const options = { maxPages: this.config.maxPages, ...defaultsOf(profile), ...this.givenOptions(inst.run) }
    return {
      idp: profile.name,
      options,
      mapping: resolveMapping(profile.mapping ?? {}, this.config.mapping, profile.name),
      custom: this.customValue(),
      send: (spec) => this.send(inst, this.withDeadline(profile, this.withAuth(spec, step.auth)), step.name, step.action),
      // Per setting: what Okta pushed as an OIN app is not what it pushes as an AIW app.
      state: this.profileState.get(runLabel(inst.run)) ?? this.profileState.set(runLabel(inst.run), new Map()).get(runLabel(inst.run))!,
      diagnose: this.config.diagnose !== false && !this.config.readOnly,
      expectation: (id, finding) => {
        this.add(inst, this.result(inst, idpDescriptor(profile, id, inst.scenario.name), unjudgeable(finding, step) ?? finding, finding.exchange))
      },
    }
  }

  /** Every request of a run goes through here: the request guard, then the ambient checks. */
  private async send(inst: Instance, spec: RequestSpec, step?: string, action?: string): Promise<Exchange> {
    const labels = { scenario: inst.scenario.name, step: step ?? inst.step?.name, idp: inst.profile.name, setting: inst.run.setting, action, headers: inst.profile.headers(this.givenOptions(inst.run)) }
    const { exchange: x, owned } = await this.guard.send(spec, labels)
    // Only what causality reads (writes, and requests naming one resource): a list walk's thousand pages stay out, so
    // the retention policy can still cut their bodies.
    if (isWrite(x) || resourceIdOf(x) !== undefined) inst.sent.push(x)
    this.ambient(inst, x)
    if (owned) this.add(inst, this.result(inst, getCheck(owned.check)!, owned, x))
    return x
  }

  private ambient(inst: Instance, x: Exchange): void {
    // The variables as they are now: the step saves its answer before this is judged.
    const ctx = this.checkContext(inst, {}, { ...inst.vars })
    this.defer(inst, () => this.judgeAmbient(inst, x, ctx))
  }

  private judgeAmbient(inst: Instance, x: Exchange, ctx: CheckContext): void {
    if (x.error) {
      const def = getCheck('transport.response')!
      const finding: Finding = { ok: 'error', message: `${x.request.method} ${pathOf(x)}: ${x.error.message}`, reason: x.error.message }
      // Never an error of the target: scim-check itself did not send it, and says why.
      if (isRefusal(x)) Object.assign(finding, { ok: 'skip', message: `skipped ${x.request.method} ${pathOf(x)}: ${x.error.message}`, reason: x.error.message })
      this.add(inst, this.result(inst, def, finding, x))
      return
    }
    // Every check, on every exchange: no closure or list per call, and a pass is only counted.
    for (const def of ambientChecks()) this.judge(inst, def, x, def.ambient!, ctx, undefined)
  }

  /**
   * Run one check's judge and turn its findings into results, into `into` (a step's checks) or, for ambient checks
   * (no `into`), straight into the scenario's results: their passes are counted, not listed, and a repeated
   * message is reported once per scenario but still marks this exchange as broken.
   */
  private judge(inst: Instance, def: CheckDef, x: Exchange, check: Judge, ctx: CheckContext, into: Result[] | undefined): void {
    let out: Finding | Finding[] | undefined | void
    try {
      out = check.call(def, x, ctx)
    } catch (err) {
      out = crashed(def, x, err)
    }
    if (out === undefined) return
    if (!Array.isArray(out)) this.finding(inst, def, x, out, into)
    else for (const f of out) this.finding(inst, def, x, f, into)
  }

  private finding(inst: Instance, def: CheckDef, x: Exchange, f: Finding, into: Result[] | undefined): void {
    if (!into) {
      let a = inst.ambient.get(def.id)
      if (!a) inst.ambient.set(def.id, (a = { checked: 0, broken: false }))
      a.checked++
      if (f.ok === true) return
      a.broken = true
      // One root cause, one line: the same message from the same check is reported once per scenario.
      const message = this.redactor.text(f.message)
      const first = inst.results.find((r) => r.id === def.id && r.message === message)
      if (first) {
        inst.causality.note((f.exchange ?? x).index, first)
        return
      }
    }
    const r = this.result(inst, def, f, f.exchange ?? x)
    if (into) into.push(r)
    else {
      r.ambient = true
      this.add(inst, r)
    }
  }

  private finishAmbient(inst: Instance): void {
    this.settle()
    for (const [id, a] of inst.ambient) {
      if (a.broken) continue
      const def = getCheck(id)!
      inst.results.push({ ...this.result(inst, def, { ok: true, message: `${a.checked} response${a.checked === 1 ? '' : 's'} checked` }), ambient: true })
    }
  }

  private checkContext(inst: Instance, args: Record<string, unknown>, vars = inst.vars): CheckContext {
    return {
      idp: inst.profile.name,
      scenario: inst.scenario.name,
      setting: inst.run.setting,
      step: inst.step?.name,
      vars,
      args,
      discovery: inst.discovery,
      history: this.client.exchanges,
      ownIds: this.ledger,
      baseUrl: this.client.base.toString(),
    }
  }

  private expect(inst: Instance, step: Step, e: Expectation, x: Exchange): Result[] {
    let rendered: Expectation
    try {
      rendered = render(e, inst.vars) as Expectation
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err
      const skipped = this.skip(inst, step, `expectation depends on a missing value (${err.message})`)
      const cause = inst.causality.forTemplate(err)
      return [cause ? blocked(skipped, cause) : skipped]
    }
    return judgeExpectation(inst.scenario, step, e, rendered, x, this.client.base.pathname).map((j) => this.result(inst, j.def, j.finding, x))
  }

  private async rotate(inst: Instance, step: Step): Promise<Result> {
    const def: Descriptor = { id: `${inst.scenario.name}.${step.name}`, title: 'Token rotation command', level: 'MUST', source: { scenario: inst.scenario.name, note: '--rotate-command' }, requirement: 'The --rotate-command rotates the token and prints the new one; the new token is accepted and the old one refused' }
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
    const def = step ? stepDescriptor(inst.scenario, step) : scenarioDescriptor(inst.scenario)
    return this.result(inst, def, { ok: 'skip', message: `skipped: ${reason}`, reason })
  }

  private result(inst: Instance, def: Descriptor, f: Finding, x?: Exchange): Result {
    return this.build.build({ scenario: inst.scenario.name, idp: inst.profile.name, setting: inst.run.setting, step: inst.step?.name }, def, f, x)
  }

  /** Adds a result as it is produced, so a later expectation on the same exchange can find its cause. */
  private add(inst: Instance, r: Result): void {
    this.settle()
    inst.results.push(r)
    inst.causality.note(r.exchange, r)
  }
}

/**
 * One result per check and status for a repeated step: the first keeps its place, its exchange and evidence, and says
 * in how many repetitions the same verdict recurred (and which, for anything but a pass).
 */
export function foldRepetitions(results: Result[], marks: number[], total: number): Result[] {
  if (total <= 1) return results
  const repetitionOf = (i: number) => marks.filter((m) => m <= i).length
  const groups = new Map<string, { first: Result; reps: number[] }>()
  const out: Result[] = []
  results.forEach((r, i) => {
    const key = `${r.id}\u0000${r.status}\u0000${r.ambient ? 1 : 0}`
    const g = groups.get(key)
    if (g) return void g.reps.push(repetitionOf(i))
    groups.set(key, { first: r, reps: [repetitionOf(i)] })
    out.push(r)
  })
  return out.map((r) => {
    const { reps } = groups.get(`${r.id}\u0000${r.status}\u0000${r.ambient ? 1 : 0}`)!
    const n = new Set(reps).size
    if (r.status === 'pass') return { ...r, message: `${n} of ${total} repetitions: ${r.message}` }
    // Information said once for the whole step (a measurement after the last repetition) needs no repetition number.
    if (r.status === 'info' && reps.length === 1) return r
    const rest = [...new Set(reps.slice(1))].filter((x) => x !== reps[0])
    const more = rest.length ? `; the same ${r.status} in ${rest.length} more repetition${rest.length === 1 ? '' : 's'} (${rest.slice(0, 10).map((x) => `#${x}`).join(', ')}${rest.length > 10 ? ', …' : ''})` : ''
    return { ...r, message: `repetition #${reps[0]} of ${total}: ${r.message}${more}` }
  })
}

/** What an IdP expectation is judged against: the profile's declaration, or a catalogue check of that id. */
function idpDescriptor(profile: IdpProfile, id: string, scenario: string): Descriptor {
  const e = profile.expectations?.find((x) => x.id === id) as (IdpExpectation & { requirement?: string }) | undefined
  if (e) {
    const requirement = e.requirement ?? `${e.title}: a server ${profile.title} provisions must accept it ("${e.source.behaviour}", ${e.source.url})`
    return { id, title: e.title, level: 'IDP', source: e.source, requirement }
  }
  return getCheck(id) ?? { id, title: id, level: 'IDP', source: { scenario, note: 'IdP expectation' }, requirement: `${profile.title} expects the server to accept its request (${id})` }
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
  // Another origin is not refused for safety: checks still judge the reference it came from.
  return x.error?.code.startsWith('refused-') ? x.error.message : undefined
}

function defaultsOf(p: IdpProfile): Record<string, unknown> {
  return Object.fromEntries(p.options.map((o) => [o.name, o.default]))
}


export { sourceOf }
export type { Level }

/** A check that threw: an error of scim-check's judgement of this exchange, never a finding about the target. */
function crashed(def: CheckDef, x: Exchange, err: unknown): Finding {
  return { ok: 'error', message: `check ${def.id} could not judge ${x.request.method} ${pathOf(x)}: ${(err as Error).message}`, reason: 'check error' }
}
