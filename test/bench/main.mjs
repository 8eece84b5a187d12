// `npm run bench`: the figures the README quotes, measured on this machine in one run. Never run as a test, nor in CI.
//
//   1. start-up        `scim-check --version` against `node -e 0`, medians of RUNS runs each, ratio (floor <= 1.5x)
//   2. overhead        a full run (every profile, every scenario) against a raw undici replay of the same requests
//                      to the same server, process wall time and request loop alone, ratio (floor <= 1.5x)
//   3. matrix          every profile x every scenario on the built-in server, wall time (target < 3 s)
//   4. memory          peak RSS and time of an import (paging walk) of 100,000 users (floor < 150 MB), beside the
//                      same walk done with bare undici (walk.mjs)
//   5. load            `scim-check load --builtin --idp entra --users LOAD_USERS --rate 0`: wall time, IdP requests per
//                      second, p95 per operation, peak RSS, end-state verdict (20,000 users is measured by hand: see README)
//   6. throughput      `scim-check load --url … --idp entra --concurrency 8 --rate 0` against autocannon sending the same
//                      request mix with 8 connections to the same built-in server (cannon.mjs), alternately, each on a
//                      fresh server: load's IdP requests per second as a share of autocannon's (floor >= 80%)
//
// The reference server runs in this process (compiled, from dist/); every measured run is its own child process,
// started with `node bin/scim-check`, as a user starts it. Build first (`npm run build`; the script does).
// autocannon is no dependency of the project: a pinned version is installed from the npm registry into a temporary
// directory first (AUTOCANNON below), before anything is measured, so a registry problem fails fast and by name.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = join(ROOT, 'bin', 'scim-check')
const HOOK = join(ROOT, 'test', 'bench', 'rss-hook.mjs')
const IMPORT = join(ROOT, 'test', 'hostile', 'scenarios', 'import.yaml')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const RUN_REPEATS = Number(process.env.BENCH_RUN_REPEATS ?? 5)
const USERS = Number(process.env.BENCH_USERS ?? 100_000)
const LOAD_USERS = Number(process.env.BENCH_LOAD_USERS ?? 2000)
const LOAD_REPEATS = Number(process.env.BENCH_LOAD_REPEATS ?? 3)
/** `scim-check load`'s default requests in flight, and autocannon's connections. */
const CONCURRENCY = 8
const AUTOCANNON = 'autocannon@8.0.0'

const { startServer } = await import(join(ROOT, 'dist', 'server', 'index.js'))
const tmp = mkdtempSync(join(tmpdir(), 'scim-check-bench-'))

const best = (xs) => Math.min(...xs)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const ms = (x) => `${Math.round(x)} ms`
const ratio = (a, b) => `${(a / b).toFixed(2)}x`
const verdict = (ok) => (ok ? 'met' : 'MISSED')
/** Each floor the issue sets, with what this run measured, for the closing summary. */
const floors = []
const floor = (name, measured, target, ok) => {
  floors.push({ name, measured, target, ok })
  return `${target}: ${verdict(ok)}`
}

/** Wall time of a child process, with the event loop free (the in-process server keeps answering meanwhile). */
function timed(args, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const t = performance.now()
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, ms: performance.now() - t, out, err }))
  })
}

/** Other work on the machine skews every figure: say how busy it was. */
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')

function machine() {
  const cpu = cpus()
  return `${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, node ${process.version}`
}

async function startup() {
  const cli = []
  const bare = []
  for (let i = 0; i < 2; i++) {
    spawnSync(process.execPath, ['-e', '0'])
    spawnSync(process.execPath, [BIN, '--version'])
  }
  // Interleaved, so drift in machine load falls on both alike.
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    spawnSync(process.execPath, ['-e', '0'])
    bare.push(performance.now() - t)
    t = performance.now()
    const r = spawnSync(process.execPath, [BIN, '--version'])
    cli.push(performance.now() - t)
    if (r.status !== 0) throw new Error(`scim-check --version exited ${r.status}: ${r.stderr}`)
  }
  return { cli: median(cli), bare: median(bare), cliBest: best(cli), bareBest: best(bare) }
}

