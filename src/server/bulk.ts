// POST /Bulk (RFC 7644 §3.7). Each operation is dispatched through the same
// handlers as a single request, so bulk and non-bulk behaviour cannot drift.
// Operations referencing a bulkId that a later operation defines are deferred
// until it exists (§3.7.1); what can never be resolved answers 409.

import { ScimError } from './errors.js'
import { LIMITS } from './discovery.js'
import { errorResponse, fromScimError, getHeader, jsonResponse, routeOf, type HookContext, type ScimResponse } from './pipeline.js'
import { URN } from './schemas.js'
import { isPlainObject } from './values.js'

type Dispatch = (ctx: HookContext) => Promise<ScimResponse>

interface BulkOperation {
  index: number
  method: string
  bulkId?: string
  version?: string
  path: string
  data: unknown
}

const BULK_REF = /^bulkId:(.+)$/

function collectRefs(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    const m = BULK_REF.exec(v)
    if (m) out.add(m[1]!)
  } else if (Array.isArray(v)) for (const x of v) collectRefs(x, out)
  else if (isPlainObject(v)) for (const x of Object.values(v)) collectRefs(x, out)
}

function substitute(v: unknown, ids: Map<string, string>): unknown {
  if (typeof v === 'string') {
    const m = BULK_REF.exec(v)
    return m && ids.has(m[1]!) ? ids.get(m[1]!) : v
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, ids))
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, ids)]))
  return v
}

function field(obj: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k]
  return undefined
}

export async function handleBulk(ctx: HookContext, dispatch: Dispatch): Promise<ScimResponse> {
  const { req } = ctx
  if (Buffer.byteLength(req.bodyText, 'utf8') > LIMITS.bulkMaxPayloadSize) {
    return errorResponse(413, `The bulk request exceeds maxPayloadSize (${LIMITS.bulkMaxPayloadSize} bytes)`)
  }
  if (req.bodyError !== undefined) throw new ScimError(400, `Request body is not valid JSON: ${req.bodyError}`, 'invalidSyntax')
  const body = req.body
  if (!isPlainObject(body)) throw new ScimError(400, 'A BulkRequest body must be a JSON object', 'invalidSyntax')
  const rawOps = field(body, 'Operations')
  if (!Array.isArray(rawOps) || rawOps.length === 0) throw new ScimError(400, 'BulkRequest needs a non-empty "Operations" array', 'invalidSyntax')
  if (rawOps.length > LIMITS.bulkMaxOperations) {
    return errorResponse(413, `The bulk request has ${rawOps.length} operations; maxOperations is ${LIMITS.bulkMaxOperations}`)
  }
  const failOnErrorsRaw = field(body, 'failOnErrors')
  const failOnErrors = typeof failOnErrorsRaw === 'number' && failOnErrorsRaw > 0 ? Math.trunc(failOnErrorsRaw) : Infinity

  const ops: BulkOperation[] = rawOps.map((raw, index) => {
    const o = isPlainObject(raw) ? raw : {}
    const method = typeof field(o, 'method') === 'string' ? (field(o, 'method') as string).toUpperCase() : ''
    const bulkId = field(o, 'bulkId')
    const version = field(o, 'version')
    const path = field(o, 'path')
    return {
      index,
      method,
      ...(typeof bulkId === 'string' ? { bulkId } : {}),
      ...(typeof version === 'string' ? { version } : {}),
      path: typeof path === 'string' ? path : '',
      data: field(o, 'data'),
    }
  })

  const defined = new Set(ops.filter((o) => o.method === 'POST' && o.bulkId).map((o) => o.bulkId!))
  const ids = new Map<string, string>()
  const results = new Array<Record<string, unknown> | undefined>(ops.length)
  let errors = 0
  let pending = ops.slice()

  const record = (op: BulkOperation, res: ScimResponse) => {
    const out: Record<string, unknown> = { method: op.method }
    if (op.bulkId !== undefined) out['bulkId'] = op.bulkId
    const etag = getHeader(res.headers, 'ETag')
    if (etag) out['version'] = etag
    const resBody = isPlainObject(res.body) ? res.body : undefined
    const ok = res.status < 400
    const meta = resBody && isPlainObject(resBody['meta']) ? (resBody['meta'] as Record<string, unknown>) : undefined
    const location = getHeader(res.headers, 'Location') ?? (typeof meta?.['location'] === 'string' ? (meta['location'] as string) : undefined)
    if (ok && location) out['location'] = location
    else if (ok && op.method === 'DELETE') out['location'] = `${req.base}${op.path.startsWith('/') ? '' : '/'}${op.path}`
    out['status'] = String(res.status)
    if (!ok && resBody) out['response'] = resBody
    results[op.index] = out
    if (!ok) errors++
    if (ok && op.method === 'POST' && op.bulkId && resBody && typeof resBody['id'] === 'string') ids.set(op.bulkId, resBody['id'])
  }

  while (pending.length > 0 && errors < failOnErrors) {
    const deferred: BulkOperation[] = []
    let progressed = false
    for (const op of pending) {
      if (errors >= failOnErrors) break
      const refs = new Set<string>()
      collectRefs(op.data, refs)
      collectRefs(op.path.split('/').pop(), refs)
      const waiting = [...refs].filter((r) => !ids.has(r))
      if (waiting.some((r) => defined.has(r) && !results[ops.findIndex((o) => o.bulkId === r && o.method === 'POST')])) {
        deferred.push(op)
        continue
      }
      progressed = true
      if (waiting.length > 0) {
        record(op, errorResponse(409, `Unresolved bulkId reference(s): ${waiting.join(', ')}`))
        continue
      }
      record(op, await runOne(ctx, dispatch, op, ids))
    }
    if (!progressed) {
      // Only circular references remain.
      for (const op of deferred) record(op, errorResponse(409, 'Circular bulkId reference'))
      break
    }
    pending = deferred
  }

  return jsonResponse(200, { schemas: [URN.bulkResponse], Operations: results.filter((r) => r !== undefined) })
}

async function runOne(ctx: HookContext, dispatch: Dispatch, op: BulkOperation, ids: Map<string, string>): Promise<ScimResponse> {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method)) {
    return errorResponse(400, `Bulk operation method "${op.method}" is not one of POST, PUT, PATCH, DELETE`, 'invalidSyntax')
  }
  const path = op.path
    .split('/')
    .map((seg) => {
      const m = BULK_REF.exec(seg)
      return m && ids.has(m[1]!) ? encodeURIComponent(ids.get(m[1]!)!) : seg
    })
    .join('/')
  const route = routeOf(path)
  const allowed =
    (route.kind === 'collection' && op.method === 'POST') || (route.kind === 'item' && op.method !== 'POST')
  if (!allowed) return errorResponse(400, `Bulk operation ${op.method} ${op.path} does not address a User or Group endpoint`, 'invalidPath')
  const data = substitute(op.data, ids)
  const headers = op.version && op.method !== 'POST' ? { 'if-match': op.version } : {}
  try {
    return await dispatch({
      ...ctx,
      route,
      req: {
        method: op.method,
        path,
        query: new URLSearchParams(),
        headers,
        body: data,
        bodyText: '',
        base: ctx.req.base,
      },
    })
  } catch (e) {
    if (e instanceof ScimError) return fromScimError(e)
    throw e
  }
}
