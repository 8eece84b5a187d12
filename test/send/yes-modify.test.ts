import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { runCli, SPAWNS } from '../hostile/cli.js'

/**
 * `send` is as careful as `run`: a write to a resource it did not create is not sent unless --yes-modify names
 * exactly that id. Refused, it prints the request it would have sent and exits 2 with one line saying why.
 */
let server: RunningServer
beforeAll(async () => {
  server = await startServer({ port: 0, quiet: true })
})
afterAll(() => server?.close())

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const send = (args: string[]) => runCli(['send', ...args, '--url', server.url], { env: { SCIM_TOKEN: server.token } })

describe('send --yes-modify', SPAWNS, () => {
  it('refuses to deactivate an existing user without it, and sends nothing', async () => {
    const user = server.store.createUser({ schemas: [USER], userName: 'someone@example.com', active: true })
    for (const idp of ['generic', 'entra', 'okta']) {
      const r = await send(['deactivateUser', '--idp', idp, '--id', user.id])
      expect(r.code, `${idp}: ${r.stderr}`).toBe(2)
      const lines = r.stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^scim-check: not sent: .*${user.id}.*pass --yes-modify ${user.id}`))
      // The request it would have sent is shown.
      expect(r.stdout).toMatch(new RegExp(`(PATCH|PUT) ${server.url}/Users/${user.id}`))
      expect(server.store.getUser(user.id)?.active, idp).toBe(true)
    }
  })

  it('refuses when --yes-modify names another id', async () => {
    const user = server.store.createUser({ schemas: [USER], userName: 'other@example.com', active: true })
    const r = await send(['deleteUser', '--id', user.id, '--yes-modify', 'some-other-id'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--yes-modify names some-other-id')
    expect(server.store.getUser(user.id)).toBeDefined()
  })

  it('sends when --yes-modify names exactly that id', async () => {
    const user = server.store.createUser({ schemas: [USER], userName: 'approved@example.com', active: true })
    const r = await send(['deactivateUser', '--id', user.id, '--yes-modify', user.id])
    expect(r.code, r.stderr).toBe(0)
    expect(server.store.getUser(user.id)?.active).toBe(false)
  })

  it('needs nothing to create, or to read', async () => {
    const made = await send(['createUser', '--with', 'userName=new-person@example.com'])
    expect(made.code, made.stderr).toBe(0)
    const user = server.store.listUsers().find((u) => u.userName === 'new-person@example.com')!
    expect((await send(['getUser', '--id', user.id])).code).toBe(0)
  })
})
