// SCIMMY (npm `scimmy` + `scimmy-routers`) as a real third-party SCIM server for the test suite.
//
// The glue is only what SCIMMY's documentation asks an implementer to supply: storage (ingress/egress/degress
// handlers, written after the handler examples in SCIMMY's `Types.Resource` docs) and the token check (the
// `handler` of SCIMMYRouters). Everything on the wire, including every deviation scim-check reports, is SCIMMY's own.
// Do not "fix" SCIMMY's protocol behaviour here: that would hide exactly what the SCIMMY test exists to show.
//
// Choices, each from SCIMMY's docs or what any storage behind it does:
// - User and Group are declared as in SCIMMY's "Basic usage"; the Enterprise User extension is only shown there as
//   an optional extra ("Extending Resource Types"), so it is not declared.
// - Storage assigns `id` and keeps `meta.created`/`meta.lastModified`, as any database behind SCIMMY would; a write
//   that changes nothing keeps lastModified (SCIMMY calls ingress for every PATCH, changed or not).
// - userName uniqueness is the storage's unique constraint, answered with the 409 `uniqueness` error that SCIMMY's
//   IngressHandler example throws; SCIMMY itself does not look at other resources.
// - Lists are filtered with SCIMMY's own `Types.Filter#match` (`resource.filter`); sorting and paging are left to
//   SCIMMY's ListResponse, which applies `resource.constraints` itself.
// - User.groups, declared by SCIMMY's User schema as read-only and derived, is derived by storage from the groups.
// - Unknown ids throw `SCIMMY.Types.Error(404, …)`, as the handler examples do.
// - `handler` returns no user id: a bearer token is not a SCIM User, so /Me is SCIMMY's 501, as its docs describe.
//
// SCIMMY keeps declared resources in a process-wide singleton, so the handlers are declared once and find the
// store of the server that received the request through SCIMMYRouters' `context`, letting several servers coexist.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import express from 'express'
import SCIMMY from 'scimmy'
import SCIMMYRouters from 'scimmy-routers'

type Stored = Record<string, unknown> & { id: string; meta: { created: string; lastModified: string } }
interface Store {
  Users: Map<string, Stored>
  Groups: Map<string, Stored>
}
interface Ctx {
  store: Store
}
interface ScimmyResource {
  id?: string
  filter?: { match(values: unknown[]): unknown[] }
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v

const notFound = (id: string | undefined) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`)

// User.groups is declared by SCIMMY's User schema as read-only and derived; SCIMMY leaves deriving it to storage.
function groupsOf(store: Store, userId: string) {
  const out: Array<{ value: string; display?: unknown; type: string }> = []
  for (const g of store.Groups.values()) {
    const members = Array.isArray(g.members) ? (g.members as Array<{ value?: unknown }>) : []
    if (members.some((m) => m?.value === userId)) out.push({ value: g.id, display: g.displayName, type: 'direct' })
  }
  return out
}

function handlers(kind: keyof Store) {
  const view = (r: Stored, store: Store) => (kind === 'Users' ? { ...structuredClone(r), groups: groupsOf(store, r.id) } : structuredClone(r))
  return {
    ingress: (resource: ScimmyResource, instance: unknown, ctx: Ctx) => {
      const table = ctx.store[kind]
      // The instance SCIMMY hands over is its coerced Schema object; storage keeps plain JSON.
      const data = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>
      delete data.id
      delete data.meta
      if (kind === 'Users') {
        const userName = String(data.userName ?? '').toLowerCase()
        for (const other of table.values()) {
          if (other.id !== resource.id && String(other.userName ?? '').toLowerCase() === userName) {
            throw new SCIMMY.Types.Error(409, 'uniqueness', 'userName is not unique')
          }
        }
      }
      const now = new Date().toISOString()
      if (resource.id) {
        const existing = table.get(resource.id)
        if (!existing) throw notFound(resource.id)
        // A write that changes nothing keeps its timestamp: SCIMMY hands every PATCH to ingress, changed or not.
        const { id: _id, meta, ...before } = existing
        const unchanged = JSON.stringify(sortKeys(before)) === JSON.stringify(sortKeys(data))
        const updated: Stored = { ...data, id: resource.id, meta: { created: meta.created, lastModified: unchanged ? meta.lastModified : now } }
        table.set(resource.id, updated)
        return view(updated, ctx.store)
      }
      const created: Stored = { ...data, id: randomUUID(), meta: { created: now, lastModified: now } }
      table.set(created.id, created)
      return view(created, ctx.store)
    },
    egress: (resource: ScimmyResource, ctx: Ctx) => {
      const table = ctx.store[kind]
      if (resource.id) {
        const found = table.get(resource.id)
        if (!found) throw notFound(resource.id)
        return view(found, ctx.store)
      }
      const all = [...table.values()].map((r) => view(r, ctx.store))
      return resource.filter ? resource.filter.match(all) : all
    },
    degress: (resource: ScimmyResource, ctx: Ctx) => {
      if (!resource.id || !ctx.store[kind].delete(resource.id)) throw notFound(resource.id)
    },
  }
}

let declared = false
function declareOnce(): void {
  if (declared) return
  SCIMMY.Resources.declare(SCIMMY.Resources.User, handlers('Users') as never)
  SCIMMY.Resources.declare(SCIMMY.Resources.Group, handlers('Groups') as never)
  declared = true
}

export interface ScimmyServer {
  /** Base URL of the SCIM service, ending in /scim/v2. */
  url: string
  close(): Promise<void>
}

export async function startScimmy({ token }: { token: string }): Promise<ScimmyServer> {
  declareOnce()
  const store: Store = { Users: new Map(), Groups: new Map() }
  const app = express()
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: { header(name: string): string | undefined }) => {
        if (req.header('Authorization') !== `Bearer ${token}`) throw new Error('Authorization failed')
        return undefined as unknown as string
      },
      context: (): Ctx => ({ store }),
    }) as never,
  )
  // SCIMMYRouters answers a 5xx itself and then passes the error on; express would print it. The answer is sent.
  app.use((err: unknown, _req: unknown, res: { headersSent: boolean }, next: (e?: unknown) => void) => {
    if (!res.headersSent) next(err)
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/scim/v2`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}
