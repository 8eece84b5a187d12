/**
 * A small builder of realistic RunReports for reporter tests: two IdPs (okta, entra), two scenarios,
 * every status (pass, ambient passes, fail with evidence, warn, skip with reason, error, info), a leftover
 * and a run warning. Summary, matrix and compliance are computed by the real result functions, so the
 * reports are consistent the way the runner's are.
 */
import type { Exchange } from '../../src/http/exchange.js'
import type { RunReport } from '../../src/runner/report.js'
import type { Result } from '../../src/result/types.js'
import { buildCompliance, buildMatrix, summarize } from '../../src/result/summary.js'
import { evidenceOf } from '../../src/report/excerpt.js'

/**
 * Stands for the run's bearer token. It appears only where the HTTP client's redaction would already have
 * replaced it (the captured Authorization header), so a reporter that prints it has invented a leak.
 */
export const TOKEN_LIKE = 'scimtok_live_9fQ2xLw7Rk3ZpB8vYc1N'

const BASE = 'https://api.example.test/scim/v2'

let nextIndex = 0

export function exchange(partial: Partial<Exchange> & Pick<Exchange, 'scenario' | 'idp'>): Exchange {
  const index = partial.index ?? nextIndex++
  return {
    index,
    request: {
      method: 'GET',
      url: `${BASE}/Users`,
      headers: { authorization: `Bearer ${TOKEN_LIKE}`, accept: 'application/scim+json', 'user-agent': 'Okta SCIM Client 1.0.0' },
    },
    response: { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{}', json: {} },
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 120,
    ...partial,
  }
}

function result(partial: Partial<Result> & Pick<Result, 'id' | 'status' | 'scenario' | 'idp'>): Result {
  const title = partial.title ?? partial.id
  return { title, source: { rfc: 7644, section: '3.3' }, level: 'MUST', message: title, requirement: `${title} (sample requirement)`, ...partial }
}

/** The sample run; `overrides` replace top-level fields after summary, matrix and compliance are computed. */
export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  nextIndex = 0
  const user = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: '2819c223-7f76-453a-919d-413861904646',
    userName: 'scim-check-7f3a-alice@example.test',
    active: true,
  }
  const create = exchange({
    scenario: 'user-lifecycle',
    idp: 'okta',
    step: 'create user',
    action: 'createUser',
    request: {
      method: 'POST',
      url: `${BASE}/Users`,
      headers: { authorization: `Bearer ${TOKEN_LIKE}`, 'content-type': 'application/scim+json; charset=utf-8', 'user-agent': 'Okta SCIM Client 1.0.0' },
      body: JSON.stringify({ schemas: user.schemas, userName: user.userName, active: true }),
    },
    response: {
      status: 201,
      headers: { 'content-type': 'application/scim+json', location: `${BASE}/Users/${user.id}`, etag: 'W/"1"', 'set-cookie': `session=${TOKEN_LIKE}` },
      body: JSON.stringify(user),
      json: user,
    },
  })
  const deactivate = exchange({
    scenario: 'user-lifecycle',
    idp: 'okta',
    step: 'deactivate user',
    action: 'deactivateUser',
    request: {
      method: 'PATCH',
      url: `${BASE}/Users/${user.id}`,
      headers: { authorization: `Bearer ${TOKEN_LIKE}`, 'content-type': 'application/scim+json; charset=utf-8', 'user-agent': 'Okta SCIM Client 1.0.0' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active: false } }],
      }),
    },
    response: { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(user), json: user },
    durationMs: 340,
  })
  const getAfterCreate = exchange({
    scenario: 'user-lifecycle',
    idp: 'entra',
    step: 'get user',
    action: 'getUser',
    request: { method: 'GET', url: `${BASE}/Users/${user.id}`, headers: { authorization: `Bearer ${TOKEN_LIKE}` } },
    response: undefined,
    error: { code: 'UND_ERR_HEADERS_TIMEOUT', message: 'no response headers within 10000 ms' },
    durationMs: 10_000,
  })
  const groupCreate = exchange({
    scenario: 'group-push',
    idp: 'entra',
    step: 'create group',
    action: 'createGroup',
    request: {
      method: 'POST',
      url: `${BASE}/Groups`,
      headers: { authorization: `Bearer ${TOKEN_LIKE}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'scim-check-7f3a-admins' }),
    },
    response: { status: 201, headers: { 'content-type': 'application/scim+json' }, body: '{"id":"g1","displayName":"scim-check-7f3a-admins"}' },
  })
  const exchanges = [create, deactivate, getAfterCreate, groupCreate]

  const results: Result[] = [
    result({
      id: 'users.create-status',
      title: 'Create answers 201 Created',
      source: { rfc: 7644, section: '3.3' },
      status: 'pass',
      scenario: 'user-lifecycle',
      step: 'create user',
      idp: 'okta',
      exchange: create.index,
    }),
    ...[create, deactivate].map((x) =>
      result({
        id: 'http.content-type',
        title: 'Responses are application/scim+json',
        source: { rfc: 7644, section: '3.1' },
        level: 'SHOULD',
        status: 'pass',
        scenario: 'user-lifecycle',
        step: x.step,
        idp: 'okta',
        message: '1 response checked',
        exchange: x.index,
        ambient: true,
      }),
    ),
    result({
      id: 'users.deactivate-active-false',
      title: 'Deactivated user reads back active=false',
      source: { rfc: 7644, section: '3.5.2' },
      status: 'fail',
      scenario: 'user-lifecycle',
      step: 'deactivate user',
      idp: 'okta',
      message: 'PATCH replace active=false answered 200 but the returned user is still active',
      requirement: 'The scenario expects the response to PATCH /Users/{id} to contain {"active":false} (RFC 7644 §3.5.2)',
      expected: 'active: false',
      actual: 'active: true',
      exchange: deactivate.index,
      evidence: evidenceOf(deactivate),
    }),
    ...['read inactive', 'find inactive'].map((step) =>
      result({
        id: `users.${step.replace(' ', '-')}`,
        title: `Deactivated user: ${step}`,
        source: { rfc: 7644, section: '3.5.2' },
        status: 'skip',
        scenario: 'user-lifecycle',
        step,
        idp: 'okta',
        message: 'blocked by users.deactivate-active-false at deactivate user',
        reason: 'blocked by users.deactivate-active-false at deactivate user; on its own: response body active is true, expected false',
        requirement: `The scenario expects GET /Users/{id} to answer with active false (RFC 7644 §3.5.2)`,
        cause: { id: 'users.deactivate-active-false', scenario: 'user-lifecycle', step: 'deactivate user', exchange: deactivate.index },
      }),
    ),
    result({
      id: 'http.etag',
      title: 'Resources carry an ETag when versioning is advertised',
      source: { rfc: 7644, section: '3.14' },
      level: 'SHOULD',
      status: 'warn',
      scenario: 'user-lifecycle',
      step: 'deactivate user',
      idp: 'okta',
      message: 'ServiceProviderConfig advertises etag support but the PATCH response has no ETag header',
      expected: 'ETag header',
      actual: 'absent',
      exchange: deactivate.index,
      evidence: evidenceOf(deactivate),
    }),
    result({
      id: 'discovery.bulk',
      title: 'Bulk operations',
      source: { rfc: 7644, section: '3.7' },
      level: 'MAY',
      status: 'info',
      scenario: 'user-lifecycle',
      idp: 'okta',
      message: 'Bulk is not supported',
      reason: 'ServiceProviderConfig bulk.supported is false; no IdP profile sends bulk requests',
    }),
    result({
      id: 'groups.patch-members',
      title: 'PATCH adds and removes members',
      source: { rfc: 7644, section: '3.5.2.1' },
      status: 'skip',
      scenario: 'group-push',
      step: 'add members',
      idp: 'okta',
      message: 'not applicable',
      reason: 'ServiceProviderConfig says patch.supported is false',
    }),
    result({
      id: 'users.create-status',
      title: 'Create answers 201 Created',
      source: { rfc: 7644, section: '3.3' },
      status: 'pass',
      scenario: 'user-lifecycle',
      step: 'create user',
      idp: 'entra',
    }),
    result({
      id: 'users.get-after-create',
      title: 'A created user can be read back by id',
      source: { rfc: 7644, section: '3.4.1' },
      status: 'error',
      scenario: 'user-lifecycle',
      step: 'get user',
      idp: 'entra',
      message: 'could not judge: the request timed out',
      reason: 'no response headers within 10000 ms (UND_ERR_HEADERS_TIMEOUT)',
      exchange: getAfterCreate.index,
      evidence: evidenceOf(getAfterCreate),
    }),
    result({
      id: 'entra.group-create',
      title: 'Group create answers 201 with the displayName sent',
      source: { idp: 'entra', behaviour: 'creates groups with POST /Groups', url: 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups' },
      level: 'IDP',
      status: 'pass',
      scenario: 'group-push',
      step: 'create group',
      idp: 'entra',
      exchange: groupCreate.index,
    }),
  ]

  const idps = ['okta', 'entra']
  const scenarios = ['user-lifecycle', 'group-push']
  const report: RunReport = {
    tool: { name: 'scim-check', version: '0.1.0' },
    target: { url: BASE, builtin: false },
    idp: idps.join(','),
    idps,
    runId: 'sc-7f3a',
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 12_345,
    failOn: 'must',
    summary: summarize(results),
    results,
    matrix: buildMatrix(results, scenarios, idps),
    compliance: buildCompliance(results, idps),
    leftovers: [
      {
        type: 'User',
        id: user.id,
        name: user.userName,
        state: 'deactivated',
        reason: 'DELETE /Users/2819c223-7f76-453a-919d-413861904646 answered 405 Method Not Allowed',
      },
    ],
    warnings: ['7 of 9 requests to /Groups were answered 403 Forbidden: the token may lack group scope, so group results may be vacuous'],
    exchanges,
    ...overrides,
  }
  return report
}

/** A report restricted to one IdP, as a single-profile run produces it. */
export function singleIdpReport(): RunReport {
  const full = sampleReport()
  const results = full.results.filter((r) => r.idp === 'okta')
  return {
    ...full,
    idp: 'okta',
    idps: ['okta'],
    results,
    summary: summarize(results),
    matrix: buildMatrix(results, full.matrix.scenarios, ['okta']),
    compliance: buildCompliance(results, ['okta']),
    exchanges: full.exchanges.filter((x) => x.idp === 'okta'),
  }
}

/** Strings a hostile or broken target can put into messages: markup, CDATA end, control characters, emoji, ANSI. */
export const HOSTILE = `<script>&amp; "quoted" 'single' ]]> \u0000\u0001\u0007\u000b\u001b[31mred\u001b[0m \ud83d\ude00 \ud800 tab\tnew\nline`

/** The sample report with one extra failing result whose every string is hostile. */
export function hostileReport(overrides: Partial<RunReport> = {}): RunReport {
  const base = sampleReport()
  const bad = result({
    id: `users.hostile${HOSTILE}`,
    title: `Title ${HOSTILE}`,
    source: { scenario: 'user-lifecycle', note: `note ${HOSTILE}` },
    status: 'fail',
    scenario: 'user-lifecycle',
    step: `step ${HOSTILE}`,
    idp: 'okta',
    message: `Message ${HOSTILE}`,
    expected: `expected ${HOSTILE}`,
    actual: `actual ${HOSTILE}`,
    evidence: { request: `GET /Users?filter=${HOSTILE}`, response: `HTTP 400\n\n${HOSTILE}`, reproduce: `curl '${HOSTILE}'` },
  })
  const skip = result({ id: 'users.hostile-skip', status: 'skip', scenario: 'group-push', idp: 'entra', reason: `reason ${HOSTILE}` })
  const results = [...base.results, bad, skip]
  return {
    ...base,
    results,
    summary: summarize(results),
    matrix: buildMatrix(results, base.matrix.scenarios, base.idps),
    compliance: buildCompliance(results, base.idps),
    warnings: [...base.warnings, `warning ${HOSTILE}`],
    incomplete: `interrupted ${HOSTILE}`,
    ...overrides,
  }
}
