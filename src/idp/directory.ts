import type { ActionContext } from './types.js'
import { flattenChanges, getPath, type Mapping } from './mapping.js'
import { resourcePath } from './wire.js'

export type NeutralUser = Record<string, unknown> & { custom?: Record<string, unknown> }

/**
 * What an IdP that renders whole users from its own directory (OneLogin's SCIM JSON template, Ping's attribute
 * mapping) knows of each user it provisioned, by SCIM id. Such an IdP sends its own values on every PUT, never the
 * server's, so a profile replaying it must remember what it sent rather than read the resource back.
 */
export class IdpDirectory {
  private users = new Map<string, NeutralUser>()

  /** After a create: the neutral attributes the IdP holds for this user. */
  remember(id: string, attrs: NeutralUser): void {
    this.users.set(id, structuredClone(attrs))
  }

  get(id: string): NeutralUser | undefined {
    const u = this.users.get(id)
    return u && structuredClone(u)
  }

  /** Apply neutral changes (`givenName`, `custom.spendLimit` or `custom: {...}`) and return the whole user after them. */
  change(id: string, changes: unknown): NeutralUser | undefined {
    const u = this.users.get(id)
    if (!u) return undefined
    for (const [k, v] of Object.entries(flattenChanges(changes))) {
      if (k.startsWith('custom.')) u.custom = { ...(u.custom ?? {}), [k.slice(7)]: v }
      else u[k] = v
    }
    return structuredClone(u)
  }

  forget(id: string): void {
    this.users.delete(id)
  }

  /**
   * The IdP's values for a user, or, for a user this run did not create (`scim-check send`, a raw-request step),
   * the server's current values read once with GET /Users/{id} and taken as the IdP's from then on.
   */
  async values(ctx: ActionContext, id: string): Promise<NeutralUser> {
    const known = this.get(id)
    if (known) return known
    const x = await ctx.send({ method: 'GET', path: resourcePath('Users', id) })
    const json = x.response?.status === 200 ? (x.response.json as Record<string, any> | undefined) : undefined
    if (!json || typeof json !== 'object') throw unknownUser(ctx.idp, id)
    const user = neutralOf(json, ctx.mapping, ctx.custom.urn)
    this.remember(id, user)
    return user
  }
}

/** A SCIM User as the server returned it, back in the neutral vocabulary under a mapping. */
export function neutralOf(resource: Record<string, any>, mapping: Mapping, customUrn: string): NeutralUser {
  const user: NeutralUser = {}
  for (const [name, path] of Object.entries(mapping)) {
    const v = getPath(resource, path)
    if (v === undefined || v === null) continue
    user[name] = name === 'manager' && typeof v === 'object' ? (v as { value?: unknown }).value : v
  }
  const custom = Object.entries(resource).find(([k]) => k.toLowerCase() === customUrn.toLowerCase())?.[1]
  if (custom && typeof custom === 'object' && !Array.isArray(custom)) user.custom = { ...(custom as Record<string, unknown>) }
  return user
}

/** The error a profile raises when asked to update a user it never provisioned (so it has no values to render). */
export function unknownUser(idp: string, id: unknown): Error {
  return new Error(`${idp} renders every update from its own values of the user, and user ${String(id)} could not be read (GET /Users/${String(id)} did not answer 200 with the user)`)
}
