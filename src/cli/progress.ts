import type { Progress } from '../runner/run.js'

/** "scenario n of m, current step" on one rewritten line on a TTY; plain lines (only when asked) elsewhere. */
export function progressPrinter(out: NodeJS.WriteStream, tty: boolean): { update: (p: Progress) => void; done: () => void } {
  let last = { index: 0, total: 0, idp: '', scenario: '' }
  let wrote = false
  return {
    update(p) {
      if (p.total) last = { index: p.index, total: p.total, idp: p.idp, scenario: p.scenario }
      const line = `[${last.index}/${last.total}] ${last.idp} · ${last.scenario}${p.step ? ` · ${p.step}` : ''}`
      if (tty) {
        out.write(`\r\x1b[2K${line.slice(0, (out.columns || 80) - 1)}`)
        wrote = true
      } else if (p.total) out.write(`${line}\n`)
    },
    done() {
      if (tty && wrote) out.write('\r\x1b[2K')
    },
  }
}
