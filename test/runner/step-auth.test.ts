import { expect, it } from 'vitest'
import { problems, runBuiltin } from '../helpers/run.js'

it('sends an action with the credentials a step asks for, shaped by the profile, and never judges an IdP quirk on the 401', async () => {
  const report = await runBuiltin({ idps: ['onelogin', 'ping'], scenarios: ['token-rotation'] })
  expect(problems(report)).toEqual([])
  const refused = report.exchanges.filter((x) => x.step === 'missing-token' || x.step === 'invalid-token' || x.step === 'old-token-refused')
  expect(refused.length).toBeGreaterThanOrEqual(6)
  for (const x of refused) expect(x.response?.status).toBe(401)
  // OneLogin's own lookup ('+' for spaces, trailing '&'), not a generic one.
  const onelogin = refused.filter((x) => x.idp === 'onelogin')
  for (const x of onelogin) expect(x.request.url).toMatch(/filter=userName\+eq\+%22.*%22&$/)
  expect(onelogin.find((x) => x.step === 'missing-token')?.request.headers.authorization).toBeUndefined()
  const skipped = report.results.filter((r) => r.id.startsWith('idp.') && r.status === 'skip' && r.step === 'missing-token')
  expect(skipped.length).toBeGreaterThan(0)
  expect(skipped[0].reason).toMatch(/credentials on purpose/)
})
