import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { RunConfig } from '../config/types.js'
import { UsageError } from '../errors.js'
import type { RequestSpec } from '../http/exchange.js'
import { dryContext } from '../idp/dryrun.js'
import { getProfile } from '../idp/registry.js'
import type { ActionName, IdpProfile } from '../idp/types.js'
import { VERSION } from '../version.js'
import { GROUP_FIELDS, USER_FIELDS } from './data.js'
import { planFor, type PlanInput } from './plan.js'

/**
 * `--export artillery`: the same IdP-shaped traffic as an Artillery script, for loads one machine cannot send.
 * The requests are not written by hand: each is what the profile's own action builds, rendered once with
 * placeholders (a recording ActionContext answers like a server would, sending nothing) and turned into
 * Artillery templates. The processor generates each virtual user's data with the same functions `load` uses.
 *
 * One Artillery virtual user is one department: it looks up and creates its users, pushes their group and adds
 * the members in batches, deactivates its share of leavers, and then deletes what it created (as scim-check's
 * labelled cleanup), so a distributed run leaves nothing behind either.
 */

const MARK = (name: string) => `SCIMCHECKVAR${name}ZZ`
const MARKS = /SCIMCHECKVAR(\w+?)ZZ/g

export interface ArtilleryRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
  capture?: string
}

export interface ArtilleryScript {
  yaml: string
  processor: string
  /** Requests one virtual user sends, for pacing and for tests. */
  perDepartment: number
  departments: number
}

export async function artilleryScript(config: RunConfig, input: PlanInput): Promise<ArtilleryScript> {
  const idps = config.idps.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  if (idps.length !== 1 || idps[0] === 'all') throw new UsageError('--export artillery writes one IdP at a time: pass --idp okta, --idp entra, …')
  const profile = getProfile(idps[0])
  const plan = planFor(profile, input)
  const size = plan.groupSize
  const departments = Math.ceil(plan.users / size)
  const r = new Renderer(profile, config)
  const flow: ArtilleryRequest[] = []
  for (let k = 0; k < size; k++) {
    const user = `_${k}`
    const args = Object.fromEntries(Object.keys(USER_FIELDS).map((f) => [f, MARK(`${f}${user}`)]))
    // Okta sends a random password with every create; the processor draws one per user.
    if (profile.name === 'okta') args.password = MARK(`password${user}`)
    flow.push(...(await r.render('createUser', args, `id${user}`)))
  }
  const grouped = plan.groups > 0 && !!profile.actions.createGroup
  if (grouped) {
    flow.push(...(await r.render('createGroup', { displayName: MARK('groupName'), externalId: MARK('groupExternalId'), members: [] }, 'groupId')))
    for (let b = 0; b < size; b += plan.memberBatch) {
      const members = Array.from({ length: Math.min(plan.memberBatch, size - b) }, (_, j) => ({ value: MARK(`id_${b + j}`), display: MARK(`userName_${b + j}`) }))
      flow.push(...(await r.render('addMembers', { id: MARK('groupId'), members })))
    }
  }
  const how: ActionName | undefined = profile.actions.deactivateUser ? 'deactivateUser' : profile.actions.deleteUser ? 'deleteUser' : undefined
  const leaving = Math.round(size * plan.offboard)
  if (how) for (let k = 0; k < leaving; k++) flow.push(...(await r.render(how, { id: MARK(`id_${k}`), userName: MARK(`userName_${k}`) })))
  // scim-check's own housekeeping, labelled as such (not IdP traffic).
  const cleanup: ArtilleryRequest[] = []
  const housekeeping = { accept: 'application/scim+json', 'user-agent': `scim-check/${VERSION} (cleanup)` }
  if (grouped) cleanup.push({ method: 'DELETE', url: '/Groups/{{ groupId }}', headers: housekeeping })
  for (let k = 0; k < size; k++) if (!(how === 'deleteUser' && k < leaving)) cleanup.push({ method: 'DELETE', url: `/Users/{{ id_${k} }}`, headers: housekeeping })
  const all = [...flow, ...cleanup]
  const duration = plan.rate ? Math.max(1, Math.ceil((departments * all.length) / plan.rate)) : Math.max(1, Math.ceil(departments / plan.concurrency))
  const script = {
    config: {
      target: '{{ $processEnvironment.SCIM_URL }}',
      phases: [{ name: `${profile.name} initial sync: ${plan.users} users in ${departments} departments of ${size}`, duration, arrivalCount: departments }],
      processor: './scim-check-processor.cjs',
      http: { timeout: Math.ceil(config.timeoutMs / 1000) },
      defaults: { headers: { authorization: 'Bearer {{ $processEnvironment.SCIM_TOKEN }}' } },
    },
    scenarios: [
      {
        name: `${profile.title} initial sync (scim-check ${VERSION} load --idp ${profile.name})`,
        flow: [{ function: 'department' }, ...all.map(step)],
      },
    ],
  }
  const header = [
    `# Written by scim-check ${VERSION}: scim-check load --idp ${profile.name} --export artillery`,
    `# ${profile.title}'s initial sync as ${departments} virtual users (one per department of ${size} users), ${all.length} requests each.`,
    `# Run: SCIM_URL=https://app.example.com/scim/v2 SCIM_TOKEN=... npx artillery run scim-check-load.yml`,
    `# Pace: ${plan.rate ? `about ${plan.rate} requests/s (${plan.rateSource})` : 'as fast as the virtual users go'}; raise arrivalCount and duration to scale out.`,
    '',
  ].join('\n')
  return { yaml: header + stringify(script, { lineWidth: 0 }), processor: processor(size, profile.name === 'okta'), perDepartment: all.length, departments }
}

