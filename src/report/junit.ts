/**
 * junit: JUnit XML for CI test views (Jenkins, GitLab, GitHub Actions test reporters).
 *
 * Mapping:
 *   the run                    → <testsuites name="scim-check" tests failures errors skipped time>
 *                                (time = the run's wall-clock duration, in seconds)
 *   scenario × IdP             → <testsuite name="<idp>/<scenario>">, IdPs in run order, scenarios in
 *                                matrix order; <properties> carry idp, scenario, target, runId and failOn;
 *                                time = the sum of that cell's exchange durations. Under settings
 *                                (--idp okta:all) one suite per IdP × setting × scenario, named
 *                                "okta (app=aiw, groupPush=true)/<scenario>", with a setting property
 *   result                     → <testcase classname="scim-check.<idp>.<scenario>" name="<id> <title> [<step>]">;
 *                                under settings classname="scim-check.<idp>[<setting>].<scenario>"
 *                                time = the duration of the result's exchange, 0 when it has none
 *     pass                     → empty testcase
 *     fail                     → <failure message="<message>" type="<level>">: requirement source, the
 *                                requirement sentence, expected, actual, then the redacted request/response excerpt and the curl reproduction
 *     error (could not judge)  → <error message="<reason>" type="<level>"> with the same text
 *     skip                     → <skipped message="<reason>"/>
 *     warn                     → passing testcase with the same text in <system-out>; a <failure> instead
 *                                when --fail-on should (report.failOn), because then warnings fail the run
 *     info                     → passing testcase, message and reason in <system-out>
 *   suite step (with --suite) → <testsuite name="suite:<suite>/<step id>"> with properties suite, step, url and
 *                                level, holding one <testcase classname="scim-check.suite.<suite>" name="<step id>
 *                                <title>">: fail → <failure> (the reason, the program's words and URL, the
 *                                underlying results); skip and not checkable offline → <skipped message="<reason>"/>;
 *                                warn → passing with <system-out>; pass → passing, the evidence in <system-out>
 *   incomplete, warnings,
 *   leftovers                  → one extra <testsuite name="scim-check/run">, only when there is one of them:
 *                                "run complete" is an <error> when the run was cut short (a partial run is
 *                                never green); "run warnings" and "cleanup" are passing testcases whose
 *                                <system-out> lists the warnings and the resources left behind (with ids)
 * Every string is XML-escaped and stripped of characters XML 1.0 forbids (control characters, lone surrogates).
 */
import { cellsOf, type Reporter } from './index.js'
import type { RunReport } from '../runner/report.js'
import { formatSource, runLabel, type Result } from '../result/types.js'
import { breaksRun } from '../result/verdict.js'
import { evidenceFor } from './excerpt.js'
import type { SuiteStepResult } from '../suites/types.js'

