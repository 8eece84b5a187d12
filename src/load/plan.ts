import type { IdpProfile } from '../idp/types.js'
import { UsageError } from '../errors.js'

/** What `scim-check load` sends: how many users and groups, how fast, and how many leave in the offboarding wave. */
export interface LoadPlan {
  users: number
  groups: number
  groupSize: number
  /** Members added per group PATCH; the batches of one group go out side by side, as an IdP's workers send them. */
  memberBatch: number
  concurrency: number
  /** Requests per second; 0 is unlimited. */
  rate: number
  /** Where the rate came from (the IdP's documentation, or the flag). */
  rateSource: string
  /** Share of users in the offboarding wave (0..1). */
  offboard: number
  /** Attempts per request on 429/5xx before the load stops resending (Okta's own limit is 10). */
  maxAttempts: number
}

export interface PlanInput {
  users?: number
  groups?: number
  groupSize?: number
  memberBatch?: number
  concurrency?: number
  rate?: number
  offboard?: number
}

/** Documented sending rates. Entra's gallery review requires the endpoint to take at least 25 requests per second per tenant. */
export const PROFILE_RATES: Record<string, { rate: number; source: string }> = {
  entra: { rate: 25, source: 'Entra gallery requirement: "Support at least 25 requests per second per tenant" (https://learn.microsoft.com/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements)' },
}

export function planFor(profile: IdpProfile, input: PlanInput): LoadPlan {
  const users = positive(input.users ?? 200, '--users')
  const groupSize = Math.min(users, positive(input.groupSize ?? 50, '--group-size'))
  const groups = input.groups ?? Math.max(1, Math.round(users / 100))
  if (!Number.isInteger(groups) || groups < 0) throw new UsageError('--groups must be a whole number (0 sends no groups)')
  const documented = PROFILE_RATES[profile.name]
  const rate = input.rate ?? documented?.rate ?? 0
  if (!(rate >= 0)) throw new UsageError('--rate must be 0 (unlimited) or a positive number of requests per second')
  const offboard = input.offboard ?? 0.1
  if (!(offboard >= 0 && offboard <= 1)) throw new UsageError('--offboard must be a share between 0 and 1, e.g. 0.1')
  return {
    users,
    groups,
    groupSize,
    memberBatch: positive(input.memberBatch ?? 10, '--member-batch'),
    concurrency: positive(input.concurrency ?? 8, '--concurrency'),
    rate,
    rateSource: input.rate !== undefined ? '--rate' : documented ? documented.source : `${profile.title} documents no sending rate: unlimited (set --rate to pace it)`,
    offboard,
    maxAttempts: 10,
  }
}

function positive(n: number, flag: string): number {
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1`)
  return n
}
