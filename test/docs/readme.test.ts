/** The README's tables are the code's: a change to checks, options or profiles that did not regenerate them fails here. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { README, SECTIONS, renderReadme } from '../../src/docs/readme.js'

describe('README', () => {
  it('has every generated table as the code writes it (run `npm run readme` after changing checks, options or profiles)', async () => {
    const text = readFileSync(README, 'utf8')
    for (const name of Object.keys(SECTIONS)) expect(text).toContain(`<!-- generated:${name} -->`)
    expect(await renderReadme(text)).toBe(text)
  })
  it('carries no stray tool output', () => {
    expect(readFileSync(README, 'utf8')).not.toMatch(/^npm (warn|WARN|notice)/m)
  })
})
