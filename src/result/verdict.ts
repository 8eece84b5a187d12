import type { Finding } from '../checks/define.js'
import type { Level, Status } from './types.js'

/** The one place a broken rule becomes fail, warn or info: MUST and IdP expectations fail, SHOULD warns, MAY informs. */
export function statusOf(finding: Pick<Finding, 'ok' | 'level'>, checkLevel: Level): Status {
  const level = finding.level ?? checkLevel
  if (finding.ok === true) return 'pass'
  if (finding.ok === false) return level === 'SHOULD' ? 'warn' : level === 'MAY' ? 'info' : 'fail'
  return finding.ok
}

const RANK: Record<Status, number> = { skip: 0, pass: 1, info: 2, warn: 3, error: 4, fail: 5 }

/** The worst of several statuses, for matrix cells and scenario headings. */
export function worst(statuses: Iterable<Status>): Status {
  let out: Status = 'skip'
  for (const s of statuses) if (RANK[s] > RANK[out]) out = s
  return out
}

/** Does this status break the run at the chosen --fail-on level? A check that could not judge (error) counts: a run is not green when it was not tested. */
export function breaksRun(status: Status, failOn: 'must' | 'should' | 'never'): boolean {
  if (failOn === 'never') return false
  if (status === 'fail' || status === 'error') return true
  return failOn === 'should' && status === 'warn'
}