async function overhead() {
  const server = await startServer({ port: 0, quiet: true })
  try {
    const env = { SCIM_TOKEN: server.token }
    const har = join(tmp, 'run.har')
    const args = [BIN, 'run', '--url', server.url, '--idp', 'all', '--reporter', 'json', '--output', join(tmp, 'overhead.json')]
    const recorded = await timed([...args, '--transcript', har], env)
    if (recorded.code === 2) throw new Error(`recording run failed: ${recorded.err}`)
    const runs = []
    const loops = []
    const replays = []
    const replayLoops = []
    let requests = 0
    for (let i = 0; i < RUN_REPEATS; i++) {
      const r = await timed(args, env)
      runs.push(r.ms)
      loops.push(JSON.parse(readFileSync(join(tmp, 'overhead.json'), 'utf8')).durationMs)
      const p = await timed([join(ROOT, 'test', 'bench', 'replay.mjs'), har, server.url, server.token])
      if (p.code !== 0) throw new Error(`replay failed: ${p.err}`)
      replays.push(p.ms)
      const line = JSON.parse(p.out)
      replayLoops.push(line.ms)
      requests = line.requests
    }
    return { run: median(runs), replay: median(replays), loop: median(loops), replayLoop: median(replayLoops), runBest: best(runs), replayBest: best(replays), requests }
  } finally {
    await server.close()
  }
}

async function matrix() {
  const times = []
  let summary
  for (let i = 0; i < RUN_REPEATS; i++) {
    const r = await timed([BIN, 'run', '--builtin', '--idp', 'all', '--reporter', 'json'])
    if (r.code === 2) throw new Error(`matrix run failed: ${r.err}`)
    times.push(r.ms)
    const rep = JSON.parse(r.out)
    summary = { profiles: rep.idps.length, scenarios: rep.matrix.scenarios.length, results: rep.summary.total, failed: rep.summary.failed + rep.summary.errors }
  }
  return { ms: median(times), best: best(times), ...summary }
}

async function memory() {
  const server = await startServer({ port: 0, quiet: true })
  try {
    const t = performance.now()
    for (let i = 0; i < USERS; i++) {
      server.store.createUser({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `bench.user.${i}@example.com`,
        name: { givenName: `Given${i}`, familyName: `Family${i}` },
        emails: [{ value: `bench.user.${i}@example.com`, type: 'work', primary: true }],
        active: true,
        externalId: `bench-${i}`,
      })
    }
    const seeded = performance.now() - t
    const measure = async (scenario) => {
      const rssFile = join(tmp, `${Math.random().toString(36).slice(2)}.rss`)
      const r = await timed(['--import', HOOK, BIN, 'run', '--url', server.url, '--idp', 'generic', '--scenario', scenario, '--max-pages', '100000', '--reporter', 'json', '--output', join(tmp, 'import.json')], {
        SCIM_TOKEN: server.token,
        SCIM_CHECK_RSS_FILE: rssFile,
      })
      if (r.code === 2) throw new Error(`import run failed: ${r.err}`)
      return { ms: r.ms, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024, report: JSON.parse(readFileSync(join(tmp, 'import.json'), 'utf8')) }
    }
    const baseline = await measure('connection')
    const walk = await measure(IMPORT)
    const failed = walk.report.results.filter((x) => x.status === 'fail' || x.status === 'error')
    if (failed.length) throw new Error(`the import run did not pass: ${failed.map((x) => x.message).join('; ')}`)
    const raw = await timed([join(ROOT, 'test', 'bench', 'walk.mjs'), server.url, server.token])
    if (raw.code !== 0) throw new Error(`raw walk failed: ${raw.err}`)
    return { seeded, baseline, walk, raw: JSON.parse(raw.out) }
  } finally {
    await server.close()
  }
}

