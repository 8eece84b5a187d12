import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/ext.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const values = { employeeNumber: '701984', costCenter: '4130', organization: 'Universal Studios', division: 'Theme Park', department: 'Tour Operations' }
const e1 = (ext: Record<string, unknown> = { ...values, manager: { value: 'u-1', $ref: '../Users/u-1', displayName: 'Ada' } }, over: Record<string, unknown> = {}) => ({ schemas: [USER, ENT], id: 'e-1', userName: 'e1@example.com', [ENT]: ext, ...over })
const afterCreate = (args: Record<string, unknown>, status = 201) => ({ history: [stepX('c', { method: 'POST', path: '/Users', status })], args: { after: 'c', ...args } })
const read = (body: unknown) => exchange({ path: '/Users/e-1', body })

describe('enterprise extension checks on crafted exchanges', () => {
  it('ext.create: values under the URN with the URN in schemas pass; flattened or missing fails', () => {
    const c = check('ext.create')
    expect(verdict(c, read(e1()), afterCreate({ values }))).toBe('pass')
    expect(verdict(c, read({ schemas: [USER, ENT], id: 'e-1', userName: 'x', ...values }), afterCreate({ values }))).toBe('fail')
    expect(verdict(c, read(e1(values, { schemas: [USER] })), afterCreate({ values }))).toBe('fail')
    expect(verdict(c, read(e1({ employeeNumber: '701984' })), afterCreate({ values }))).toBe('fail')
  })

  it('ext.manager: the manager id passes; the client-sent displayName stored or a wrong $ref fails', () => {
    const c = check('ext.manager')
    const args = { manager: 'u-1', sentDisplayName: 'not-the-manager' }
    expect(verdict(c, read(e1()), afterCreate(args))).toBe('pass')
    expect(verdict(c, read(e1({ manager: { value: 'u-1', displayName: 'not-the-manager' } })), afterCreate(args))).toBe('fail')
    expect(verdict(c, read(e1({ manager: { value: 'u-1', $ref: '../Users/u-2' } })), afterCreate(args))).toBe('fail')
    expect(verdict(c, read(e1({ manager: { value: 'u-2' } })), afterCreate(args))).toBe('fail')
  })

  it('ext.required: skipped unless the extension is required; then 400 passes and 201 fails', () => {
    const c = check('ext.required')
    const rt = (required: boolean) => ({ discovery: { resourceTypes: [{ name: 'User', schema: USER, schemaExtensions: [{ schema: ENT, required }] }] } })
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x' } }), rt(false))).toBe('skip')
    expect(verdict(c, exchange({ method: 'POST', status: 400, body: errorBody(400) }), rt(true))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x' } }), rt(true))).toBe('fail')
    // Any required User extension counts, not only the enterprise one; without /ResourceTypes nothing is known.
    const custom = { discovery: { resourceTypes: [{ name: 'User', schema: USER, schemaExtensions: [{ schema: 'urn:example:acme:2.0:User', required: true }] }] } }
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x' } }), custom)).toBe('fail')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x' } }), { discovery: {} })).toBe('skip')
  })

  it('ext.patch-manager: replaced and removed pass; the old manager kept fails', () => {
    const c = check('ext.patch-manager')
    const ctx = (manager: unknown) => ({ history: [stepX('w', { method: 'PATCH', path: '/Users/e-1', status: 204 })], args: { after: 'w', manager } })
    expect(verdict(c, read(e1({ manager: { value: 'u-2' } })), ctx('u-2'))).toBe('pass')
    expect(verdict(c, read(e1({ manager: { value: 'u-1' } })), ctx('u-2'))).toBe('fail')
    expect(verdict(c, read(e1({ employeeNumber: '1' })), ctx(''))).toBe('pass')
    expect(verdict(c, read(e1({ manager: { value: 'u-2' } })), ctx(''))).toBe('fail')
  })

  it('ext.attributes-param: id and the one attribute pass; other attributes fail', () => {
    const c = check('ext.attributes-param')
    const args = { args: { employeeNumber: '701984' } }
    expect(verdict(c, read({ schemas: [USER, ENT], id: 'e-1', [ENT]: { employeeNumber: '701984' } }), args)).toBe('pass')
    expect(verdict(c, read(e1()), args)).toBe('fail')
    expect(verdict(c, read({ id: 'e-1', userName: 'x', [ENT]: { employeeNumber: '701984' } }), args)).toBe('fail')
  })
  it('ext.attributes-param: no false alarm for attributes the server declares returned: always', () => {
    const discovery = { schemas: [{ id: USER, attributes: [{ name: 'userName', returned: 'always' }] }] }
    expect(verdict(check('ext.attributes-param'), read({ id: 'e-1', userName: 'x', [ENT]: { employeeNumber: '701984' } }), { discovery, args: { employeeNumber: '701984' } })).toBe('pass')
  })

  it('ext.unknown-extension is recorded: ignored passes; refused or echoed is info', () => {
    const c = check('ext.unknown-extension')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { schemas: [USER], id: 'x' } }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 400, body: errorBody(400, 'invalidSyntax') }))).toBe('info')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x', 'urn:example:params:scim:schemas:extension:x:2.0:User': { note: 'n' } } }))).toBe('info')
  })
})

describe('enterprise scenario against the built-in server', () => {
  it('is green on the reference server and every variant; ext.required skips because the extension is optional', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario('scenarios/rfc/ext.yaml', { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual(['ext.required'])
    }
  })
})
