/**
 * The HTML report in a real headless browser: Debian's chromium, driven by playwright-core (which downloads no
 * browser of its own). CI installs chromium in .ci/run; when it is missing this file fails in CI and skips,
 * saying why, on a developer's machine.
 *
 * The screenshot is compared with fixtures/reports/sample.html.png by size and by a coarse luminance grid
 * (16 px blocks), which tolerates font hinting and anti-aliasing but not a lost stylesheet, a collapsed matrix
 * or a page that rendered nothing. Regenerate it after an intended change with
 *     UPDATE_SCREENSHOTS=1 npx vitest run test/report/html-browser.test.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { reporter } from '../../src/report/html/index.js'
import { sampleReport } from './helpers.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
const IN_CI = !!process.env.CI
const SCREENSHOT = new URL('../../fixtures/reports/sample.html.png', import.meta.url)
const VIEWPORT = { width: 1280, height: 1000 }
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none']

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`html-browser: skipped: no chromium at ${CHROMIUM} (install it: apt-get install -y chromium, or set CHROMIUM_PATH); CI installs it and never skips`)
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('html report in headless chromium', () => {
  let browser: Browser
  let dir: string
  let page: Page
  const problems: string[] = []
  const requests: string[] = []

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`chromium not found at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium); the browser test must not be skipped in CI`)
    dir = mkdtempSync(join(tmpdir(), 'scim-check-html-'))
    const file = join(dir, 'report.html')
    writeFileSync(file, reporter.render(sampleReport(), { color: false }))
    const { chromium } = await import('playwright-core')
    // playwright adds --headless and a fresh temporary --user-data-dir itself.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 })
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light', reducedMotion: 'reduce' })
    page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('loads without console errors and asks the network for nothing', () => {
    expect(problems).toEqual([])
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatch(/^file:/)
  })

  it('shows the compliance matrix and the filters', async () => {
    await expect(page.locator('#matrix').isVisible()).resolves.toBe(true)
    const cells = await page.locator('#matrix tbody td').allInnerTexts()
    expect(cells).toEqual(['✗ fail', '? error', '- skip', '✓ pass'])
    await expect(page.locator('#filters').isVisible()).resolves.toBe(true)
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 3 of 12 results')
  })

  it('starts on the problems: failures visible with their evidence, passes hidden', async () => {
    const visible = page.locator('li.result:visible')
    expect(await visible.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['fail', 'warn', 'error'])
    await expect(page.locator('li.result[data-status=fail] pre').first().isVisible()).resolves.toBe(true)
  })

  it('filters by status and by IdP on a click', async () => {
    await page.getByLabel(/pass \(5\)/).click()
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 8 of 12 results')
    await page.locator('select[name=idp]').selectOption('entra')
    const idps = await page.locator('li.result:visible').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-idp')))])
    expect(idps).toEqual(['entra'])
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 3 of 12 results')
    // okta's column in the matrix is dimmed while entra is picked.
    await expect(page.locator('#matrix th[data-col-idp=okta]').getAttribute('class')).resolves.toBe('dim')
    // A matrix cell picks its IdP and shows everything of that cell.
    await page.locator('#matrix a[data-pick-idp=okta]').first().click()
    await expect(page.locator('select[name=idp]').inputValue()).resolves.toBe('okta')
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 9 of 12 results')
    expect(problems).toEqual([])
  })

  it('offers a copy button for each reproduction where a clipboard exists', async () => {
    const copy = page.locator('li.result[data-status=fail] button[data-copy]').first()
    const clipboard = await page.evaluate(() => !!navigator.clipboard)
    await expect(copy.isVisible()).resolves.toBe(clipboard)
    expect(problems).toEqual([])
  })

  it('searches the results by text (id, message, path)', async () => {
    await page.reload({ waitUntil: 'load' })
    await page.locator('input[name=q]').fill('deactivate-active-false')
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 1 of 12 results')
    await page.locator('input[name=q]').fill('')
    await expect(page.locator('#shown').innerText()).resolves.toBe('showing 3 of 12 results')
    expect(problems).toEqual([])
  })

  it('looks like the stored screenshot', async () => {
    await page.reload({ waitUntil: 'load' })
    // Settled: fonts loaded, the filters applied, nothing focused, at the top.
    await page.evaluate(() => document.fonts.ready.then(() => undefined))
    await page.waitForFunction(() => document.getElementById('shown')?.textContent === 'showing 3 of 12 results')
    await page.evaluate(() => {
      ;(document.activeElement as HTMLElement | null)?.blur()
      window.scrollTo(0, 0)
    })
    const shot = await page.screenshot({ fullPage: false, animations: 'disabled', caret: 'hide' })
    if (process.env.UPDATE_SCREENSHOTS || (!existsSync(SCREENSHOT) && !IN_CI)) writeFileSync(SCREENSHOT, shot)
    if (!existsSync(SCREENSHOT)) throw new Error('fixtures/reports/sample.html.png is missing: run UPDATE_SCREENSHOTS=1 npx vitest run test/report/html-browser.test.ts and commit it')
    const now = decodePng(shot)
    const stored = decodePng(readFileSync(SCREENSHOT))
    expect({ width: now.width, height: now.height }).toEqual({ width: stored.width, height: stored.height })
    const a = blocks(now)
    const b = blocks(stored)
    const diffs = a.map((v, i) => Math.abs(v - b[i]))
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length
    const bad = diffs.filter((d) => d > 40).length
    const measured = `mean ${mean.toFixed(2)}, ${bad} of ${diffs.length} blocks changed a lot`
    expect(mean, `mean block luminance difference (0-255): ${measured}`).toBeLessThan(6)
    expect(bad / diffs.length, `share of 16 px blocks that changed a lot: ${measured}`).toBeLessThan(0.03)
    // The page is not blank: it has both ink and colour (status cells, banners).
    expect(Math.min(...a)).toBeLessThan(200)
  })
})

interface Image {
  width: number
  height: number
  /** RGBA, 8 bits per channel. */
  data: Uint8Array
}

