// Loaded with `node --import` into a process whose peak memory a test or benchmark wants: at exit, the peak
// resident set size (KiB, from the kernel's accounting) is written to the file named by SCIM_CHECK_RSS_FILE.
import { writeFileSync } from 'node:fs'

const file = process.env.SCIM_CHECK_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