export async function exportArtillery(config: RunConfig, input: PlanInput, dir: string): Promise<string[]> {
  const s = await artilleryScript(config, input)
  mkdirSync(dir, { recursive: true })
  const files = [join(dir, 'scim-check-load.yml'), join(dir, 'scim-check-processor.cjs')]
  writeFileSync(files[0], s.yaml)
  writeFileSync(files[1], s.processor)
  return files
}

function step(r: ArtilleryRequest): Record<string, unknown> {
  const req: Record<string, unknown> = { url: r.url, headers: r.headers }
  if (r.body !== undefined) req.body = r.body
  if (r.capture) req.capture = [{ json: '$.id', as: r.capture }]
  return { [r.method.toLowerCase()]: req }
}

/** Runs a profile action against a recorder: requests are collected, answers are what a server would say. */
class Renderer {
  /** The profile's per-run memory (ActionContext.state), shared by every action this load sends. */
  private profileState = new Map<string, unknown>()
  private options: Record<string, unknown>
  constructor(
    private profile: IdpProfile,
    private config: RunConfig,
  ) {
    this.options = { maxPages: 1, ...Object.fromEntries(profile.options.map((o) => [o.name, o.default])), ...(config.idpOptions[profile.name] ?? {}) }
  }

  async render(action: ActionName, args: Record<string, unknown>, capture?: string): Promise<ArtilleryRequest[]> {
    const out: ArtilleryRequest[] = []
    // Load reads no discovery: only a configured extension is written.
    const setup = { options: this.options, mapping: this.config.mapping, custom: this.config.customExtension, state: this.profileState, answerId: (spec: RequestSpec) => MARK(spec.method.toUpperCase() === 'POST' && capture !== undefined ? capture : 'unknown') }
    await this.profile.actions[action]!(
      dryContext(this.profile, setup, (spec) => {
        const req = this.request(spec)
        if (spec.method.toUpperCase() === 'POST' && capture !== undefined) req.capture = capture
        out.push(req)
      }),
      args,
    )
    return out
  }

  /** The headers the run's HttpClient would send for this profile (authorization comes from the script's defaults). */
  private request(spec: RequestSpec): ArtilleryRequest {
    const headers: Record<string, string> = { accept: 'application/scim+json', ...lower(this.profile.headers(this.options)), ...lower(this.config.headers), ...lower(spec.headers) }
    let body: string | undefined
    if (spec.body !== undefined) {
      body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body)
      headers['content-type'] ??= 'application/scim+json'
    }
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k]
    const query = spec.rawQuery ?? (spec.query ? new URLSearchParams(Object.entries(spec.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string])).toString().replace(/\+/g, '%20') : '')
    const path = spec.path.startsWith('/') ? spec.path : `/${spec.path}`
    // In a URL a value goes in percent-encoded (the processor provides <name>Q); captured ids go in as they came.
    const url = `${path}${query ? `?${query}` : ''}`.replace(MARKS, (_, name: string) => (/^(id_\d+|groupId)$/.test(name) ? `{{ ${name} }}` : `{{ ${name}Q }}`))
    return { method: spec.method.toUpperCase(), url, headers, body: body?.replace(MARKS, (_, name: string) => `{{ ${name} }}`) }
  }
}

function lower(h?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v
  return out
}

/** The processor: per virtual user, a fresh run prefix and each user's values from the same functions `load` uses. */
function processor(size: number, password: boolean): string {
  const fields = Object.entries(USER_FIELDS).map(([k, f]) => `  ${k}: ${f.toString()},`).join('\n')
  const groups = Object.entries(GROUP_FIELDS).map(([k, f]) => `  ${k}: ${f.toString()},`).join('\n')
  return `// Written by scim-check ${VERSION}. Generates each virtual user's data the way scim-check load does.
'use strict'
const { randomBytes } = require('node:crypto')

const SIZE = ${size}
const USER_FIELDS = {
${fields}
}
const GROUP_FIELDS = {
${groups}
}

function set(vars, name, value) {
  vars[name] = value
  vars[name + 'Q'] = encodeURIComponent(value)
}

/** One department: its own run prefix, SIZE users, one group. */
function department(context, events, done) {
  const p = 'scimcheck-' + randomBytes(4).toString('hex') + '-'
  for (let i = 0; i < SIZE; i++) {
    for (const [name, f] of Object.entries(USER_FIELDS)) set(context.vars, name + '_' + i, f(p, i))
${password ? "    set(context.vars, 'password_' + i, 'Ok' + randomBytes(6).toString('base64url') + '1!')\n" : ''}  }
  set(context.vars, 'groupName', GROUP_FIELDS.displayName(p, 0))
  set(context.vars, 'groupExternalId', GROUP_FIELDS.externalId(p, 0))
  return done()
}

module.exports = { department }
`
}
