import type { IdpProfile } from './types.js'
import { generic } from './generic.js'
import { okta } from './okta.js'
import { entra } from './entra.js'
import { onelogin } from './onelogin.js'
import { jumpcloud } from './jumpcloud.js'
import { ping } from './ping.js'
import { UsageError } from '../errors.js'

/** Every profile by name; a new IdP is one module plus one line here. */
export const PROFILES: Record<string, IdpProfile> = {
  generic,
  okta,
  entra,
  onelogin,
  jumpcloud,
  ping,
}

export const PROFILE_NAMES = Object.keys(PROFILES)

export function getProfile(name: string): IdpProfile {
  const p = PROFILES[name]
  if (!p) throw new UsageError(`unknown --idp "${name}"; valid: ${PROFILE_NAMES.join(', ')}, all`)
  return p
}

/** `okta`, `okta,entra` or `all`. */
export function expandIdps(spec: string[]): string[] {
  const names = spec.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  const out = names.includes('all') ? [...PROFILE_NAMES] : names
  for (const n of out) getProfile(n)
  return [...new Set(out)]
}

