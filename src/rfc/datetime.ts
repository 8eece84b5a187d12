/**
 * xsd:dateTime (XML Schema Part 2 §3.2.7), the format RFC 7643 §2.3.5 prescribes. Unlike RFC 3339 (ajv's
 * `date-time`) the time-zone offset is optional, the year may exceed four digits and be negative, and 24:00:00
 * stands for the end of a day.
 */
const XSD_DATETIME = /^(-?(?:[1-9]\d{4,}|\d{4}))-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))?$/

export function isXsdDateTime(v: unknown): boolean {
  if (typeof v !== 'string') return false
  const m = XSD_DATETIME.exec(v)
  if (!m) return false
  const [, y, mo, d, h, mi, s, frac, , oh, om] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false
  if (Number(mi) > 59 || Number(s) > 59) return false
  const hour = Number(h)
  if (hour > 24) return false
  if (hour === 24 && (Number(mi) !== 0 || Number(s) !== 0 || (frac !== undefined && /[1-9]/.test(frac)))) return false
  if (oh !== undefined && (Number(oh) > 14 || Number(om) > 59 || (Number(oh) === 14 && Number(om) !== 0))) return false
  return true
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Milliseconds since the epoch, reading a missing offset as UTC; undefined when not an xsd:dateTime. */
export function dateTimeMillis(v: unknown): number | undefined {
  if (!isXsdDateTime(v)) return undefined
  const s = v as string
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s}Z`
  const t = Date.parse(withZone.replace(/T24:00:00(\.0+)?/, 'T23:59:59.999'))
  return Number.isNaN(t) ? undefined : t
}
