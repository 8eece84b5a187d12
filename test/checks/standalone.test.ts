import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ajv, readStandalone, schemaKey, writeStandalone } from '../../src/rfc/ajv.js'
import { RFC_RESOURCE_TYPES } from '../../src/rfc/model.js'
import { resourceJsonSchema } from '../../src/rfc/translate.js'
import { standaloneSchemas } from '../../src/rfc/validators.js'

// The build generates the validators with ajv's standalone code (src/rfc/precompile.ts); a run then uses them in
// place of compiling. They must answer exactly as the compiled ones, errors included (problemsOf reads
// parentSchema for `returned: never`, and the xsd-datetime format lives in TypeScript).
describe('validators generated at build time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-standalone-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const schemas = standaloneSchemas()
  const written = writeStandalone(dir, schemas)
  const generated = readStandalone(dir)!

  it('covers every schema the build lists, once each', () => {
    expect(written).toBe(new Set(schemas.map(schemaKey)).size)
    for (const s of schemas) expect(typeof generated[schemaKey(s)]).toBe('function')
  })

  it('is never found for another schema', () => {
    const user = resourceJsonSchema(RFC_RESOURCE_TYPES[0], { full: true, strict: true })
    expect(generated[schemaKey({ ...user, additionalProperties: true })]).toBeUndefined()
    expect(readStandalone(join(dir, 'absent'))).toBeNull()
  })

  const cases: [string, unknown][] = [
    ['a valid user', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: '1', userName: 'ada', meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z', location: 'https://example.com/Users/1' } }],
    ['wrong types, a bad dateTime, a password', { schemas: 'x', id: 7, userName: ['ada'], active: 'yes', password: 'secret', meta: { created: '23 Jan 2010', lastModified: '2011-05-13T04:42:34' }, emails: [{ value: 1, primary: 'true' }] }],
    ['undeclared and missing attributes', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], surprise: true, name: { nickname: 'x' }, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 3 }, extra: 1 } }],
  ]

  for (const [what, value] of cases) {
    it(`answers as the compiled validator for ${what}`, () => {
      let errors = 0
      for (const schema of schemas) {
        const compiled = ajv().compile(schema)
        const fn = generated[schemaKey(schema)]
        expect(fn(value)).toBe(compiled(value))
        const strip = (errors: typeof fn.errors) => (errors ?? []).map(({ schema: s, parentSchema, ...e }) => ({ ...e, schema: s, parentSchema: JSON.stringify(parentSchema) }))
        expect(strip(fn.errors)).toEqual(strip(compiled.errors))
        errors += fn.errors?.length ?? 0
      }
      const user = generated[schemaKey(resourceJsonSchema(RFC_RESOURCE_TYPES[0], { full: true, strict: true }))]
      if (what === 'a valid user') expect(user(value)).toBe(true)
      else expect(errors).toBeGreaterThan(10)
    })
  }
})
