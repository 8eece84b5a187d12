import { defineCheck, rfc, type CheckDef } from './define.js'

/**
 * Ownership: the runner's ledger (runner/ledger.ts) decides from each answer whether a resource is the run's, and
 * reports an answer that is visibly another resource through these checks. They have no judge of their own: the
 * finding is the ledger's, because the same decision also keeps every later write away from that resource.
 */
export const checks: CheckDef[] = [
  defineCheck({
    id: 'safety.foreign-answer',
    title: 'A create is answered with the resource it created',
    area: 'safety',
    level: 'MUST',
    source: rfc(7644, '§3.3'),
    requirement:
      'When the service provider successfully creates the new resource, an HTTP response SHALL be returned with HTTP status code 201 (Created). The response body SHOULD contain the service provider\'s representation of the newly created resource. The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP response body, a JSON representation [RFC7159] with the attribute "meta.location".',
  }),
  defineCheck({
    id: 'safety.write-answered-other',
    title: 'A PUT or PATCH is answered with the resource it changed',
    area: 'safety',
    level: 'MUST',
    source: rfc(7643, '§3.1'),
    requirement: 'It MUST be a stable, non-reassignable identifier that does not change when the same resource is returned in subsequent requests.',
  }),
]
