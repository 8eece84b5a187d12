/** YAML with source positions, JSON Schema validation, and errors that point into the file. */
export { LocatedError, displayPath, excerptAt, formatLocated, renderLocatedError } from './errors.js'
export type { Located, LocatedErrorClass } from './errors.js'
export { YamlSource, formatPath } from './source.js'
export type { JsonPath, PathSegment, PointAt, Position } from './source.js'
export { checkSchema, compileSchema, valueAt } from './schema.js'
export type { SchemaValidator } from './schema.js'
export { closest, editDistance } from './suggest.js'
