// Lists what scim-check flags on SCIMMY, per profile and option set: `npx tsx test/scimmy/measure.ts [--all]`.
// --all adds each profile's non-default options. Prints one line per distinct (id, status) with one example.
import { run } from '../../src/runner/run.js'
import { config } from '../helpers/run.js'
import { startScimmy } from '../helpers/scimmy.js'

const VARIANTS: Array<{ label: string; idp: string; options?: Record<string, unknown> }> = [
  { label: 'generic', idp: 'generic' },
  { label: 'okta', idp: 'okta' },
  { label: 'entra', idp: 'entra' },
  { label: 'onelogin', idp: 'onelogin' },
  { label: 'jumpcloud', idp: 'jumpcloud' },
  { label: 'ping', idp: 'ping' },
]
if (process.argv.includes('--all')) {
  VARIANTS.push(
    { label: 'okta app=aiw', idp: 'okta', options: { app: 'aiw' } },
    { label: 'entra aadOptscim062020=true', idp: 'entra', options: { aadOptscim062020: true } },
    { label: 'onelogin template=rfc', idp: 'onelogin', options: { template: 'rfc' } },
    { label: 'onelogin whenUsersDeleted=delete', idp: 'onelogin', options: { whenUsersDeleted: 'delete' } },
    { label: 'jumpcloud userUpdate=put', idp: 'jumpcloud', options: { userUpdate: 'put' } },
    { label: 'ping removeUserAction=delete', idp: 'ping', options: { removeUserAction: 'delete' } },
  )
}

const token = 'scimmy-measure-token'
const server = await startScimmy({ token })
try {
  for (const v of VARIANTS) {
    const t0 = Date.now()
    const report = await run(config({ url: server.url, token, idps: [v.idp], idpOptions: v.options ? { [v.idp]: v.options } : {} }))
    const seen = new Map<string, { n: number; example: string }>()
    for (const r of report.results) {
      if (r.status !== 'fail' && r.status !== 'warn' && r.status !== 'error') continue
      const key = `${r.id} [${r.status}]`
      const e = seen.get(key)
      if (e) e.n++
      else seen.set(key, { n: 1, example: `${r.scenario}/${r.step ?? ''}: ${r.message}` })
    }
    const counts = report.results.reduce<Record<string, number>>((a, r) => ((a[r.status] = (a[r.status] ?? 0) + 1), a), {})
    console.log(`\n## ${v.label}  (${Date.now() - t0} ms; ${JSON.stringify(counts)})`)
    for (const [k, e] of [...seen].sort()) console.log(`- ${k} ×${e.n}: ${e.example}`)
  }
} finally {
  await server.close()
}
