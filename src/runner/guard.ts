import { TargetError } from '../errors.js'
import type { HttpClient, SendLabels } from '../http/client.js'
import type { Exchange, RequestSpec } from '../http/exchange.js'
import type { Ledger, OwnershipFinding } from './ledger.js'

/** Transport failures that mean the target cannot be tested at all, rather than a defect of it. */
const FATAL_CODES = new Set(['refused', 'dns', 'tls'])
/** Requests in a row that got no response before the run gives up: before any answer, and after. */
const DEAD_BEFORE_ANY = 2
const DEAD_AFTER_SOME = 5

/**
 * The request guard every request of a run passes: the ledger refuses what scim-check must never send (writes to
 * data it did not create, writes under --read-only), records what the run created, and a target that stops
 * answering ends the run (TargetError) instead of holding it for every remaining step's timeout.
 */
export class RequestGuard {
  private anyResponse = false
  constructor(
    private client: HttpClient,
    private ledger: Ledger,
  ) {}

  /** The exchange, and the ledger's finding when the answer was not the resource the run sent. */
  async send(spec: RequestSpec, labels: SendLabels): Promise<{ exchange: Exchange; owned?: OwnershipFinding }> {
    const url = this.client.resolve(spec)
    const refusal = this.ledger.refuse(spec, url)
    const x = refusal ? this.client.refuse(spec, labels, refusal) : await this.client.send(spec, labels, url)
    const owned = refusal ? undefined : this.ledger.observe(x, spec, url)
    if (x.response) this.anyResponse = true
    else if (x.error && !isRefusal(x)) {
      // Cleanup's requests count too: a peer that never answers is dead whoever asked.
      const silent = this.client.unanswered
      if (!this.anyResponse && (FATAL_CODES.has(x.error.code) || silent >= DEAD_BEFORE_ANY)) throw new TargetError(`cannot reach the target: ${x.error.message}`)
      if (silent >= DEAD_AFTER_SOME) throw new TargetError(`the target stopped answering (${silent} requests in a row got no response; last: ${x.error.message})`)
    }
    return { exchange: x, owned }
  }
}

/** scim-check itself declined to send it (safety rules, another origin): not a failure of the target. */
export function isRefusal(x: Exchange): boolean {
  return !!x.error && (x.error.code.startsWith('refused-') || x.error.code === 'other-origin')
}
