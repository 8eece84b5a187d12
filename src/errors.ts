/** Bad input from the user (flags, config, scenario names): the CLI prints the one-line message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The target cannot be tested at all (unreachable, TLS refused): one line, exit 2. */
export class TargetError extends Error {
  override name = 'TargetError'
}