/** Average luminance of each 16×16 block. */
function blocks(img: Image, size = 16): number[] {
  const out: number[] = []
  for (let by = 0; by < img.height; by += size) {
    for (let bx = 0; bx < img.width; bx += size) {
      let sum = 0
      let n = 0
      for (let y = by; y < Math.min(by + size, img.height); y++) {
        for (let x = bx; x < Math.min(bx + size, img.width); x++) {
          const i = (y * img.width + x) * 4
          sum += 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2]
          n++
        }
      }
      out.push(sum / n)
    }
  }
  return out
}

/** Enough of PNG for chromium's screenshots: 8-bit RGB or RGBA, not interlaced. */
function decodePng(buf: Buffer): Image {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let pos = 8
  let width = 0
  let height = 0
  let colorType = 0
  const idat: Buffer[] = []
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos)
    const type = buf.toString('latin1', pos + 4, pos + 8)
    const data = buf.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      colorType = data[9]
      if (data[8] !== 8 || data[12] !== 0 || (colorType !== 2 && colorType !== 6)) throw new Error(`unsupported PNG (bit depth ${data[8]}, colour type ${colorType}, interlace ${data[12]})`)
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    pos += 12 + len
  }
  const channels = colorType === 6 ? 4 : 3
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const pixels = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels] : 0
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0
      let v = line[x]
      if (filter === 1) v += left
      else if (filter === 2) v += up
      else if (filter === 3) v += (left + up) >> 1
      else if (filter === 4) {
        const p = left + up - upLeft
        const pa = Math.abs(p - left)
        const pb = Math.abs(p - up)
        const pc = Math.abs(p - upLeft)
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
      }
      pixels[y * stride + x] = v & 0xff
    }
  }
  if (channels === 4) return { width, height, data: pixels }
  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
    rgba[j] = pixels[i]
    rgba[j + 1] = pixels[i + 1]
    rgba[j + 2] = pixels[i + 2]
    rgba[j + 3] = 255
  }
  return { width, height, data: rgba }
}
