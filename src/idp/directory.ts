import { flattenChanges } from './mapping.js'

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
}

/** The error a profile raises when asked to update a user it never provisioned (so it has no values to render). */
export function unknownUser(idp: string, id: unknown): Error {
  return new Error(`${idp} renders every update from its own directory, and this run did not create user ${String(id)} with createUser; create it in the same scenario first`)
}
