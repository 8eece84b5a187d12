/**
 * Recorded values → the values this replay produced: ids of resources created again, and the ETags their
 * responses carried. A recorded request is rewritten through the map before it is sent, so "PATCH /Users/<id
 * the old server gave>" becomes "PATCH /Users/<id the new server gave>".
 */

import { segment } from '../http/segment.js'

/** Below this length an id is only replaced where it stands alone (a path segment, a whole JSON string). */
const MIN_EMBEDDED = 8

export class ValueMap {
  private map = new Map<string, string>()

  set(recorded: string, replayed: string): void {
    if (recorded && replayed && recorded !== replayed) this.map.set(recorded, replayed)
  }

  get(recorded: string): string | undefined {
    return this.map.get(recorded)
  }

  has(recorded: string): boolean {
    return this.map.has(recorded)
  }

  /** Every recorded value, longest first, so an id that contains another is replaced whole. */
  private embedded(): [string, string][] {
    return [...this.map].filter(([k]) => k.length >= MIN_EMBEDDED).sort((a, b) => b[0].length - a[0].length)
  }

  /** A string: replaced when it is a recorded value, or recorded values inside it when they are long enough. */
  text(s: string): string {
    const whole = this.map.get(s)
    if (whole !== undefined) return whole
    let out = s
    for (const [from, to] of this.embedded()) if (out.includes(from)) out = out.split(from).join(to)
    return out
  }

  /** A JSON value, deeply: strings only (keys and numbers are left alone). */
  json(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v)
    if (Array.isArray(v)) return v.map((x) => this.json(x))
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.json(x)]))
    return v
  }

  /** A path with its query: each path segment that is a recorded id (once decoded) is replaced; the query in its encoded form. */
  path(pathAndQuery: string): string {
    const q = pathAndQuery.indexOf('?')
    const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
    const query = q < 0 ? undefined : pathAndQuery.slice(q + 1)
    const segments = path.split('/').map((seg) => {
      let decoded: string
      try {
        decoded = decodeURIComponent(seg)
      } catch {
        return seg
      }
      const to = this.map.get(decoded)
      // The new target's id, as one segment (refused when it cannot be one: UnsafeSegment).
      return to === undefined ? seg : segment(to, 'the id the replay target gave')
    })
    return query === undefined ? segments.join('/') : `${segments.join('/')}?${this.query(query)}`
  }

  /** An encoded query string: recorded values are replaced in encoded form, keeping the recording's encoding style. */
  query(raw: string): string {
    let out = raw
    for (const [from, to] of this.embedded()) {
      for (const [a, b] of [
        [encodeURIComponent(from), encodeURIComponent(to)],
        [from, to],
      ]) {
        if (out.includes(a)) out = out.split(a).join(b)
      }
    }
    return out
  }

  /**
   * A request body as recorded: JSON is rewritten value by value (re-serialised compactly only when something
   * changed, so an untouched body goes out byte for byte); other text is rewritten in place.
   */
  body(text: string): string {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return this.text(text)
    }
    const before = JSON.stringify(parsed)
    const after = JSON.stringify(this.json(parsed))
    return after === before ? text : after
  }

  get size(): number {
    return this.map.size
  }
}
