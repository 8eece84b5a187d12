import { getCI } from '../json.js'
/**
 * Partial matching for scenario expectations: objects match when every expected key matches (attribute names
 * case-insensitively, as SCIM attribute names are), arrays when every expected element matches some actual
 * element, and the words `absent` / `present` stand for "no value" and "some value".
 */
export interface Mismatch {
  path: string
  expected: string
  actual: string
}

export function match(expected: unknown, actual: unknown, path = ''): Mismatch | undefined {
  if (expected === 'absent') return actual === undefined || actual === null ? undefined : miss(path, 'absent', actual)
  if (expected === 'present') return actual === undefined || actual === null ? miss(path, 'present', actual) : undefined
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return miss(path, 'an array', actual)
    for (let i = 0; i < expected.length; i++) {
      if (!actual.some((a) => match(expected[i], a) === undefined)) return miss(`${path}[${i}]`, show(expected[i]), actual)
    }
    return undefined
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return miss(path, 'an object', actual)
    for (const [k, v] of Object.entries(expected)) {
      const mm = match(v, getCI(actual as Record<string, unknown>, k), path ? `${path}.${k}` : k)
      if (mm) return mm
    }
    return undefined
  }
  return expected === actual ? undefined : miss(path, show(expected), actual)
}


function miss(path: string, expected: string, actual: unknown): Mismatch {
  return { path: path || '(body)', expected, actual: actual === undefined ? '(absent)' : show(actual) }
}

export function show(v: unknown): string {
  const s = JSON.stringify(v)
  if (s === undefined) return String(v)
  return s.length > 160 ? `${s.slice(0, 160)}…` : s
}
