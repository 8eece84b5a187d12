import path from 'node:path'

/** Where an input problem is, and what it is. Line and column are 1-based; 0 means "the whole file". */
export interface Located {
  file: string
  line: number
  column: number
  /** Dotted path of the offending field, e.g. `steps[2].action`; empty for the whole document. */
  field: string
  /** What is wrong and what to do, without the location. */
  problem: string
  /** The offending line with a caret line under the column; empty when there is no position. */
  excerpt: string
}

/**
 * An input error that points into a file. `message` is one line:
 * `scenarios/x.yaml:12:7: steps[2].action: unknown action "deactivteUser" (did you mean "deactivateUser"?)`.
 */
export class LocatedError extends Error implements Located {
  override name = 'LocatedError'
  readonly file: string
  readonly line: number
  readonly column: number
  readonly field: string
  readonly problem: string
  readonly excerpt: string

  constructor(where: Located) {
    super(formatLocated(where))
    this.file = where.file
    this.line = where.line
    this.column = where.column
    this.field = where.field
    this.problem = where.problem
    this.excerpt = where.excerpt
  }
}

export type LocatedErrorClass = new (where: Located) => LocatedError

export function formatLocated(where: Omit<Located, 'excerpt'>): string {
  const position = where.line > 0 ? `:${where.line}:${where.column}` : ''
  const field = where.field ? `${where.field}: ` : ''
  return `${displayPath(where.file)}${position}: ${field}${where.problem}`
}

/** Paths inside the working directory are shown relative to it, with forward slashes, so messages read the same everywhere. */
export function displayPath(file: string): string {
  if (path.isAbsolute(file)) {
    const relative = path.relative(process.cwd(), file)
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/')
  }
  return file.split(path.sep).join('/')
}

/** The source line and a caret line under columns [column, column + width). */
export function excerptAt(text: string, line: number, column: number, width = 1): string {
  if (line < 1) return ''
  const source = text.split(/\r?\n/)[line - 1] ?? ''
  // Keep tabs so the caret lines up however the terminal renders them.
  const pad = source.slice(0, column - 1).replace(/[^\t]/g, ' ')
  const span = Math.max(1, Math.min(width, source.length - (column - 1)))
  return `${source}\n${pad}${'^'.repeat(span)}`
}

/**
 * A multi-line rendering for terminals, in the manner of compiler diagnostics:
 *
 *     error: unknown action "deactivteUser" (did you mean "deactivateUser"?)
 *       --> scenarios/x.yaml:12:13 (steps[2].action)
 *        |
 *     12 |     action: deactivteUser
 *        |             ^^^^^^^^^^^^^
 */
export function renderLocatedError(error: Located): string {
  const position = error.line > 0 ? `:${error.line}:${error.column}` : ''
  const head = [`error: ${error.problem}`, `  --> ${displayPath(error.file)}${position}${error.field ? ` (${error.field})` : ''}`]
  if (!error.excerpt) return head.join('\n')
  const [source, caret] = error.excerpt.split('\n')
  const gutter = String(error.line)
  const blank = ' '.repeat(gutter.length)
  return [...head, `${blank} |`, `${gutter} | ${source}`, `${blank} | ${caret}`].join('\n')
}
