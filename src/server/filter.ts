// SCIM filter parsing (RFC 7644 §3.4.2.2) and PATCH path parsing (§3.5.2).
//
// Hand-written rather than taken from a library because the server must accept
// what IdPs really send: operators and keywords in any case (Ping writes `Eq`),
// `+`-decoded spaces, Entra's `emails[type eq "work"].value eq "…"` form that
// is outside the RFC grammar, URN-qualified paths whose URNs contain dots, and
// it must report malformed input with the right scimType (invalidFilter for
// filters, invalidPath for PATCH paths).

import { ScimError, type ScimType } from './errors.js'

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le'
export type Literal = string | number | boolean | null

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; expr: FilterNode }
  | { type: 'compare'; path: string; op: CompareOp; value: Literal }
  | { type: 'present'; path: string }
  /** `attr[filter]`: some element of the multi-valued attribute satisfies `filter` (paths inside are relative). */
  | { type: 'valuePath'; path: string; filter: FilterNode }

export interface PatchPath {
  /** Attribute path before any `[`, possibly URN-qualified and dotted. */
  path: string
  filter?: FilterNode
  /** Sub-attribute after `]`, e.g. `value` in `emails[type eq "work"].value`. */
  sub?: string
}

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])
const PATH_CHAR = /[A-Za-z0-9_:.$\-]/
const NAME_CHAR = /[A-Za-z0-9_$\-]/

class Parser {
  pos = 0

  constructor(
    private readonly src: string,
    private readonly errorType: ScimType,
    private readonly what: string,
  ) {}

  fail(message: string): never {
    const at = this.pos < this.src.length ? ` at position ${this.pos + 1}` : ' at end of input'
    throw new ScimError(400, `Invalid ${this.what} "${this.src}": ${message}${at}`, this.errorType)
  }

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++
  }

  atEnd(): boolean {
    return this.pos >= this.src.length
  }

  peek(): string {
    return this.src[this.pos] ?? ''
  }

  /** Reads a keyword if one starts here and is followed by a delimiter; keywords are case-insensitive. */
  keyword(word: string): boolean {
    const slice = this.src.slice(this.pos, this.pos + word.length)
    if (slice.toLowerCase() !== word) return false
    const next = this.src[this.pos + word.length] ?? ''
    if (next !== '' && !/[\s(]/.test(next)) return false
    this.pos += word.length
    return true
  }

  word(): string {
    const start = this.pos
    while (this.pos < this.src.length && /[A-Za-z]/.test(this.src[this.pos]!)) this.pos++
    return this.src.slice(start, this.pos)
  }

  attrPath(): string {
    const start = this.pos
    while (this.pos < this.src.length && PATH_CHAR.test(this.src[this.pos]!)) this.pos++
    return this.src.slice(start, this.pos)
  }

  name(): string {
    const start = this.pos
    while (this.pos < this.src.length && NAME_CHAR.test(this.src[this.pos]!)) this.pos++
    return this.src.slice(start, this.pos)
  }

  expect(ch: string): void {
    this.ws()
    if (this.peek() !== ch) this.fail(`expected "${ch}"`)
    this.pos++
  }

  // filter := and ("or" and)*      ("and" binds tighter than "or")
  or(): FilterNode {
    let left = this.and()
    for (;;) {
      const save = this.pos
      this.ws()
      if (this.pos > save && this.keyword('or')) {
        left = { type: 'or', left, right: this.and() }
        continue
      }
      this.pos = save
      return left
    }
  }

  and(): FilterNode {
    let left = this.unary()
    for (;;) {
      const save = this.pos
      this.ws()
      if (this.pos > save && this.keyword('and')) {
        left = { type: 'and', left, right: this.unary() }
        continue
      }
      this.pos = save
      return left
    }
  }

  unary(): FilterNode {
    this.ws()
    if (this.atEnd()) this.fail('expected an expression')
    if (this.keyword('not')) {
      this.ws()
      return { type: 'not', expr: this.unary() }
    }
    if (this.peek() === '(') {
      this.pos++
      const inner = this.or()
      this.expect(')')
      return inner
    }
    return this.attrExpression()
  }

  attrExpression(): FilterNode {
    const path = this.attrPath()
    if (!path) this.fail('expected an attribute name')
    if (this.peek() === '[') {
      this.pos++
      const inner = this.or()
      this.expect(']')
      if (this.peek() === '.') {
        // Entra's form: emails[type eq "work"].value eq "x" ≡ emails[type eq "work" and value eq "x"].
        this.pos++
        const sub = this.name()
        if (!sub) this.fail('expected a sub-attribute name after "]."')
        const cond = this.comparison(sub)
        return { type: 'valuePath', path, filter: { type: 'and', left: inner, right: cond } }
      }
      return { type: 'valuePath', path, filter: inner }
    }
    return this.comparison(path)
  }

  comparison(path: string): FilterNode {
    const save = this.pos
    this.ws()
    if (this.pos === save) this.fail('expected an operator after the attribute name')
    const opStart = this.pos
    const op = this.word().toLowerCase()
    if (!op) this.fail('expected an operator')
    if (op === 'pr') return { type: 'present', path }
    if (!COMPARE_OPS.has(op)) {
      this.pos = opStart
      this.fail(`unknown operator "${this.src.slice(opStart, opStart + op.length)}"`)
    }
    this.ws()
    return { type: 'compare', path, op: op as CompareOp, value: this.literal() }
  }

  literal(): Literal {
    const ch = this.peek()
    if (ch === '"') return this.string()
    const rest = this.src.slice(this.pos)
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest)
    if (num) {
      this.pos += num[0].length
      return Number(num[0])
    }
    const word = /^[A-Za-z]+/.exec(rest)?.[0].toLowerCase()
    if (word === 'true' || word === 'false' || word === 'null') {
      this.pos += word.length
      return word === 'null' ? null : word === 'true'
    }
    this.fail('expected a comparison value (a JSON string, number, true, false or null)')
  }

  string(): string {
    const start = this.pos
    this.pos++
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!
      if (c === '\\') {
        this.pos += 2
        continue
      }
      if (c === '"') {
        this.pos++
        try {
          return JSON.parse(this.src.slice(start, this.pos)) as string
        } catch {
          this.pos = start
          this.fail('invalid escape in string literal')
        }
      }
      this.pos++
    }
    this.pos = start
    this.fail('unterminated string literal')
  }
}

export function parseFilter(src: string): FilterNode {
  const p = new Parser(src, 'invalidFilter', 'filter')
  p.ws()
  if (p.atEnd()) p.fail('the filter is empty')
  const node = p.or()
  p.ws()
  if (!p.atEnd()) p.fail('unexpected text')
  return node
}

/** PATH = attrPath / valuePath [subAttr]  (RFC 7644 §3.5.2, Figure 1). */
export function parsePatchPath(src: string): PatchPath {
  const p = new Parser(src, 'invalidPath', 'path')
  p.ws()
  const path = p.attrPath()
  if (!path) p.fail('expected an attribute name')
  const out: PatchPath = { path }
  if (p.peek() === '[') {
    p.pos++
    out.filter = p.or()
    p.expect(']')
    if (p.peek() === '.') {
      p.pos++
      const sub = p.name()
      if (!sub) p.fail('expected a sub-attribute name after "]."')
      out.sub = sub
    }
  }
  p.ws()
  if (!p.atEnd()) p.fail('unexpected text')
  return out
}
