import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULTS } from '../../src/config/types.js'
import { HttpClient } from '../../src/http/client.js'
import type { Exchange } from '../../src/http/exchange.js'
import { Redactor } from '../../src/http/redact.js'
import { PROFILES, PROFILE_NAMES } from '../../src/idp/registry.js'
import type { ActionName } from '../../src/idp/types.js'
import { ACTION_ARGS, actionOf, checkArgs, parseWith } from '../../src/send/args.js'
import { renderSend } from '../../src/send/render.js'
import { dryRunAction, sendAction, type SendInput } from '../../src/send/send.js'
import { startServer, type RunningServer } from '../../src/server/index.js'

const CONFIG = { idpOptions: {}, mapping: {}, maxPages: DEFAULTS.maxPages }

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ port: 0, quiet: true })
})
afterAll(() => server?.close())

function client(url = server.url, redactor = new Redactor()): HttpClient {
  return new HttpClient({ baseUrl: url, token: server.token, timeoutMs: 5000, maxBodyBytes: DEFAULTS.maxBodyBytes, maxJsonDepth: DEFAULTS.maxJsonDepth, redactor })
}

function input(idp: string, action: ActionName, args: Record<string, unknown>): SendInput {
  return { profile: PROFILES[idp], action, args, config: CONFIG }
}

/** What a request looks like on the wire, for comparing a dry run with the real thing. */
const wire = (x: Exchange) => ({ method: x.request.method, url: x.request.url, headers: x.request.headers, body: x.request.body })

describe('send: one IdP action from the command line', () => {
  it('a dry run builds exactly the requests the profile sends for real, for every profile', async () => {
    for (const idp of PROFILE_NAMES) {
      // Created through the profile, as some IdPs (OneLogin, Ping) render later updates from what they sent.
      const maker = client()
      const made = await sendAction(input(idp, 'createUser', { userName: `dry-${idp}@example.com`, givenName: 'Grace', familyName: 'Hopper' }), maker)
      await maker.close()
      const id = (made.exchanges.at(-1)?.response?.json as { id?: string } | undefined)?.id
      expect(id, `${idp} createUser`).toBeDefined()
      const cases: [ActionName, Record<string, unknown>][] = [
        ['deactivateUser', { id }],
        ['getUser', { id }],
        ['findUser', { userName: `dry-${idp}@example.com` }],
        ['createUser', { userName: `made-${idp}@example.com`, givenName: 'Ada', familyName: 'Lovelace', email: `made-${idp}@example.com` }],
      ]
      for (const [action, args] of cases) {
        const c = client()
        const r = new Redactor()
        r.addSecret(server.token)
        const dry = await dryRunAction(input(idp, action, args), c, r)
        const real = await sendAction(input(idp, action, args), c, typeof args.id === 'string' ? args.id : undefined)
        await c.close()
        expect(real.error, `${idp} ${action}`).toBeUndefined()
        expect(dry.exchanges.length, `${idp} ${action}`).toBeGreaterThan(0)
        // A dry run stops where the IdP would read an answer; up to there it is the same traffic.
        expect(dry.exchanges.map(wire), `${idp} ${action}`).toEqual(real.exchanges.slice(0, dry.exchanges.length).map(wire))
        for (const x of dry.exchanges) expect(x.error?.code).toBe('dry-run')
        expect(dry.expectations).toEqual([])
      }
    }
  })

  it('sends for real through the client: captured, redacted, with the IdP expectations judged on the way', async () => {
    const user = server.store.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'entra-target@example.com', active: true })
    const c = client()
    const out = await sendAction(input('entra', 'deactivateUser', { id: user.id }), c, user.id as string)
    await c.close()
    expect(out.exchanges).toHaveLength(1)
    expect(out.exchanges[0].response?.status).toBe(200)
    expect(out.exchanges[0].request.headers.authorization).toBe('Bearer [REDACTED]')
    expect(server.store.getUser(user.id as string)?.active).toBe(false)
    const text = renderSend(out, { color: false, idp: 'entra', action: 'deactivateUser', dryRun: false })
    expect(text).toMatch(/^entra deactivateUser: 1 request\n/)
    expect(text).toContain(`PATCH ${server.url}/Users/${user.id}\nAuthorization: Bearer $SCIM_TOKEN\n`)
    expect(text).toContain('── response ──\nHTTP 200\n')
    expect(text).toContain(`reproduce: curl -sS -i -X PATCH '${server.url}/Users/${user.id}' -H "Authorization: Bearer $SCIM_TOKEN"`)
    expect(text).not.toContain(server.token)
  })

  it('a dry run of a GET-then-PUT stops at the GET and says why', async () => {
    const c = client('https://app.example.com/scim/v2')
    const out = await dryRunAction(input('okta', 'updateUser', { id: '2819c223', changes: { title: 'VP' } }), c, new Redactor())
    await c.close()
    expect(out.exchanges.map((x) => `${x.request.method} ${x.request.url}`)).toEqual(['GET https://app.example.com/scim/v2/Users/2819c223'])
    const text = renderSend(out, { color: false, idp: 'okta', action: 'updateUser', dryRun: true })
    expect(text).toContain('okta updateUser: 1 request (dry run: nothing was sent)')
    expect(text).toContain('not shown in a dry run')
    expect(text).not.toContain('── response ──')
  })

  it('says so when a profile cannot build the update of a user it cannot know, and writes nothing', async () => {
    const rendering = PROFILE_NAMES.filter((idp) => ['onelogin', 'ping'].includes(idp))
    for (const idp of rendering) {
      const c = client()
      const out = await sendAction(input(idp, 'updateUser', { id: 'not-provisioned-here', changes: { title: 'VP' } }), c, 'not-provisioned-here')
      await c.close()
      expect(out.exchanges.filter((x) => x.request.method !== 'GET')).toEqual([])
      expect(out.error).toContain('not-provisioned-here')
    }
  })

  it('reports what the profile refuses to do instead of sending something else', async () => {
    const never = PROFILE_NAMES.flatMap((idp) => Object.entries(PROFILES[idp].never ?? {}).map(([action, why]) => ({ idp, action: action as ActionName, why })))
    for (const { idp, action, why } of never) {
      const c = client()
      const out = await sendAction(input(idp, action, { id: 'x', displayName: 'x', members: [] }), c)
      await c.close()
      expect(out.exchanges).toEqual([])
      expect(out.error).toBe(why)
    }
  })
})

