import type { Store } from '../../src/server/index.js'

/**
 * Other people's data: what a real tenant holds before scim-check arrives. Ordinary employees, users whose names
 * look exactly like the tool's own (`scimcheck-<8 hex>-…`) but come from another run or another person, and groups
 * the run's users could plausibly be put into (one of them named like the tool's groups too).
 */
export interface Seeded {
  users: string[]
  groups: string[]
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

export function seed(store: Store): Seeded {
  const user = (userName: string, given: string, family: string, active = true) =>
    store.createUser({
      schemas: [USER],
      userName,
      name: { givenName: given, familyName: family },
      emails: [{ value: userName.includes('@') ? userName : `${userName}@example.com`, type: 'work', primary: true }],
      active,
      externalId: `ext-${userName}`,
    }).id
  const users = [
    user('ada.lovelace@example.com', 'Ada', 'Lovelace'),
    user('grace.hopper@example.com', 'Grace', 'Hopper'),
    user('alan.turing@example.com', 'Alan', 'Turing', false),
    // Prefix look-alikes: the tool's unique names have exactly this shape, but these are not from this run.
    user('scimcheck-0123abcd-gen-create-1@example.com', 'Kolomo', 'Tenlono'),
    user('scimcheck-deadbeef-okt-create-1@example.com', 'Mira', 'Sol'),
    user('scimcheck-ffffffff-gen-hostile-life-1@example.com', 'Tova', 'Lind'),
  ]
  const groups = [
    store.createGroup({ schemas: [GROUP], displayName: 'Engineering', members: [{ value: users[0] }, { value: users[1] }] }).id,
    store.createGroup({ schemas: [GROUP], displayName: 'Everyone', members: users.map((value) => ({ value })) }).id,
    // A group named like the tool's own, that the run's users could be pushed into.
    store.createGroup({ schemas: [GROUP], displayName: 'scimcheck-0123abcd-gen-hostile-life-group-1', members: [{ value: users[3] }] }).id,
    store.createGroup({ schemas: [GROUP], displayName: 'Empty group', members: [] }).id,
  ]
  return { users, groups }
}

/** Each seeded resource as the server renders it now, as JSON text, to compare byte for byte. */
export function snapshot(store: Store, seeded: Seeded): Record<string, string> {
  const out: Record<string, string> = {}
  for (const id of seeded.users) out[`User ${id}`] = JSON.stringify(store.getUser(id) ?? null)
  for (const id of seeded.groups) out[`Group ${id}`] = JSON.stringify(store.getGroup(id) ?? null)
  return out
}

/** Ids in the store that are not seeded: what the run created and did not clean up. */
export function strangers(store: Store, seeded: Seeded): string[] {
  const known = new Set([...seeded.users, ...seeded.groups])
  return [
    ...store.listUsers().filter((u) => !known.has(u.id)).map((u) => `User ${u.id} ${String(u.userName)}`),
    ...store.listGroups().filter((g) => !known.has(g.id)).map((g) => `Group ${g.id} ${String(g.displayName)}`),
  ]
}