async function loadFigure() {
  const rssFile = join(tmp, 'load.rss')
  const out = join(tmp, 'load.json')
  const r = await timed(['--import', HOOK, BIN, 'load', '--builtin', '--idp', 'entra', '--users', String(LOAD_USERS), '--rate', '0', '--quiet', '--reporter', 'json', '--output', out], { SCIM_CHECK_RSS_FILE: rssFile })
  if (r.code !== 0) throw new Error(`load run failed (exit ${r.code}): ${r.err}`)
  const report = JSON.parse(readFileSync(out, 'utf8'))
  return { ms: r.ms, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024, load: report.load, left: report.leftovers.length }
}

/** A pinned autocannon in a temporary directory (bounded: a registry that does not answer fails the bench). */
function fetchAutocannon() {
  const dir = join(tmp, 'autocannon')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', AUTOCANNON], { encoding: 'utf8', timeout: 300_000, shell: process.platform === 'win32' })
  if (r.status !== 0) throw new Error(`could not install ${AUTOCANNON} from the npm registry: ${r.error?.message ?? r.stderr}`)
  return join(dir, 'node_modules', 'autocannon')
}

async function throughput(cannonDir) {
  const loads = []
  const cannons = []
  let mix
  // Alternately, each on a fresh server (autocannon leaves its users behind; a fuller store answers lookups slower).
  for (let i = 0; i < LOAD_REPEATS; i++) {
    let server = await startServer({ port: 0, quiet: true })
    try {
      const out = join(tmp, 'throughput.json')
      const r = await timed([BIN, 'load', '--url', server.url, '--idp', 'entra', '--users', String(LOAD_USERS), '--rate', '0', '--concurrency', String(CONCURRENCY), '--quiet', '--reporter', 'json', '--output', out], { SCIM_TOKEN: server.token })
      if (r.code !== 0) throw new Error(`load run failed (exit ${r.code}): ${r.err}`)
      const l = JSON.parse(readFileSync(out, 'utf8')).load
      loads.push(l.throughput)
      mix = { requests: l.requests, ops: Object.entries(l.latency).map(([op, x]) => `${x.count} ${op}`).join(', ') }
    } finally {
      await server.close()
    }
    server = await startServer({ port: 0, quiet: true })
    try {
      const r = await timed([join(ROOT, 'test', 'bench', 'cannon.mjs'), cannonDir, server.url, server.token, String(CONCURRENCY), String(mix.requests)])
      if (r.code !== 0) throw new Error(`autocannon failed: ${r.err}`)
      const c = JSON.parse(r.out)
      if (c.errors || c.non2xx) throw new Error(`autocannon got ${c.errors} errors and ${c.non2xx} non-2xx answers: its mix no longer fits the server`)
      cannons.push(c.rps)
    } finally {
      await server.close()
    }
  }
  return { load: median(loads), cannon: median(cannons), loads, cannons, ...mix }
}

// BENCH_ONLY=memory (or a comma list of startup, overhead, matrix, memory, load, throughput) runs just those figures.
const only = new Set((process.env.BENCH_ONLY ?? 'startup,overhead,matrix,memory,load,throughput').split(','))

