import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { writeStandalone } from './ajv.js'
import { advertisedTypes } from './model.js'
import { standaloneSchemas } from './validators.js'

/**
 * Build step (`npm run build`, after tsc): generates the SCIM validators with ajv's standalone code, so a run does
 * not compile them (about 0.2 s at every start). Besides the RFC's own schemas, the resource types the built-in
 * server advertises are generated too: `--builtin` runs (the demo, the matrix, CI) then compile nothing.
 */
async function main(): Promise<void> {
  // The reference server is read only here, at build time; the validators never depend on it.
  const { schemasOf } = await import('../server/schemas.js')
  const { resourceTypesOf } = await import('../server/attributes.js')
  const { resourceTypeResource, schemaResource } = await import('../server/discovery.js')
  // As the server sends them: through JSON, so absent values are absent, exactly as a run reads them.
  const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
  const builtin = advertisedTypes({
    resourceTypes: wire(resourceTypesOf('full').map((rt) => resourceTypeResource(rt, ''))),
    schemas: wire(schemasOf('full').map((s) => schemaResource(s, ''))),
  })
  const schemas = [...standaloneSchemas(), ...standaloneSchemas(builtin ?? [])]
  try {
    const n = writeStandalone(dirname(fileURLToPath(import.meta.url)), schemas)
    process.stdout.write(`precompile: ${n} SCIM validators generated\n`)
  } catch (error) {
    process.stderr.write(`precompile: cannot generate the SCIM validators: ${(error as Error).message}\n`)
    process.exitCode = 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
