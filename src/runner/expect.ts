import { isRefusal } from './guard.js'
import type { Finding } from '../checks/define.js'
import { getCheck } from '../checks/registry.js'
import { pathOf, pathnameOf, type Exchange } from '../http/exchange.js'
import type { Source } from '../result/types.js'
import type { Expectation, Scenario, Step } from '../scenario/types.js'
import { match, show } from './match.js'
import type { Descriptor } from './results.js'

/**
 * A scenario step's `expect:` judged against the exchange it produced. An expectation is the scenario's
 * precondition for what follows, not an RFC verdict of its own: its requirement sentence says what the scenario
 * expected and which source it leans on, and the runner may put its failure down to a check that names the cause.
 */
export interface Judged {
  def: Descriptor
  finding: Finding
}

export function expectationsOf(step: Step): Expectation[] {
  return step.expect === undefined ? [] : Array.isArray(step.expect) ? step.expect : [step.expect]
}

/** Judges one expectation (`rendered` has the run's values in; `e` is as written, for the requirement sentence). */
export function judgeExpectation(scenario: Scenario, step: Step, e: Expectation, rendered: Expectation, x: Exchange, basePath: string): Judged[] {
  const base = stepDescriptor(scenario, step, e)
  const route = routeOf(x, basePath)
  const named = (kind: string, sentence: string): Descriptor =>
    e.check || e.id ? base : { ...base, id: `${base.id}.${kind}`, title: `${base.title}: ${kind}`, requirement: `${sentence} (${sourceText(scenario)})` }
  // A request scim-check refused to send was reported once, as a skip with its reason: no expectation to judge.
  if (isRefusal(x)) return []
  if (!x.response) {
    const why = x.error?.message ?? 'no response'
    return [{ def: named('status', `The scenario expects ${route} to be answered`), finding: { ok: 'error', message: why, reason: why } }]
  }
  const out: Judged[] = []
  const res = x.response
  if (rendered.status !== undefined) {
    const want = Array.isArray(rendered.status) ? rendered.status : [rendered.status]
    const ok = want.includes(res.status)
    const line = `${x.request.method} ${pathOf(x)} answered ${res.status}`
    out.push({
      def: named('status', `The scenario expects ${route} to answer ${want.join(' or ')}`),
      finding: { ok, message: ok ? line : `${line}, expected ${want.join(' or ')}${errorDetail(x)}`, expected: want.join(' or '), actual: String(res.status) },
    })
  }
  for (const [name, want] of Object.entries(rendered.headers ?? {})) {
    const got = res.headers[name.toLowerCase()]
    const ok = want === 'absent' ? got === undefined : want === 'present' ? got !== undefined : got !== undefined && got.toLowerCase().includes(String(want).toLowerCase())
    const asWritten = e.headers?.[name] ?? want
    const sentence = want === 'absent' || want === 'present' ? `The scenario expects the response to ${route} to have ${want === 'absent' ? 'no' : 'a'} ${name} header` : `The scenario expects the response to ${route} to carry ${name}: ${asWritten}`
    out.push({
      def: named(`header ${name}`, sentence),
      finding: { ok, message: ok ? `${name}: ${got ?? '(absent)'}` : `header ${name} is ${got === undefined ? 'absent' : `"${got}"`}, expected ${want}`, expected: String(want), actual: got ?? '(absent)' },
    })
  }
  if (rendered.body !== undefined) {
    const mm = res.json === undefined ? { path: '(body)', expected: 'a JSON body', actual: res.parseError ?? '(none)' } : match(rendered.body, res.json)
    out.push({
      def: named('body', `The scenario expects the response to ${route} to contain ${show(e.body)}`),
      finding: mm ? { ok: false, message: `response body ${mm.path} is ${mm.actual}, expected ${mm.expected}`, expected: mm.expected, actual: mm.actual } : { ok: true, message: `body matches ${show(rendered.body)}` },
    })
  }
  return out
}

/** What a step is judged as when it has no exchange to judge (skipped, could not run), or an expectation names no kind. */
export function stepDescriptor(scenario: Scenario, step: Step, e?: Expectation): Descriptor {
  const named = e?.check ? getCheck(e.check) : undefined
  if (named) return { id: named.id, title: named.title, level: e?.level ?? named.level, source: named.source, requirement: named.requirement }
  const what = step.action ? `the ${step.action} action` : step.request ? `${step.request.method} ${step.request.path}` : 'the step'
  return {
    id: e?.id ?? `${scenario.name}.${step.name}`,
    title: e?.title ?? `${scenario.title}: ${step.name}`,
    level: e?.level ?? scenario.level ?? 'MUST',
    source: sourceOf(scenario),
    requirement: `The scenario expects ${what} of step ${step.name} to succeed (${sourceText(scenario)})`,
  }
}

/** A whole scenario, for a skip that keeps every step from running (a feature the target lacks). */
export function scenarioDescriptor(scenario: Scenario): Descriptor {
  return {
    id: scenario.name,
    title: scenario.title,
    level: scenario.level ?? 'MUST',
    source: sourceOf(scenario),
    requirement: `The scenario "${scenario.title}" runs against the target (${sourceText(scenario)})`,
  }
}

/** Scenario sources are written as "RFC 7644 §3.3" or free text; the former become RFC sources for the compliance summary. */
export function sourceOf(s: Scenario): Source {
  const m = /^RFC\s*(\d{4})\s+(.+)$/i.exec(s.source ?? '')
  if (m) return { rfc: Number(m[1]), section: m[2].trim() }
  return { scenario: s.name, note: s.source ?? s.title }
}

function sourceText(s: Scenario): string {
  return s.source ?? `scenario ${s.name}`
}

/**
 * The request as a requirement names it: method and path below the base URL, ids and query left out
 * ("PATCH /Users/{id}"), so the sentence is the same on every run and every server.
 */
export function routeOf(x: Exchange, basePath: string): string {
  let path = pathnameOf(x)
  const base = basePath.replace(/\/+$/, '')
  if (base && path.startsWith(base)) path = path.slice(base.length) || '/'
  path = path.replace(/\/(Users|Groups)\/(?!\.)[^/]+/gi, '/$1/{id}')
  return `${x.request.method} ${path}`
}

function errorDetail(x: Exchange): string {
  const d = (x.response?.json as { detail?: unknown } | undefined)?.detail
  return typeof d === 'string' && d ? ` (detail: "${d.slice(0, 160)}")` : ''
}
