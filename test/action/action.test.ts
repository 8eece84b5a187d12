/**
 * The GitHub Action (action.yml): its shape, and its run script executed as the runner would, against the
 * reference server, through the built CLI (`npm run build` first; `npm test` does).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { XMLValidator } from 'fast-xml-parser'
import { startServer } from '../../src/server/index.js'
import { BIN } from '../helpers/cli.js'

const ACTION = parse(readFileSync(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8'))
const SCENARIO = fileURLToPath(new URL('../replay/lifecycle.yaml', import.meta.url))
const TOKEN = 'ghs_action_test_token_5Yk2Qw9'
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const runStep = () => ACTION.runs.steps.find((s: { id?: string }) => s.id === 'run')

/** The run step's script under bash, with the step's environment as GitHub would set it from these inputs. */
async function runAction(inputs: Record<string, string>, faults: string[] = []) {
  const server = await startServer({ port: 0, token: TOKEN, faults, quiet: true })
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-action-'))
  dirs.push(dir)
  const defaults = Object.fromEntries(Object.entries(ACTION.inputs as Record<string, { default?: string }>).map(([k, v]) => [k, v.default ?? '']))
  const given: Record<string, string> = { ...defaults, url: server.url, token: TOKEN, cli: `${process.execPath} ${BIN}`, 'report-dir': join(dir, 'report'), ...inputs }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') }
  for (const [name, expr] of Object.entries(runStep().env as Record<string, string>)) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)?.[1]
    env[name] = given[input!] ?? ''
  }
  writeFileSync(join(dir, 'output'), '')
  try {
    // GitHub runs a bash step as `bash --noprofile --norc -eo pipefail <file>`; the server answers in this process, so the wait is async.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', runStep().run], { env, cwd: dir })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the action's script did not finish within 60 s\n${stderr}`))
      }, 60_000)
      child.on('close', (status) => {
        clearTimeout(timer)
        resolve({ status, stdout, stderr })
      })
    })
    const read = (f: string) => {
      try {
        return readFileSync(join(dir, f), 'utf8')
      } catch {
        return ''
      }
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: read('summary.md'), output: read('output'), report: (f: string) => read(join('report', f)) }
  } finally {
    await server.close()
  }
}

describe('action.yml', () => {
  it('is a composite action taking the URL and token as inputs, and passing inputs to its script only through env', () => {
    expect(ACTION.runs.using).toBe('composite')
    expect(ACTION.inputs.url.required).toBe(true)
    expect(ACTION.inputs.token.required).toBe(true)
    expect(runStep().run).not.toContain('${{')
    expect(runStep().env.SCIM_TOKEN).toBe('${{ inputs.token }}')
    const upload = ACTION.runs.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact@'))
    expect(upload.if).toMatch(/^always\(\)/)
    expect(Object.keys(ACTION.outputs)).toEqual(['exit-code', 'junit', 'markdown', 'html'])
  })

  it('runs the check, publishes JUnit and the Markdown job summary, and passes', async () => {
    const r = await runAction({ idp: 'generic,okta', scenarios: ` connection , ${SCENARIO}` })
    expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${TOKEN}`)
    expect(r.code).toBe(0)
    expect(r.output).toContain('exit-code=0\n')
    expect(r.output).toMatch(/^junit=.*\/report\/junit\.xml$/m)
    expect(r.summary).toMatch(/^## scim-check: ✅ passed at --fail-on must/)
    expect(XMLValidator.validate(r.report('junit.xml'))).toBe(true)
    expect(r.report('junit.xml')).toContain('name="okta/replay-lifecycle"')
    expect(r.report('report.html')).toContain('<table class="matrix"')
    expect(JSON.parse(r.report('transcript.har')).log.entries.length).toBeGreaterThan(10)
    for (const text of [r.stdout.split('\n').slice(1).join('\n'), r.stderr, r.summary, r.report('junit.xml'), r.report('report.md'), r.report('report.html'), r.report('report.json'), r.report('transcript.har')]) expect(text).not.toContain(TOKEN)
  }, 90_000)

  it('fails the step when the endpoint breaks a MUST, with the failures in the job summary', async () => {
    const r = await runAction({ idp: 'generic', scenarios: SCENARIO, args: '--timeout 8000' }, ['no-409'])
    expect(r.code).toBe(1)
    expect(r.output).toContain('exit-code=1\n')
    expect(r.summary).toMatch(/^## scim-check: ❌ failed at --fail-on must/)
    expect(r.summary).toContain('### Failures')
    expect(r.report('junit.xml')).toContain('<failure')
  }, 90_000)

  it('says in the job summary when scim-check could not run at all', async () => {
    const r = await runAction({ url: 'http://127.0.0.1:9/scim/v2', scenarios: 'connection' })
    expect(r.code).toBe(2)
    expect(r.summary).toBe('scim-check could not run (exit code 2): see the step\'s log.\n')
  }, 60_000)
})
