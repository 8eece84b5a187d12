import { createRequire } from 'node:module'
import type { Document, LineCounter, Node, Pair, YAMLError } from 'yaml'
import { excerptAt, type LocatedError, type LocatedErrorClass } from './errors.js'

// The YAML library (about 70 modules) is loaded when a file is first parsed: a run of the precompiled built-in
// scenarios without a config file never needs it.
const require = createRequire(import.meta.url)
let lib: typeof import('yaml') | undefined
const yaml = () => (lib ??= require('yaml') as typeof import('yaml'))

export type PathSegment = string | number
export type JsonPath = readonly PathSegment[]

/** `steps[2].expect.headers.content-type`, `mapping.okta["user.mobilePhone"]`. */
export function formatPath(path: JsonPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

export interface Position {
  line: number
  column: number
  /** How many characters the offending token spans on its line. */
  width: number
}

export interface PointAt {
  /** Point at the field name rather than its value (unknown fields, duplicate keys). */
  where?: 'key' | 'value'
  /** A piece of the scalar's source to point at exactly, e.g. one `{{ expr }}` inside a longer string. */
  needle?: string
}

const SYNTAX_HINTS: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'quote the value if it contains ": "',
  MISSING_CHAR: 'close the quote or bracket',
  BAD_INDENT: 'check the indentation',
  BAD_DQ_ESCAPE: 'fix the escape, or use single quotes',
  UNEXPECTED_TOKEN: 'check the indentation and quoting',
  MULTILINE_IMPLICIT_KEY: 'check the indentation and quoting',
}

/**
 * One YAML document with source positions: its plain value, and a way to turn a JSON path into
 * `file:line:column` plus an excerpt. Every problem found while parsing becomes an `ErrorClass`.
 */
export class YamlSource {
  private constructor(
    readonly text: string,
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly ErrorClass: LocatedErrorClass,
  ) {}

