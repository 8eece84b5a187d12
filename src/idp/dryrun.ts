import type { Exchange, RequestSpec } from '../http/exchange.js'
import { resolveMapping } from './mapping.js'
import type { ActionContext, ActionName, IdpProfile } from './types.js'

/**
 * A profile action run against nothing: every request it would send is handed to `record`, and answered as a server
 * with an empty directory would answer (lists empty, a create 201 with an id, everything else 2xx). The Artillery
 * export renders its script this way and the README lists each IdP's flows this way, so neither can drift from what
 * the profile really sends.
 */

export interface DryRunSetup {
  options?: Record<string, unknown>
  mapping?: Record<string, Record<string, string>>
  custom?: { urn: string; attributes: Record<string, unknown> }
  /** The profile's per-run memory, shared by the actions of one dry run. */
  state?: Map<string, unknown>
  /** The id a request is answered with (a placeholder the caller recognises); 'dry-run-id' by default. */
  answerId?: (spec: RequestSpec) => string
  /** More of the resource a read of one resource answers with (its userName, say), so flows that read first go on. */
  resource?: (spec: RequestSpec) => Record<string, unknown>
}

export function dryContext(profile: IdpProfile, setup: DryRunSetup, record: (spec: RequestSpec) => void): ActionContext {
  return {
    idp: profile.name,
    options: { maxPages: 1, ...Object.fromEntries(profile.options.map((o) => [o.name, o.default])), ...(setup.options ?? {}) },
    mapping: resolveMapping(profile.mapping ?? {}, setup.mapping, profile.name),
    custom: setup.custom ?? { urn: '', attributes: {} },
    state: setup.state ?? new Map(),
    // Nothing is sent, so there is nothing to diagnose.
    diagnose: false,
    expectation: () => undefined,
    send: async (spec) => {
      record(spec)
      return emptyDirectoryAnswer(spec, setup.answerId?.(spec) ?? 'dry-run-id', setup.resource?.(spec))
    },
  }
}

/** The requests one action sends, in order. */
export async function dryRun(profile: IdpProfile, action: ActionName, args: Record<string, unknown>, setup: DryRunSetup = {}): Promise<RequestSpec[]> {
  const out: RequestSpec[] = []
  const impl = profile.actions[action]
  if (!impl) return out
  await impl(dryContext(profile, setup, (spec) => out.push(spec)), args)
  return out
}

function emptyDirectoryAnswer(spec: RequestSpec, id: string, resource: Record<string, unknown> = {}): Exchange {
  const method = spec.method.toUpperCase()
  const json = method === 'GET' && !/\/(Users|Groups)\/[^/?]+/.test(spec.path) ? { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] } : { ...resource, id }
  return {
    index: 0,
    request: { method, url: spec.path, headers: {} },
    response: { status: method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200, headers: {}, body: JSON.stringify(json), json },
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    scenario: 'dry-run',
    idp: '',
  }
}