describe('send arguments', () => {
  it('reads --with as JSON when it parses, nesting once on the first dot', () => {
    expect(parseWith(['userName=ada@example.com', 'active=false', 'count=3', 'members=["u1","u2"]', 'changes.title=VP', 'changes.custom.approvalLimit=10', 'note=true story'], 'u1')).toEqual({
      userName: 'ada@example.com',
      active: false,
      count: 3,
      members: ['u1', 'u2'],
      changes: { title: 'VP', 'custom.approvalLimit': 10 },
      note: 'true story',
      id: 'u1',
    })
    expect(parseWith(['displayName={not json'])).toEqual({ displayName: '{not json' })
    expect(() => parseWith(['userName'])).toThrow('--with "userName" should look like key=value')
    expect(() => parseWith(['a=1', 'a.b=2'])).toThrow('"a" was already given a value that is not an object')
  })

  it('names what an action still needs before anything is sent', () => {
    expect(() => checkArgs('deactivateUser', {})).toThrow('deactivateUser needs id: add --id <id>')
    expect(() => checkArgs('addMembers', { id: 'g' })).toThrow(`addMembers needs members: add --with 'members=["<user id>"]'`)
    expect(() => checkArgs('updateUser', { id: 'u' })).toThrow('updateUser needs changes: add --with changes.title=VP')
    expect(() => checkArgs('createUser', { userName: 'a' })).not.toThrow()
    for (const action of Object.keys(ACTION_ARGS) as ActionName[]) expect(ACTION_ARGS[action].required.every((k) => typeof k === 'string')).toBe(true)
  })

  it('suggests the action meant, and explains why rotateToken is not one', () => {
    expect(() => actionOf('deactivate')).toThrow('unknown action "deactivate" (did you mean "deactivateUser"?)')
    expect(() => actionOf('craeteUser')).toThrow('did you mean "createUser"?')
    expect(() => actionOf('rotateToken')).toThrow('rotateToken is not a request an IdP sends')
    expect(actionOf('deleteGroup')).toBe('deleteGroup')
  })
})
