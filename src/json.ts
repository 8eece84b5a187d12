/** Plain-JSON helpers shared by the runner, the checks, the profiles and replay. */
export type JsonObject = Record<string, any>

export function isObject(v: unknown): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** A key's value, matched case-insensitively as SCIM attribute names are (RFC 7643 §2.1); the exact spelling wins. */
export function getCI(obj: JsonObject | undefined, key: string): unknown {
  if (!obj) return undefined
  if (key in obj) return obj[key]
  const lower = key.toLowerCase()
  const k = Object.keys(obj).find((n) => n.toLowerCase() === lower)
  return k === undefined ? undefined : obj[k]
}
