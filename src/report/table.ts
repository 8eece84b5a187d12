import { createRequire } from 'node:module'
import type CliTable from 'cli-table3'

// cli-table3 is CommonJS: imported as ESM, Node first lexes its source for export names (10–16 ms against 5–8 ms
// required directly, on every run that prints a report). The same class either way.
const Table = createRequire(import.meta.url)('cli-table3') as typeof CliTable

/** A table as cli-table3 builds it. */
export type TableInstance = CliTable.Table

export default Table
