/**
 * The GitHub Action (action.yml): its shape, and its run script executed as the runner would, against the
 * reference server, through the built CLI (`npm run build` first; `npm test` does).
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
// The fresh checkouts hold a whole node_modules: removing them can take longer than the default hook timeout on a busy machine.
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })), 120_000)

const step = (id: string) => ACTION.runs.steps.find((s: { id?: string }) => s.id === id)
const runStep = () => step('run')
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The repository's tracked files as they are now (a fresh checkout of this tree, without node_modules or dist). */
function freshCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-action-src-'))
  dirs.push(dir)
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean)
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    try {
      cpSync(join(ROOT, f), join(dir, f))
    } catch {
      // a file deleted in the working tree but not yet in the index: a checkout would not have it either
    }
  }
  return dir
}

/** One bash step as GitHub runs it (`bash --noprofile --norc -eo pipefail`), with its outputs file. */
function bash(script: string, env: Record<string, string>, cwd: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env, cwd })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the action's step did not finish within ${timeoutMs / 1000} s\n${stderr}`))
    }, timeoutMs)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

/** The step outputs a `>> "$GITHUB_OUTPUT"` file holds. */
function outputsOf(file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

/** The run step's script under bash, with the step's environment as GitHub would set it from these inputs. */
async function runAction(inputs: Record<string, string>, faults: string[] = [], actionPath?: string) {
  const server = await startServer({ port: 0, token: TOKEN, faults, quiet: true })
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-action-'))
  dirs.push(dir)
  const defaults = Object.fromEntries(Object.entries(ACTION.inputs as Record<string, { default?: string }>).map(([k, v]) => [k, v.default ?? '']))
  const given: Record<string, string> = { ...defaults, url: server.url, token: TOKEN, cli: actionPath ? '' : `${process.execPath} ${BIN}`, 'report-dir': join(dir, 'report'), ...inputs }
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') }
  // npm's own settings (registry, cache) reach the install step as they reach this test.
  for (const [k, v] of Object.entries(process.env)) if (/^npm_config_/i.test(k) && v !== undefined && !/prefix|globalconfig|userconfig/i.test(k)) base[k] = v
  const envOf = (id: string, steps: Record<string, Record<string, string>>) => {
    const env: Record<string, string> = { ...base, GITHUB_OUTPUT: join(dir, `${id}.output`) }
    for (const [name, expr] of Object.entries((step(id).env ?? {}) as Record<string, string>)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)?.[1]
      const out = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(expr)
      env[name] = input ? given[input] ?? '' : out ? steps[out[1]]?.[out[2]] ?? '' : expr === '${{ github.action_path }}' ? actionPath ?? '' : ''
    }
    writeFileSync(env.GITHUB_OUTPUT, '')
    return env
  }
  const steps: Record<string, Record<string, string>> = {}
  try {
    if (actionPath && given.cli === '') {
      const env = envOf('install', steps)
      const r = await bash(step('install').run, env, dir, 240_000)
      if (r.status !== 0) throw new Error(`the install step failed (${r.status}):\n${r.stderr}`)
      steps.install = outputsOf(env.GITHUB_OUTPUT)
    }
    const env = envOf('run', steps)
    const r = await bash(runStep().run, env, dir, 60_000)
    const read = (f: string) => {
      try {
        return readFileSync(join(dir, f), 'utf8')
      } catch {
        return ''
      }
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: read('summary.md'), output: read('run.output'), report: (f: string) => read(join('report', f)) }
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
    expect(Object.keys(ACTION.outputs)).toEqual(['exit-code', 'outcome', 'junit', 'markdown', 'html'])
    expect(upload.with.name).toBe('${{ inputs.artifact-name }}')
    // The CLI comes from the action's own checkout, pinned to its tag: no unpublished package is fetched.
    expect(JSON.stringify(ACTION.runs)).not.toMatch(/npx/)
    expect(step('install').env.SCIM_CHECK_HOME).toBe('${{ github.action_path }}')
  })

  it('installs and builds the CLI from a fresh checkout of the action, then runs it: JUnit, Markdown, HTML and JSON', async () => {
    const r = await runAction({ idp: 'generic', scenarios: 'connection' }, [], freshCheckout())
    expect(r.stderr).not.toMatch(/internal error|could not install/)
    expect(r.code).toBe(0)
    expect(r.output).toContain('outcome=passed\n')
    expect(XMLValidator.validate(r.report('junit.xml'))).toBe(true)
    expect(r.report('report.md')).toMatch(/^## scim-check: ✅ passed/)
    expect(r.report('report.html')).toContain('<table class="matrix"')
    expect(JSON.parse(r.report('report.json')).summary).toBeTruthy()
  }, 300_000)

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
    expect(r.output).toContain('outcome=failed\n')
    expect(r.summary).toMatch(/^## scim-check: ❌ failed at --fail-on must/)
    expect(r.summary).toContain('### Failures')
    expect(r.report('junit.xml')).toContain('<failure')
  }, 90_000)

  it('says in the job summary when scim-check could not run at all', async () => {
    const r = await runAction({ url: 'http://127.0.0.1:9/scim/v2', scenarios: 'connection' })
    expect(r.code).toBe(2)
    expect(r.output).toContain('outcome=could-not-run\n')
    expect(r.summary).toBe('scim-check could not run (exit code 2): see the step\'s log.\n')
  }, 60_000)
})