  static parse(text: string, file: string, ErrorClass: LocatedErrorClass): YamlSource {
    const lines = new (yaml().LineCounter)()
    const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
    const partial = new YamlSource(text, file, undefined, doc, lines, ErrorClass)
    if (doc.errors.length > 0) throw partial.syntaxError(doc.errors)
    partial.rejectUnquotedTemplates()
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: 100 })
    } catch (error) {
      throw partial.aliasError(error)
    }
    return new YamlSource(text, file, value, doc, lines, ErrorClass)
  }

  /** An error pointing at `path` (or the deepest part of it that exists). */
  error(path: JsonPath, problem: string, at: PointAt = {}): LocatedError {
    const { line, column, width } = this.position(path, at)
    return new this.ErrorClass({ file: this.file, line, column, field: formatPath(path), problem, excerpt: excerptAt(this.text, line, column, width) })
  }

  /** The line of the node at `path`, e.g. where a step starts. */
  line(path: JsonPath): number {
    return this.position(path).line
  }

  position(path: JsonPath, at: PointAt = {}): Position {
    const { node, pair, complete } = this.find(path)
    // Collections, missing values and unknown fields are shown by their key: that is the line the author wrote.
    const atKey = !complete || at.where === 'key' || !(yaml().isScalar(node) || yaml().isAlias(node))
    const target = atKey ? ((pair?.key as Node | undefined) ?? node) : node
    return this.positionOf(target, complete && target === node ? at.needle : undefined)
  }

  private positionOf(node: Node | null | undefined, needle?: string): Position {
    const range = node?.range
    if (!range) return { line: 1, column: 1, width: 1 }
    let start = range[0]
    let width = Math.max(1, range[1] - range[0])
    if (needle) {
      const index = this.text.slice(range[0], range[1]).indexOf(needle)
      if (index >= 0) {
        start += index
        width = needle.length
      }
    }
    const { line, col } = this.lines.linePos(start)
    const endOfLine = this.text.indexOf('\n', start)
    if (endOfLine >= 0) width = Math.min(width, endOfLine - start)
    return { line, column: col, width: Math.max(1, width) }
  }

  private find(path: JsonPath): { node?: Node | null; pair?: Pair; complete: boolean } {
    let node = this.doc.contents as Node | null
    let pair: Pair | undefined
    for (const segment of path) {
      if (yaml().isAlias(node)) node = node.resolve(this.doc) ?? null
      if (yaml().isMap(node)) {
        const next = node.items.find((item) => keyText(item.key) === String(segment))
        if (!next) return { node, pair, complete: false }
        pair = next
        node = next.value as Node | null
      } else if (yaml().isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        pair = undefined
        node = node.items[segment] as Node | null
      } else return { node, pair, complete: false }
    }
    return { node, pair, complete: true }
  }

  /** The path of the innermost key or item whose source contains `offset`. */
  private pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = []
    let node = this.doc.contents as Node | null
    for (;;) {
      if (yaml().isMap(node)) {
        const pair = node.items.find((item) => within(offset, (item.key as Node | null)?.range?.[0], (item.value as Node | null)?.range?.[2] ?? (item.key as Node | null)?.range?.[2]))
        if (!pair) return path
        path.push(keyText(pair.key) ?? '?')
        node = pair.value as Node | null
      } else if (yaml().isSeq(node)) {
        const index = node.items.findIndex((item) => within(offset, (item as Node | null)?.range?.[0], (item as Node | null)?.range?.[2]))
        if (index < 0) return path
        path.push(index)
        node = node.items[index] as Node | null
      } else return path
    }
  }

  private syntaxError(errors: YAMLError[]): LocatedError {
    const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0]
    // Only a duplicate key sits in a well-formed tree; elsewhere the tree is broken, so no field is named.
    const path = first.code === 'DUPLICATE_KEY' ? this.pathAt(first.pos[0]) : []
    const { line, col } = this.lines.linePos(first.pos[0])
    let problem: string
    if (first.code === 'DUPLICATE_KEY') {
      problem = `duplicate key \`${path[path.length - 1] ?? '?'}\`: a key may appear once per mapping; remove or merge one`
    } else if (first.code === 'TAB_AS_INDENT') {
      problem = 'YAML syntax error: tabs are not allowed as indentation; indent with spaces'
    } else if (first.code === 'MULTIPLE_DOCS') {
      problem = 'the file holds more than one YAML document (a second `---`); keep one per file'
    } else {
      const firstLine = first.message.split('\n')[0].replace(/[.:]\s*$/, '')
      const message = firstLine[0].toLowerCase() + firstLine.slice(1)
      problem = `YAML syntax error: ${message}; ${SYNTAX_HINTS[first.code] ?? 'check the indentation and quoting'}`
    }
    const width = Math.max(1, first.pos[1] - first.pos[0])
    return new this.ErrorClass({ file: this.file, line, column: col, field: formatPath(path), problem, excerpt: excerptAt(this.text, line, col, width) })
  }

  /** `userName: {{ unique.userName }}` is a valid YAML flow mapping, and never what the author meant. */
  private rejectUnquotedTemplates(): void {
    let found: Node | undefined
    yaml().visit(this.doc, {
      Map: (_, node) => {
        if (!found && node.flow && node.items.some((item) => yaml().isMap(item.key))) {
          found = node
          return yaml().visit.BREAK
        }
      },
    })
    const range = found?.range
    if (!range) return
    const source = this.text.slice(range[0], range[1]).replace(/\s+/g, ' ')
    const path = this.pathAt(range[0])
    const { line, col } = this.lines.linePos(range[0])
    const problem = `unquoted template ${source}: YAML reads it as a mapping; put it in quotes: "${source}"`
    throw new this.ErrorClass({ file: this.file, line, column: col, field: formatPath(path), problem, excerpt: excerptAt(this.text, line, col, range[1] - range[0]) })
  }

  private aliasError(error: unknown): LocatedError {
    let unresolved: Node | undefined
    yaml().visit(this.doc, {
      Alias: (_, node) => {
        if (!node.resolve(this.doc)) {
          unresolved = node
          return yaml().visit.BREAK
        }
      },
    })
    if (unresolved && yaml().isAlias(unresolved)) {
      const problem = `unknown alias \`*${unresolved.source}\`: define the anchor \`&${unresolved.source}\` before using it`
      const range = unresolved.range ?? [0, 1, 1]
      const { line, col } = this.lines.linePos(range[0])
      return new this.ErrorClass({ file: this.file, line, column: col, field: formatPath(this.pathAt(range[0])), problem, excerpt: excerptAt(this.text, line, col, range[1] - range[0]) })
    }
    const reason = error instanceof Error ? error.message : String(error)
    return new this.ErrorClass({ file: this.file, line: 1, column: 1, field: '', problem: `cannot read the YAML: ${reason}`, excerpt: excerptAt(this.text, 1, 1) })
  }
}

function keyText(key: unknown): string | undefined {
  if (yaml().isScalar(key)) return String(key.value)
  return typeof key === 'string' ? key : undefined
}

function within(offset: number, start: number | undefined, end: number | undefined): boolean {
  return start !== undefined && end !== undefined && offset >= start && offset < end
}
