import { PROFILES, PROFILE_NAMES } from '../idp/registry.js'
import { REPORTER_NAMES } from '../report/index.js'
import { DEFAULTS } from '../config/types.js'

/**
 * The commented scim-check.yaml that `scim-check init` writes, built from data: each section is prose (the
 * comment) and a YAML example that is either live or commented out. The registry of profiles and reporters
 * fills in the names, so the file never lists an option that does not exist. A test renders every example
 * live and loads the result, so every commented example is known to be valid as written.
 */
export interface InitAnswers {
  url?: string
  /** Profile names, or ['all']. */
  idps?: string[]
  /** Name of the environment variable that holds the token, when not SCIM_TOKEN. */
  tokenEnv?: string
}

interface Section {
  comment: string[]
  yaml: string[]
  /** Written commented out unless the user's answers switched it on. */
  live: boolean
}

export const PLACEHOLDER_URL = 'https://app.example.com/scim/v2'

/** A YAML scalar: plain when that reads back as the same string, double-quoted (JSON escaping) otherwise. */
function scalar(v: unknown): string {
  if (typeof v !== 'string') return String(v)
  const plain = /^[A-Za-z0-9][\w./:?=&%~+@-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|~|[-+]?[\d.]+(e[-+]?\d+)?)$/i.test(v)
  return plain ? v : JSON.stringify(v)
}

/** Comment lines of at most `width` characters. */
function wrap(text: string, width = 100): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(line)
  return out
}

function sections(a: InitAnswers): Section[] {
  const idps = a.idps?.length ? a.idps : ['generic']
  const out: Section[] = [
    {
      comment: [`The SCIM base URL of your endpoint (env SCIM_URL, flag --url).${a.url ? '' : ' Replace the example with yours.'}`],
      yaml: [`url: ${scalar(a.url ?? PLACEHOLDER_URL)}`],
      live: true,
    },
    {
      comment: [
        'The bearer token is read from the SCIM_TOKEN environment variable. Do not write it in this file: files get',
        'committed. To read it from another variable, name that variable here:',
      ],
      yaml: [`tokenEnv: ${a.tokenEnv ?? 'ACME_SCIM_TOKEN'}`],
      live: !!a.tokenEnv,
    },
    {
      comment: wrap(`The identity providers to play: ${PROFILE_NAMES.join(', ')}, or all. generic is a strict RFC 7644 client.`),
      yaml: [`idp: [${idps.join(', ')}]`],
      live: true,
    },
  ]
  const withOptions = PROFILE_NAMES.filter((n) => PROFILES[n].options.length > 0)
  if (withOptions.length) {
    const yaml = ['idpOptions:']
    for (const name of withOptions) {
      yaml.push(`  ${name}:`)
      for (const o of PROFILES[name].options) {
        const values = o.values ? ` (${o.values.join(' | ')})` : ''
        for (const l of wrap(`${o.description}${values}`)) yaml.push(`    # ${l}`)
        yaml.push(`    ${o.name}: ${scalar(o.default)}`)
      }
    }
    out.push({ comment: ['How each IdP is configured on its side (`scim-check list idps` explains each option); shown with defaults.'], yaml, live: false })
  }
  out.push(
    {
      comment: ['Scenarios to run: built-in names (`scim-check list scenarios`) or your own files. Default: every built-in scenario.', 'A file of raw `request` steps reproduces a customer ticket exactly (see the README).'],
      yaml: ['scenarios:', '  - create', '  - ./scenarios/ticket-1234.yaml'],
      live: false,
    },
    {
      comment: [`Reports: ${REPORTER_NAMES.join(', ')}. \`name=file\` writes to a file; a bare name prints. Default: pretty.`],
      yaml: ['reporters:', '  - pretty', ...fileReporters().map((r) => `  - ${r}`)],
      live: false,
    },
    {
      comment: wrap('Which findings fail the run with exit code 1: must (broken MUST requirements and IdP expectations), should, or never.'),
      yaml: ['failOn: must'],
      live: true,
    },
    { comment: ['Per-request timeout in milliseconds.'], yaml: [`timeout: ${DEFAULTS.timeoutMs}`], live: false },
    { comment: ['Send no writes at all (discovery, lookups and listing only): for a production tenant.'], yaml: ['readOnly: true'], live: false },
    {
      comment: ['Extra body fields to redact in every report and transcript (password, token, secret and the like always are).'],
      yaml: ['redact:', '  - ssn', '  - dateOfBirth'],
      live: false,
    },
    {
      comment: ['A custom schema extension your endpoint supports: its attributes are written on create and changed by PATCH.'],
      yaml: ['customExtension:', '  urn: urn:ietf:params:scim:schemas:extension:acme:2.0:User', '  attributes:', '    costCenter: "4711"', '    approver: true'],
      live: false,
    },
    {
      comment: ["Where an IdP attribute lands in SCIM, when your endpoint maps it elsewhere: for one profile or for all ('*')."],
      yaml: ['mapping:', "  '*':", '    mobilePhone: phoneNumbers[type eq "mobile"].value'],
      live: false,
    },
    {
      comment: ['Write every request and response of a run as a HAR 1.2 file (secrets redacted), for `scim-check replay`.'],
      yaml: ['transcript: scim-check-transcript.har'],
      live: false,
    },
    { comment: ['A private CA for the endpoint\'s certificate (PEM).'], yaml: ['ca: ./ca.pem'], live: false },
    {
      comment: ['A command that rotates the token and prints the new one (it gets SCIM_TOKEN and SCIM_URL), to test rotation.'],
      yaml: ['rotateCommand: ./rotate-token.sh'],
      live: false,
    },
  )
  return out
}

function fileReporters(): string[] {
  const files: Record<string, string> = { junit: 'scim-check-report.xml', markdown: 'scim-check-report.md', html: 'scim-check-report.html', json: 'scim-check-report.json' }
  return REPORTER_NAMES.filter((n) => files[n]).map((n) => `${n}=${files[n]}`)
}

/** The file's text. `allLive` renders every example uncommented (the test's proof that each one loads). */
export function renderInitConfig(answers: InitAnswers = {}, options: { allLive?: boolean } = {}): string {
  const lines = [
    '# scim-check.yaml: settings for `scim-check run` in this directory, written by `scim-check init`.',
    '# Flags and environment variables override what is set here; relative paths are relative to this file.',
    '# Uncomment a setting to use it. `scim-check run --help` describes every one.',
  ]
  for (const s of sections(answers)) {
    lines.push('', ...s.comment.map((c) => `# ${c}`))
    const live = s.live || options.allLive
    // Uncommenting an example is deleting the "# " at the start of each of its lines.
    for (const y of s.yaml) lines.push(live ? y : `# ${y}`)
  }
  return `${lines.join('\n')}\n`
}
