/**
 * Authentication the way vendors deploy it, end to end against the built-in server's OAuth token endpoint and Basic
 * check, through the real CLI: the token is fetched, refreshed when it expires mid-run, and neither the client secret
 * nor any access token appears in any output.
 */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { startServer } from '../../src/server/index.js'
import { DEMO_BASIC, DEMO_CLIENT } from '../../src/server/oauth.js'
import { runBuiltin, config, problems } from '../helpers/run.js'
import { run } from '../../src/runner/run.js'
import { cli, type CliResult } from '../helpers/cli.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-auth-'))
  dirs.push(dir)
  return dir
}
function everything(dir: string, r: CliResult): [string, string][] {
  const files = (d: string): [string, string][] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [[join(d, n), readFileSync(join(d, n), 'latin1')] as [string, string]]))
  return [['stdout', r.stdout], ['stderr', r.stderr], ...files(dir)]
}
function expectNowhere(secret: string, where: [string, string][]): void {
  for (const [name, text] of where) expect(text.includes(secret), `${secret.slice(0, 12)}… found in ${name}`).toBe(false)
}

describe('--auth oauth-client-credentials', () => {
  it('fetches a token, fetches a new one when the server stops taking it mid-run, and writes no secret or access token anywhere', async () => {
    // Each access token is revoked after 25 requests: the run outlives several and must fetch new ones.
    const server = await startServer({ port: 0, quiet: true, token: 'static-token-never-used-here', oauth: { maxUses: 25 } })
    const dir = workdir()
    try {
      const args = ['run', '--url', server.url, '--auth', 'oauth-client-credentials', '--token-url', server.tokenUrl, '--client-id', DEMO_CLIENT.id, '--idp', 'generic,okta,entra', '--scenario', 'create', '--scenario', 'update', '--scenario', 'deactivate', '--scenario', 'group-sync']
      const r = await cli([...args, '--reporter', 'pretty', '--reporter', `json=${join(dir, 'r.json')}`, '--reporter', `html=${join(dir, 'r.html')}`, '--reporter', `markdown=${join(dir, 'r.md')}`, '--reporter', `junit=${join(dir, 'r.xml')}`, '--transcript', join(dir, 't.har')], { env: { SCIM_CLIENT_SECRET: DEMO_CLIENT.secret }, timeoutMs: 60_000 })
      expect(r.stderr).toBe('')
      expect(r.code, r.stdout.slice(-2000)).toBe(0)
      expect(server.issuedTokens().length).toBeGreaterThanOrEqual(3)
      const where = everything(dir, r)
      expectNowhere(DEMO_CLIENT.secret, where)
      expectNowhere(Buffer.from(`${DEMO_CLIENT.id}:${DEMO_CLIENT.secret}`).toString('base64'), where)
      for (const token of server.issuedTokens()) expectNowhere(token, where)
    } finally {
      await server.close()
    }
  }, 90_000)

  it('authenticates the client with a signed JWT (RFC 7523) instead of a secret', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const server = await startServer({ port: 0, quiet: true, oauth: { clientPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } })
    const key = join(workdir(), 'client.pem')
    writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    try {
      const report = await run(config({ url: server.url, auth: { kind: 'oauth-client-credentials', tokenUrl: server.tokenUrl, clientId: DEMO_CLIENT.id, privateKeyFile: key }, scenarios: ['create'] }))
      expect(problems(report)).toEqual([])
      expect(server.issuedTokens().length).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('uses the built-in server\'s own token endpoint and demo client with --builtin', async () => {
    const report = await runBuiltin({ auth: { kind: 'oauth-client-credentials', tokenUrl: '', clientId: '' }, scenarios: ['create'], idps: ['okta'] })
    expect(problems(report)).toEqual([])
    expect(report.exchanges.every((x) => !x.response || x.response.status !== 401)).toBe(true)
  })

  it('could not run (exit 2, one line) when the token endpoint refuses the client', async () => {
    const server = await startServer({ port: 0, quiet: true })
    try {
      const r = await cli(['run', '--url', server.url, '--auth', 'oauth-client-credentials', '--token-url', server.tokenUrl, '--client-id', DEMO_CLIENT.id, '--scenario', 'create'], { env: { SCIM_CLIENT_SECRET: 'not-the-secret-4711' } })
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/token endpoint .* refused the client credentials \(invalid_client\)/)
      expect(r.stderr + r.stdout).not.toContain('not-the-secret-4711')
    } finally {
      await server.close()
    }
  })

  it('names what is missing before any request', async () => {
    const r = await cli(['run', '--url', 'http://127.0.0.1:9/scim/v2', '--auth', 'oauth-client-credentials', '--client-id', 'x', '--client-secret', 'y'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs --token-url/)
    const k = await cli(['run', '--builtin', '--auth', 'kerberos'])
    expect(k.stderr).toMatch(/--auth must be one of bearer, basic, oauth-client-credentials/)
  })
})

describe('token lifetime', () => {
  it('fetches a new token shortly before the old one expires, without waiting for a 401', async () => {
    const { Credentials } = await import('../../src/http/auth.js')
    const { Redactor } = await import('../../src/http/redact.js')
    const server = await startServer({ port: 0, quiet: true, oauth: { ttlSeconds: 60 } })
    const now = Date.now()
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now)
    try {
      const creds = new Credentials({ kind: 'oauth-client-credentials', tokenUrl: server.tokenUrl, clientId: DEMO_CLIENT.id, clientSecret: DEMO_CLIENT.secret }, { timeoutMs: 5000, redactor: new Redactor([]) })
      const first = await creds.authorization()
      expect(await creds.authorization()).toBe(first)
      // 55 s later the token still has 5 s to live, inside the refresh margin (a tenth of 60 s): a new one is fetched.
      clock.mockReturnValue(now + 55_000)
      const second = await creds.authorization()
      expect(second).not.toBe(first)
      expect(creds.fetches).toBe(2)
    } finally {
      clock.mockRestore()
      await server.close()
    }
  })
})

describe('--auth basic and --header', () => {
  it('sends Basic credentials and extra headers, and redacts both', async () => {
    const report = await runBuiltin({ auth: { kind: 'basic', ...DEMO_BASIC }, headers: { 'x-api-key': 'gateway-key-0193' }, scenarios: ['create'], idps: ['generic', 'okta'] })
    expect(problems(report)).toEqual([])
    const sent = report.exchanges.filter((x) => x.step !== 'cleanup')
    expect(sent.length).toBeGreaterThan(3)
    for (const x of sent) {
      expect(x.request.headers['x-api-key']).toBeDefined()
      expect(x.request.headers['x-api-key']).not.toContain('gateway-key-0193')
      expect(x.request.headers.authorization).not.toContain(Buffer.from(`${DEMO_BASIC.username}:${DEMO_BASIC.password}`).toString('base64'))
    }
  })

  it('reads header values from the environment and refuses an unset one', async () => {
    const ok = await cli(['run', '--builtin', '--scenario', 'connection', '--header', 'X-Tenant: ${TENANT_FOR_TEST}'], { env: { TENANT_FOR_TEST: 'acme-tenant' } })
    expect(ok.code).toBe(0)
    const bad = await cli(['run', '--builtin', '--scenario', 'connection', '--header', 'X-Tenant: ${NOT_SET_FOR_TEST}'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/NOT_SET_FOR_TEST is not set/)
  })
})

describe('auth in scim-check.yaml', () => {
  it('takes auth settings with secrets from environment variables, and names the line of an unset one', async () => {
    const { loadConfigText } = await import('../../src/config/file.js')
    const { resolveRunConfig } = await import('../../src/config/resolve.js')
    const text = 'url: https://app.example.com/scim/v2\nauth:\n  type: oauth-client-credentials\n  tokenUrl: https://login.example.com/oauth/token\n  clientId: scim-client\n  clientSecretEnv: ACME_SECRET\n  scope: scim\nheaders:\n  X-Api-Key: ${ACME_KEY}\n'
    const file = loadConfigText(text, 'scim-check.yaml', { env: { ACME_SECRET: 's3cr3t-value', ACME_KEY: 'k3y-value' } })
    const cfg = resolveRunConfig({}, {}, file)
    expect(cfg.auth).toMatchObject({ kind: 'oauth-client-credentials', tokenUrl: 'https://login.example.com/oauth/token', clientId: 'scim-client', clientSecret: 's3cr3t-value', scope: 'scim' })
    expect(cfg.headers).toEqual({ 'x-api-key': 'k3y-value' })
    expect(() => loadConfigText(text, 'scim-check.yaml', { env: { ACME_KEY: 'k' } })).toThrow(/scim-check\.yaml:6:\d+.*ACME_SECRET is not set/)
  })
})
