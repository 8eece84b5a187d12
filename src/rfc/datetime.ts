/**
 * xsd:dateTime (XML Schema Part 2 §3.2.7), the format RFC 7643 §2.3.5 prescribes. Unlike RFC 3339 (ajv's
 * `date-time`) the time-zone offset is optional, the year may exceed four digits and be negative, and 24:00:00
 * stands for the end of a day.
 */
const XSD_DATETIME = /^(-?(?:[1-9]\d{4,}|\d{4}))-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))?$/

/** Two decimal digits at `i` (the pattern has already checked they are digits). */
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48)

export function isXsdDateTime(v: unknown): boolean {
  // `test`, then the fields read in place: no match array per call (an import walk checks two per resource).
  if (typeof v !== 'string' || !XSD_DATETIME.test(v)) return false
  // After the year (four or more digits, perhaps negative) every field has a fixed width.
  const y = v.indexOf('-', 1)
  const year = Number(v.slice(0, y))
  const month = two(v, y + 1)
  const day = two(v, y + 4)
  const hour = two(v, y + 7)
  const mi = two(v, y + 10)
  const s = two(v, y + 13)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false
  if (mi > 59 || s > 59) return false
  if (hour > 24) return false
  let i = y + 15
  let fracNonZero = false
  if (v.charCodeAt(i) === 46) {
    for (i++; i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57; i++) if (v.charCodeAt(i) !== 48) fracNonZero = true
  }
  if (hour === 24 && (mi !== 0 || s !== 0 || fracNonZero)) return false
  // What is left is nothing, Z, or an offset ±hh:mm.
  if (i < v.length && v[i] !== 'Z') {
    const oh = two(v, i + 1)
    const om = two(v, i + 4)
    if (oh > 14 || om > 59 || (oh === 14 && om !== 0)) return false
  }
  return true
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Milliseconds since the epoch, reading a missing offset as UTC; undefined when not an xsd:dateTime. */
export function dateTimeMillis(v: unknown): number | undefined {
  if (!isXsdDateTime(v)) return undefined
  const s = v as string
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s}Z`
  const t = Date.parse(withZone.replace(/T24:00:00(\.0+)?/, 'T23:59:59.999'))
  return Number.isNaN(t) ? undefined : t
}