const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function xmlText(value: string): string {
  return value.replace(ILLEGAL_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

export function xmlAttr(value: string): string {
  // Whitespace is written as references so parsers do not normalise a multi-line message into one line.
  return xmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

interface Case {
  classname: string
  name: string
  timeMs: number
  /** Child element (failure, error, skipped, system-out), already serialised. */
  body?: string
  outcome: 'pass' | 'failure' | 'error' | 'skipped'
}

interface Suite {
  name: string
  properties: [string, string][]
  cases: Case[]
  timeMs: number
}

function explain(r: Result, report: RunReport): string {
  const lines = [r.message, `requirement: ${formatSource(r.source)} (${r.level})`]
  if (r.requirement) lines.push(`requires: ${r.requirement}`)
  if (r.step) lines.push(`step: ${r.step}`)
  if (r.preExisting) lines.push('about data the run did not create (pre-existing)')
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`)
  if (r.actual !== undefined) lines.push(`actual: ${r.actual}`)
  if (r.reason) lines.push(`reason: ${r.reason}`)
  const ev = evidenceFor(r, report.exchanges)
  if (ev) {
    lines.push('', 'request:', ev.request)
    if (ev.response) lines.push('', 'response:', ev.response)
    if (ev.reproduce) lines.push('', `reproduce: ${ev.reproduce}`)
  }
  return lines.join('\n')
}

function exchangeMs(report: RunReport, index: number | undefined): number {
  if (index === undefined) return 0
  const direct = report.exchanges[index]
  const x = direct?.index === index ? direct : report.exchanges.find((e) => e.index === index)
  return x?.durationMs ?? 0
}

function toCase(r: Result, report: RunReport): Case & { exchange?: number } {
  // CI views split classnames at dots into a tree: the setting stays inside the IdP's part, without spaces.
  const classname = `scim-check.${r.idp}${r.setting ? `[${r.setting.replace(/,\s*/g, ',')}]` : ''}.${r.scenario}`
  const name = `${r.id} ${r.title}${r.step ? ` [${r.step}]` : ''}`
  const base = { classname, name, timeMs: exchangeMs(report, r.exchange), exchange: r.exchange }
  const element = (tag: string, message: string) =>
    `<${tag} message="${xmlAttr(message)}" type="${xmlAttr(r.level)}">${xmlText(explain(r, report))}</${tag}>`
  switch (r.status) {
    case 'pass':
      return { ...base, outcome: 'pass' }
    case 'fail':
      return { ...base, outcome: 'failure', body: element('failure', r.message) }
    case 'error':
      return { ...base, outcome: 'error', body: element('error', r.reason ?? r.message) }
    case 'skip':
      return { ...base, outcome: 'skipped', body: `<skipped message="${xmlAttr(r.reason ?? r.message)}"/>` }
    case 'warn':
      if (breaksRun('warn', report.failOn)) return { ...base, outcome: 'failure', body: element('failure', r.message) }
      return { ...base, outcome: 'pass', body: `<system-out>${xmlText(`warning: ${explain(r, report)}`)}</system-out>` }
    case 'info': {
      const note = r.reason && r.reason !== r.message ? `${r.message}\n${r.reason}` : r.message
      return { ...base, outcome: 'pass', body: `<system-out>${xmlText(note)}</system-out>` }
    }
  }
}

function suiteStepSuites(report: RunReport): Suite[] {
  const s = report.suite
  if (!s) return []
  return s.steps.map((step) => ({
    name: `suite:${s.name}/${step.id}`,
    properties: [['suite', s.name], ['step', step.id], ['url', step.url], ['level', step.level]],
    cases: [suiteCase(s.name, step)],
    timeMs: 0,
  }))
}

function suiteCase(suite: string, step: SuiteStepResult): Case {
  const base = { classname: `scim-check.suite.${suite}`, name: `${step.id} ${step.title}`, timeMs: 0 }
  const text = [
    ...(step.reason ? [step.reason] : []),
    `"${step.quote}" (${step.url})`,
    `judged on: ${step.mapsTo}`,
    ...step.evidence.map((e) => `${e.status} ${e.id} ${e.idp}/${e.scenario}${e.step ? `/${e.step}` : ''}: ${e.message}`),
  ].join('\n')
  switch (step.status) {
    case 'fail':
      return { ...base, outcome: 'failure', body: `<failure message="${xmlAttr(step.reason ?? step.title)}" type="${xmlAttr(step.level)}">${xmlText(text)}</failure>` }
    case 'skip':
    case 'not-checkable':
      return { ...base, outcome: 'skipped', body: `<skipped message="${xmlAttr(step.reason ?? step.status)}"/>` }
    default:
      return { ...base, outcome: 'pass', body: `<system-out>${xmlText(step.status === 'warn' ? `warning: ${text}` : text)}</system-out>` }
  }
}

function runSuite(report: RunReport): Suite | undefined {
  const classname = 'scim-check.run'
  const cases: Case[] = []
  if (report.incomplete) {
    const message = `run incomplete: ${report.incomplete}`
    cases.push({
      classname,
      name: 'run complete',
      timeMs: 0,
      outcome: 'error',
      body: `<error message="${xmlAttr(message)}" type="incomplete">${xmlText(`${message}\nThe results in this report are partial.`)}</error>`,
    })
  }
  if (report.warnings.length > 0) {
    cases.push({ classname, name: 'run warnings', timeMs: 0, outcome: 'pass', body: `<system-out>${xmlText(report.warnings.join('\n'))}</system-out>` })
  }
  if (report.leftovers.length > 0) {
    const lines = report.leftovers.map((l) => `${l.type} ${l.id}${l.name ? ` ${l.name}` : ''}: ${l.state} (${l.reason})`)
    const text = `resources the run could not delete (remove by id):\n${lines.join('\n')}`
    cases.push({ classname, name: 'cleanup', timeMs: 0, outcome: 'pass', body: `<system-out>${xmlText(text)}</system-out>` })
  }
  if (cases.length === 0) return undefined
  return { name: 'scim-check/run', properties: [], cases, timeMs: 0 }
}

function suites(report: RunReport): Suite[] {
  const out: Suite[] = cellsOf(report).map(({ idp, scenario, results }) => ({
    name: `${idp}/${scenario}`,
    properties: [
      // A cell's idp is its profile run's label; the properties keep profile and setting apart.
      ['idp', results[0].idp],
      ...(results[0].setting ? [['setting', results[0].setting] as [string, string]] : []),
      ['scenario', scenario],
      ['target', report.target.url],
      ['runId', report.runId],
      ['failOn', report.failOn],
    ],
    cases: distinctNames(results.map((r) => toCase(r, report))),
    timeMs: report.exchanges.filter((x) => runLabel(x) === idp && x.scenario === scenario).reduce((sum, x) => sum + x.durationMs, 0),
  }))
  out.push(...suiteStepSuites(report))
  const run = runSuite(report)
  if (run) out.push(run)
  return out
}

/** CI tools key tests by classname and name, so a check judged twice in one step gets its exchange as a suffix. */
function distinctNames(cases: (Case & { exchange?: number })[]): Case[] {
  const seen = new Map<string, number>()
  return cases.map(({ exchange, ...c }) => {
    const n = (seen.get(c.name) ?? 0) + 1
    seen.set(c.name, n)
    if (n === 1) return c
    return { ...c, name: `${c.name} (${exchange !== undefined ? `exchange ${exchange}` : n})` }
  })
}

function counts(cases: Case[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome === 'failure').length,
    errors: cases.filter((c) => c.outcome === 'error').length,
    skipped: cases.filter((c) => c.outcome === 'skipped').length,
  }
}

function countAttrs(cases: Case[]): string {
  const n = counts(cases)
  return `tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}"`
}

export function renderJunit(report: RunReport): string {
  const all = suites(report)
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  lines.push(`<testsuites name="scim-check" ${countAttrs(all.flatMap((s) => s.cases))} time="${seconds(report.durationMs)}">`)
  for (const suite of all) {
    lines.push(
      `  <testsuite name="${xmlAttr(suite.name)}" ${countAttrs(suite.cases)} time="${seconds(suite.timeMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
    )
    if (suite.properties.length > 0) {
      lines.push('    <properties>')
      for (const [name, value] of suite.properties) lines.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
      lines.push('    </properties>')
    }
    for (const c of suite.cases) {
      const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}" time="${seconds(c.timeMs)}"`
      lines.push(c.body ? `${open}>\n      ${c.body}\n    </testcase>` : `${open}/>`)
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return `${lines.join('\n')}\n`
}

export const reporter: Reporter = {
  name: 'junit',
  description: 'JUnit XML for CI test views: a testsuite per IdP/scenario, a testcase per result',
  defaultFile: 'scim-check-report.xml',
  render: renderJunit,
}
