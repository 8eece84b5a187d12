import { setFlagsFromString } from 'node:v8'

/**
 * A run executes most of its code (checks, IdP flows, templates) a few hundred times at most. With V8's default
 * interrupt budget (67,584 bytes of bytecode) hundreds of those functions are recompiled with TurboFan on background
 * threads, about 0.2 s of CPU in a full run that the run never earns back; on two cores that CPU is taken from the
 * server being tested, whose answers the run waits for. A budget about four times larger tiers up only what is really
 * hot: side by side (thirteen runs each), a full run took 1188 ms instead of 1264 (CPU 1160 ms instead of 1350), and
 * a raw replay of its requests gained nothing from it. Kept at the default where the code is hot for long: `load`
 * (it sent 7% fewer requests a second with the larger budget) and a run against the built-in server, which shares the
 * process (the whole matrix took 1229 ms instead of 1162). Set before the run's functions are first called.
 */
export function tierUpLater(): void {
  setFlagsFromString('--interrupt-budget=250000')
}
