/**
 * The data each load user gets, as small functions of the run prefix and the user's number. `scim-check load`
 * calls them, and `--export artillery` writes their source into the processor, so both send the same values.
 */
export const USER_FIELDS = {
  userName: (p: string, i: number) => `${p}u${i}@example.com`,
  externalId: (p: string, i: number) => `${p}x${i}`,
  givenName: (_p: string, _i: number) => 'Load',
  familyName: (_p: string, i: number) => `User ${i}`,
  displayName: (_p: string, i: number) => `Load User ${i}`,
  email: (p: string, i: number) => `${p}u${i}@example.com`,
}

export const GROUP_FIELDS = {
  displayName: (p: string, g: number) => `${p}g${g}`,
  externalId: (p: string, g: number) => `${p}gx${g}`,
}

export function userArgs(prefix: string, i: number): Record<keyof typeof USER_FIELDS, string> {
  return Object.fromEntries(Object.entries(USER_FIELDS).map(([k, f]) => [k, f(prefix, i)])) as Record<keyof typeof USER_FIELDS, string>
}
