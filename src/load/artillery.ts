import type { RunConfig } from '../config/types.js'
import type { PlanInput } from './plan.js'
export function exportArtillery(_config: RunConfig, _plan: PlanInput, _dir: string): string[] {
  throw new Error('not yet')
}