try {
  const cannonDir = only.has('throughput') ? fetchAutocannon() : undefined
  process.stdout.write(`scim-check benchmarks on ${machine()}\nload average at start: ${load()} (figures are medians; best of the runs in brackets)\n\n`)
  if (only.has('startup')) {
  const s = await startup()
  process.stdout.write(`1. start-up     scim-check --version ${ms(s.cli)} [${ms(s.cliBest)}] vs node -e 0 ${ms(s.bare)} [${ms(s.bareBest)}] (${RUNS} runs each)  ${ratio(s.cli, s.bare)}  ${floor('start-up vs node -e 0', ratio(s.cli, s.bare), 'floor <= 1.5x', s.cli / s.bare <= 1.5)}\n`)
  }
  if (only.has('overhead')) {
  const o = await overhead()
  process.stdout.write(
    `2. overhead     full run ${ms(o.run)} [${ms(o.runBest)}] vs raw undici replay ${ms(o.replay)} [${ms(o.replayBest)}] of the same ${o.requests} requests (process wall, ${RUN_REPEATS} runs each)  ${ratio(o.run, o.replay)}  ${floor('overhead vs raw replay', ratio(o.run, o.replay), 'floor <= 1.5x', o.run / o.replay <= 1.5)}\n` +
      `                request loop alone: run ${ms(o.loop)} vs replay ${ms(o.replayLoop)}  ${ratio(o.loop, o.replayLoop)}\n`,
  )
  }
  if (only.has('matrix')) {
  const m = await matrix()
  process.stdout.write(`3. matrix       ${m.profiles} profiles x ${m.scenarios} scenarios on the built-in server: ${ms(m.ms)} [${ms(m.best)}] (${RUN_REPEATS} runs; ${m.results} results, ${m.failed} failed)  target < 3 s: ${verdict(m.ms < 3000)}\n`)
  }
  if (only.has('memory')) {
  const mem = await memory()
  process.stdout.write(
    `4. memory       import of ${USERS.toLocaleString('en')} users (${mem.walk.report.results.length} results, ${Math.ceil(USERS / 100)} pages): peak RSS ${mem.walk.rssMiB.toFixed(0)} MiB (${(mem.walk.rssMiB * 1.048576).toFixed(0)} MB) in ${ms(mem.walk.ms)}  ${floor('100k walk peak RSS', `${(mem.walk.rssMiB * 1.048576).toFixed(0)} MB`, 'floor < 150 MB', mem.walk.rssMiB * 1.048576 < 150)}\n` +
      `                the same walk with bare undici and JSON.parse: ${mem.raw.rssMiB.toFixed(0)} MiB in ${ms(mem.raw.ms)}; a run of the connection scenario alone: ${mem.baseline.rssMiB.toFixed(0)} MiB\n`,
  )
  }
  if (only.has('load')) {
  const l = await loadFigure()
  const p95 = Object.entries(l.load.latency).map(([op, x]) => `${op} ${x.p95}`).join(', ')
  process.stdout.write(
    `5. load         entra initial sync of ${LOAD_USERS.toLocaleString('en')} users on the built-in server: ${ms(l.ms)} wall, ${l.load.requests} IdP requests at ${l.load.throughput}/s, peak RSS ${l.rssMiB.toFixed(0)} MiB; end state ${l.load.verdict.ok ? 'as sent' : 'NOT as sent'}, ${l.left} left behind\n` +
      `                p95 ms: ${p95}\n`,
  )
  }
  if (only.has('throughput')) {
  const t = await throughput(cannonDir)
  const share = t.load / t.cannon
  process.stdout.write(
    `6. throughput   load ${t.load.toFixed(0)} IdP requests/s vs autocannon ${t.cannon.toFixed(0)} requests/s (${AUTOCANNON}), ${CONCURRENCY} in flight, the same mix (${t.requests} requests: ${t.ops}; ${LOAD_REPEATS} runs each, alternately)  ${(100 * share).toFixed(0)}%  ${floor('load vs autocannon', `${(100 * share).toFixed(0)}%`, 'floor >= 80%', share >= 0.8)}\n` +
      `                every run: load ${t.loads.map((x) => x.toFixed(0)).join(', ')}; autocannon ${t.cannons.map((x) => x.toFixed(0)).join(', ')}\n`,
  )
  }
  process.stdout.write(`\nfloors: ${floors.map((f) => `${f.name} ${f.measured} (${f.target}) ${verdict(f.ok)}`).join('; ')}\n`)
  process.stdout.write(`load average at end: ${load()}\n`)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
