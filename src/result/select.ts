import { UsageError } from '../errors.js'
import type { Result, Source } from './types.js'

/**
 * `--checks` and `--skip-checks`: which results a run keeps. A pattern is a check id (`patch.op-case`), an area
 * (`patch`), a glob (`idp.entra.*`), or an RFC section prefix (`7644§3.5.2`, `RFC 7644 §3.5.2`). Step expectations
 * of scenarios (`create.create.status`) are ids like any other.
 */
export interface Selection {
  checks?: string[]
  skipChecks?: string[]
}

type Matcher = (id: string, source: Source) => boolean

function matcher(pattern: string): Matcher {
  const p = pattern.trim()
  const section = /^(?:RFC\s*)?(\d{4})\s*§?\s*(\d[\d.]*)?$/i.exec(p.replace(/\s+/g, ' '))
  if (section && (p.includes('§') || /^RFC/i.test(p) || section[2] === undefined)) {
    const rfcNo = Number(section[1])
    const prefix = section[2]
    return (_id, source) => 'rfc' in source && source.rfc === rfcNo && (!prefix || sectionStartsWith(source.section, prefix))
  }
  if (p.includes('*')) {
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
    return (id) => re.test(id)
  }
  // An exact id, or an area (everything under `patch.`).
  return (id) => id === p || id.startsWith(`${p}.`)
}

/** "§3.5.2.1" starts with "3.5.2" at a dot boundary; "§3.5.20" does not. */
function sectionStartsWith(section: string, prefix: string): boolean {
  const s = section.replace(/^§\s*/, '').split(/[\s,;]/)[0]
  return s === prefix || s.startsWith(`${prefix}.`)
}

/** Fail before any request when a pattern selects nothing that exists, naming the closest real id. */
export function checkSelection(sel: Selection, known: { id: string; source: Source }[]): void {
  for (const [flag, list] of [['--checks', sel.checks], ['--skip-checks', sel.skipChecks]] as const) {
    for (const pattern of list ?? []) {
      const m = matcher(pattern)
      if (known.some((k) => m(k.id, k.source))) continue
      const near = known.map((k) => k.id).find((id) => id.startsWith(pattern.split(/[.*§ ]/)[0]))
      throw new UsageError(`${flag} "${pattern}" matches no check${near ? ` (e.g. ${near})` : ''}; see scim-check list checks`)
    }
  }
}

/** The results the selection keeps. */
export function select(results: Result[], sel: Selection): Result[] {
  const include = sel.checks?.length ? sel.checks.map(matcher) : undefined
  const exclude = (sel.skipChecks ?? []).map(matcher)
  if (!include && !exclude.length) return results
  return results.filter((r) => (!include || include.some((m) => m(r.id, r.source))) && !exclude.some((m) => m(r.id, r.source)))
}
