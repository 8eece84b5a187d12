import { RUN_OPTIONS } from '../cli/options.js'
import { UsageError } from '../errors.js'
import type { PlanInput } from './plan.js'

/** `scim-check load`'s flags, declared once for the command and its parser; imported at start-up, so kept light. */
/** The run options that make sense for a load (target, auth, IdP, reporters, limits); scenario and check selection do not, and the load's own --group-size (members per group) replaces group-scale's. */
export const LOAD_RUN_OPTIONS = RUN_OPTIONS.filter((o) => !['scenarios', 'checks', 'skipChecks', 'baseline', 'strictBaseline', 'rotateCommand', 'transcript', 'groupSize'].includes(o.key))

const num = (flag: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of at least 0 (got "${v}")`)
  return n
}

export const LOAD_OPTIONS: { flags: string; help: string; key: keyof PlanInput; parse: (v: string) => number }[] = [
  { flags: '--users <n>', help: 'users to provision (default 200)', key: 'users', parse: num('--users') },
  { flags: '--groups <n>', help: 'groups to push (default users/100, at least 1; 0 for none)', key: 'groups', parse: num('--groups') },
  { flags: '--group-size <n>', help: 'members per group (default 50)', key: 'groupSize', parse: num('--group-size') },
  { flags: '--member-batch <n>', help: 'members added per group PATCH (default 10)', key: 'memberBatch', parse: num('--member-batch') },
  { flags: '--concurrency <n>', help: 'requests in flight (default 8)', key: 'concurrency', parse: num('--concurrency') },
  { flags: '--rate <n>', help: "requests per second; 0 unlimited (default: the IdP's documented rate, Entra 25; else unlimited)", key: 'rate', parse: num('--rate') },
  { flags: '--offboard <share>', help: 'share of users deactivated in the offboarding wave (default 0.1)', key: 'offboard', parse: num('--offboard') },
]

