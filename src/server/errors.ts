// SCIM Error responses (RFC 7644 §3.12).

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

/** The `scimType` keywords of RFC 7644 Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'

/**
 * Thrown anywhere in the server to produce a SCIM Error response. Anything
 * else that escapes a handler becomes a generic 500, so a client never sees a
 * stack trace.
 */
export class ScimError extends Error {
  readonly status: number
  readonly scimType: ScimType | undefined
  readonly headers: Record<string, string>

  constructor(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}) {
    super(detail)
    this.name = 'ScimError'
    this.status = status
    this.scimType = scimType
    this.headers = headers
  }
}

export interface ErrorBody {
  schemas: string[]
  status: string
  scimType?: ScimType
  detail: string
}

export function errorBody(status: number, detail: string, scimType?: ScimType): ErrorBody {
  const body: ErrorBody = { schemas: [ERROR_SCHEMA], status: String(status), detail }
  // Keep the RFC's key order (schemas, status, scimType, detail) for readable transcripts.
  if (scimType) return { schemas: body.schemas, status: body.status, scimType, detail }
  return body
}

export const badRequest = (detail: string, scimType: ScimType): ScimError => new ScimError(400, detail, scimType)
export const notFound = (detail: string): ScimError => new ScimError(404, detail)
