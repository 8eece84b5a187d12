/** RFC 7643/7644 schemas and validators: the public surface of src/rfc. */
export { URN, MESSAGE_URN_PREFIX, SCIM_TYPES, CURSOR_SCIM_TYPES } from './urns.js'
export { isXsdDateTime, dateTimeMillis } from './datetime.js'
export { RFC_SCHEMAS, RFC_RESOURCE_TYPES, COMMON_ATTRIBUTES, advertisedTypes, typeForPath, typeForResource } from './model.js'
export type { AttributeDef, SchemaDef, ResourceTypeModel } from './model.js'
export { normalizeResource, type CaseDifference } from './normalize.js'
export { formatProblem, formatProblems, type Problem } from './problems.js'
export {
  validateUser,
  validateGroup,
  validateEnterpriseUser,
  validateResourceAs,
  validateServiceProviderConfig,
  validateResourceType,
  validateSchema,
  validateListResponse,
  validateError,
  validatePatchOp,
  validateSearchRequest,
  validateBulkRequest,
  validateBulkResponse,
  type Validation,
  type ResourceOptions,
} from './validators.js'
export { returnedResources, validateReturned, serverTypes, type ReturnedResource } from './returned.js'
