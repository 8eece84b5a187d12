// Public API of the built-in reference SCIM 2.0 server.

export { startServer, ADMIN_ROTATE_PATH, type ServerOptions, type RunningServer } from './server.js'
export { FAULTS, VARIANTS, type BehaviourDefinition } from './faults.js'
export { Store, type ScimResource, type ResourceRecord, type ResourceKind } from './store.js'
export { ScimError, type ScimType } from './errors.js'
export { DEFAULT_TOKEN } from './auth.js'
export { LIMITS } from './discovery.js'
export { URN } from './schemas.js'
