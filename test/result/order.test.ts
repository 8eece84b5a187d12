import { describe, expect, it } from 'vitest'
import { naturalCompare } from '../../src/result/summary.js'

describe('naturalCompare (compliance section order)', () => {
  it('orders section labels as a numeric collator does', () => {
    const labels = ['RFC 7644 Table 6', 'RFC 7644 §3.10', 'okta behaviour', 'RFC 7643 §10', 'RFC 7644 §3.9', 'RFC 7643 §2.3.8', 'scenario expectations', 'RFC 7644 §3.5.2', 'RFC 7644 §3.5', 'entra behaviour']
    const collator = new Intl.Collator('en', { numeric: true })
    expect([...labels].sort(naturalCompare)).toEqual([...labels].sort(collator.compare))
    expect([...labels].sort(naturalCompare)).toEqual([
      'entra behaviour',
      'okta behaviour',
      'RFC 7643 §2.3.8',
      'RFC 7643 §10',
      'RFC 7644 §3.5',
      'RFC 7644 §3.5.2',
      'RFC 7644 §3.9',
      'RFC 7644 §3.10',
      'RFC 7644 Table 6',
      'scenario expectations',
    ])
  })
})
