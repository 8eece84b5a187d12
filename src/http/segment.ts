/** A server-supplied value that cannot stand as one path segment: scim-check refuses to build the path. */
export class UnsafeSegment extends Error {
  override name = 'UnsafeSegment'
}

/** Longer than any id a server hands out; a longer value is more likely a body or a URL pasted where an id belongs. */
const MAX_SEGMENT = 1024

/**
 * One path segment from a value the server (or a saved response) supplied, percent-encoded, so an id with '/', '?',
 * '#', spaces or non-ASCII characters addresses exactly that resource. A value that cannot be one segment (empty,
 * "." or "..", control characters, absurdly long) is refused: sent, it would address a different resource.
 */
export function segment(value: unknown, what = 'id'): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new UnsafeSegment(`refused to build a path from ${what} ${JSON.stringify(value)}: not a string`)
  const v = String(value)
  if (v === '') throw new UnsafeSegment(`refused to build a path from an empty ${what}: it cannot be one path segment (the path would address the whole collection)`)
  if (v === '.' || v === '..') throw new UnsafeSegment(`refused to build a path from ${what} ${JSON.stringify(v)}: it cannot be one path segment (a "." or ".." path segment would address the collection or its parent)`)
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new UnsafeSegment(`refused to build a path from ${what} ${JSON.stringify(v)}: it contains control characters`)
  if (v.length > MAX_SEGMENT) throw new UnsafeSegment(`refused to build a path from ${what} of ${v.length} characters: longer than ${MAX_SEGMENT}, it is not an id`)
  return encodeURIComponent(v)
}
