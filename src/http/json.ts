import { detached } from './retention.js'

/** JSON parsing that a hostile server cannot turn into a crash: strict UTF-8, and nesting capped before parsing. */
export type ParsedBody = { ok: true; value: unknown; text: string } | { ok: false; error: string; text: string }

const decoder = new TextDecoder('utf-8', { fatal: true })

export function parseJsonCapped(raw: Uint8Array, maxDepth: number): ParsedBody {
  let text: string
  try {
    text = decoder.decode(raw)
  } catch {
    return { ok: false, error: 'body is not valid UTF-8 (RFC 7644 §3.8 requires UTF-8)', text: Buffer.from(raw).toString('utf8') }
  }
  if (text.trim() === '') return { ok: false, error: 'empty body', text }
  const depth = nestingDepth(text, maxDepth)
  if (depth > maxDepth) return { ok: false, error: `JSON nested deeper than ${maxDepth} levels (cap: --max-json-depth); not parsed`, text: detached(text, 2048) }
  try {
    return { ok: true, value: JSON.parse(text), text }
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message.split('\n')[0]}`, text }
  }
}

/** Depth of [ and { nesting outside strings, stopping early once past the cap. */
function nestingDepth(text: string, cap: number): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth
        if (max > cap) return max
      }
    } else if (c === 125 || c === 93) depth--
  }
  return max
}
