/**
 * The suite section (`run --suite`) as every reporter shows it: one line per step of the review program, in the
 * program's order and grouped by its parts, with the program's words, the URL, the verdict and the reason, and the
 * underlying results as evidence. Shared wording, so the terminal, Markdown, HTML and JUnit say the same thing.
 */
import type { SuiteSection, SuiteStatus, SuiteStepResult } from '../suites/types.js'

export const SUITE_LABELS: Record<SuiteStatus, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'not judged', 'not-checkable': 'not checkable offline' }
export const SUITE_SYMBOLS: Record<SuiteStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', 'not-checkable': '○' }

/** The suite's parts in the order their first step appears. */
export function partsOf(suite: SuiteSection): { part: string; steps: SuiteStepResult[] }[] {
  const parts: { part: string; steps: SuiteStepResult[] }[] = []
  for (const step of suite.steps) {
    let part = parts.find((p) => p.part === step.part)
    if (!part) parts.push((part = { part: step.part, steps: [] }))
    part.steps.push(step)
  }
  return parts
}

/** One line: the verdict in words, never "passed" when something was not judged. */
export function suiteVerdictLine(suite: SuiteSection): string {
  const n = suite.counts
  const total = suite.steps.length
  const open = [n.skip ? `${n.skip} not judged` : '', n['not-checkable'] ? `${n['not-checkable']} not checkable offline` : ''].filter(Boolean).join(', ')
  const head = {
    pass: `${suite.title}: all ${total} steps passed`,
    fail: `${suite.title}: ${n.fail} of ${total} steps FAILED`,
    incomplete: `${suite.title}: ${n.pass} of ${total} steps passed, none failed; not a full pass`,
    empty: `${suite.title}: nothing judged, so no verdict`,
  }[suite.verdict]
  const warned = n.warn ? `, ${n.warn} recommended step${n.warn === 1 ? '' : 's'} warned` : ''
  return `${head}${warned}${open ? ` (${open})` : ''}`
}
