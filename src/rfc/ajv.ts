import { Ajv, type ValidateFunction } from 'ajv'
import { isXsdDateTime } from './datetime.js'
import { NEVER_MARK } from './translate.js'

let instance: Ajv | undefined

/** The one ajv instance for SCIM validators, created on first use (start-up stays cheap for runs that never validate). */
export function ajv(): Ajv {
  if (!instance) {
    instance = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true })
    instance.addFormat('xsd-datetime', { type: 'string', validate: (s: string) => isXsdDateTime(s) })
    instance.addKeyword({ keyword: NEVER_MARK, schemaType: 'string' })
  }
  return instance
}

/** Compile once per key; the schema is built only when first needed. */
export function lazyValidator(build: () => Record<string, unknown>): () => ValidateFunction {
  let fn: ValidateFunction | undefined
  return () => (fn ??= ajv().compile(build()))
}
