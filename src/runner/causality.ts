import { pathnameOf, type Exchange } from '../http/exchange.js'
import type { Cause, Result } from '../result/types.js'
import { TemplateError, templateExpressions } from '../scenario/template.js'
import { causeOf } from './results.js'

/**
 * One root cause, one failure. Within one scenario run (one profile), this remembers which result explains what:
 *
 * - per exchange, the results that found something wrong with it (an IdP expectation reported by the profile, an
 *   ambient check, a catalogue check the step names), so a step's own `expect:` that fails on the same exchange
 *   is put down to them instead of being a second failure;
 * - per resource id, the root cause of its last failed write, until a later write to it succeeds, so reading
 *   back or changing that resource is not judged as if the write had happened;
 * - per saved variable, the root cause of the step that should have saved it, so a step that needs the value
 *   names why it is missing;
 * - the last failed create, which has no id to track: checks that could not judge for want of what it should
 *   have created are put down to it.
 */
export class Causality {
  private onExchange = new Map<number, Result[]>()
  private resources = new Map<string, Cause>()
  private saved = new Map<string, Cause>()
  private failedCreate?: Cause
  /** The most recent root cause of the scenario, for a step whose action could not even be performed. */
  latest?: Cause

  /** Every result produced on an exchange goes through here (ambient repeats too, pointing at their first report). */
  note(x: number | undefined, r: Result): void {
    if (x === undefined || !explains(r)) return
    const list = this.onExchange.get(x) ?? []
    list.push(r)
    this.onExchange.set(x, list)
  }

  /**
   * The result that explains a failed expectation on this exchange: an IdP expectation first (the IdP's request
   * shape is what the server refused), then a check the step names, then an ambient check.
   */
  sameExchange(x: number): Cause | undefined {
    const list = this.onExchange.get(x)
    if (!list?.length) return undefined
    const rank = (r: Result) => (r.level === 'IDP' ? 0 : r.ambient ? 2 : 1)
    const best = [...list].sort((a, b) => rank(a) - rank(b))[0]
    return causeOf(best)
  }

  /** Why a template could not be rendered: the step that should have saved its root variable failed. */
  forTemplate(err: TemplateError): Cause | undefined {
    let roots: string[]
    try {
      roots = templateExpressions(err.expression).map((e) => e.root)
    } catch {
      return undefined
    }
    for (const root of roots) {
      const c = this.saved.get(root)
      if (c) return c
    }
    return undefined
  }

  /** The root cause of the last failed write to any of these resources, if it has not been written since. */
  forIds(ids: Iterable<string>): Cause | undefined {
    for (const id of ids) {
      const c = this.resources.get(id)
      if (c) return c
    }
    return undefined
  }

  /**
   * A write the profile's IdP never performs (Ping deletes where others deactivate): reading the resource back as if
   * it had happened is not judged; the step that did not happen is named instead. A later write clears it.
   */
  notPerformed(id: string, cause: Cause): void {
    this.resources.set(id, cause)
    this.unperformed.set(id, cause)
  }

  /** The action the IdP never performed on one of these resources: even a pass would judge a state nobody made. */
  forUnperformed(ids: Iterable<string>): Cause | undefined {
    for (const id of ids) {
      const c = this.unperformed.get(id)
      if (c) return c
    }
    return undefined
  }

  private unperformed = new Map<string, Cause>()

  /** For checks that could not judge (error, skip) after a create failed: what they were looking for is missing. */
  forMissing(): Cause | undefined {
    return this.failedCreate
  }

  /**
   * After a step: record what failed and why, so later steps can be blocked, and forget what a later success
   * repaired. A write failed when the step's expectation on it did not pass, or, when nothing expected anything
   * of it, when it was not answered 2xx (an error probe that expects 400 and gets it wrote nothing, and failed
   * nothing). `expects` are the step's `expect:` results; `all` every result the step produced, already resolved.
   */
  afterStep(save: string | undefined, exchanges: readonly Exchange[], main: Exchange | undefined, expects: readonly Result[], all: readonly Result[]): void {
    const failures = all.filter((r) => r.cause || explains(r))
    const stepCause = failures.length ? causeOf(failures[0]) : undefined
    if (stepCause) this.latest = stepCause
    if (save) {
      if (stepCause) this.saved.set(save, stepCause)
      else this.saved.delete(save)
    }
    for (const x of exchanges) {
      const method = x.request.method.toUpperCase()
      if (x.purpose || !isWrite(x)) continue
      const judged = x === main ? expects.filter((r) => r.exchange === x.index) : []
      const badVerdict = judged.find((r) => r.status !== 'pass' && r.status !== 'info')
      // A write the server accepted but did not apply as the IdP meant it (JumpCloud's value list read as "remove
      // all") failed for that IdP: what later reads see of the resource follows from it, not from something new.
      const idpBroke = all.find((r) => r.exchange === x.index && r.level === 'IDP' && (r.status === 'fail' || r.status === 'error') && !r.cause)
      const failed = (judged.length ? !!badVerdict : !is2xx(x)) || !!idpBroke
      // A failed write that no result names (say, an unjudged 404) has nothing to block later steps by.
      const culprit = badVerdict ?? idpBroke ?? (failed ? failures.find((r) => r.exchange === x.index) ?? failures[0] : undefined)
      const known = culprit ? causeOf(culprit) : undefined
      const id = resourceIdOf(x)
      if (id === undefined) {
        if (method === 'POST' && isCollection(x)) this.failedCreate = failed ? known : undefined
        continue
      }
      // A write that failed for no named reason is still the last write: an older cause no longer explains the state.
      this.unperformed.delete(id)
      if (failed && known) this.resources.set(id, known)
      else this.resources.delete(id)
    }
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** A request that changes data (a search is a POST that does not). */
export function isWrite(x: Exchange): boolean {
  return WRITES.has(x.request.method.toUpperCase()) && !/\/\.search\/?$/.test(pathnameOf(x))
}

/**
 * Results that say something is wrong with an exchange, and so may explain a failed expectation on it: failures and
 * errors, and IdP expectations that did not pass (an IdP expectation recorded as info or a warning still says the
 * server refused or mishandled the IdP's own request shape, which a scenario's expectation cannot be blamed for).
 */
function explains(r: Result): boolean {
  if (r.cause) return false
  if (r.status === 'fail' || r.status === 'error') return true
  return r.level === 'IDP' && (r.status === 'warn' || r.status === 'info') && r.id.startsWith('idp.')
}

function is2xx(x: Exchange): boolean {
  const s = x.response?.status
  return s !== undefined && s >= 200 && s < 300
}


function isCollection(x: Exchange): boolean {
  return /\/(Users|Groups)\/?$/i.test(pathnameOf(x))
}

/** The resource a request addresses: the segment after a resource endpoint (`/Users/{id}`, `/Groups/{id}`). */
export function resourceIdOf(x: Exchange): string | undefined {
  const m = /\/(Users|Groups)\/([^/]+)\/?$/i.exec(pathnameOf(x))
  if (!m || m[2].startsWith('.')) return undefined
  try {
    return decodeURIComponent(m[2])
  } catch {
    return m[2]
  }
}
