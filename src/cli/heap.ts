import { getHeapStatistics, setFlagsFromString } from 'node:v8'

/**
 * V8 sizes the heap for speed: it lets the old generation grow to about twice what is alive before collecting, and
 * keeps the young generation large. An import walk of 100,000 users keeps about 30 MB alive and peaked at about
 * 148 MiB RSS that way, 110 MiB once the heap is sized for memory (`--optimize-for-size`, which V8 reads whenever it
 * decides how far the heap may grow, so it takes effect when set in a running process). Sized for memory from the
 * start, though, a full run of the built-in scenarios (about 32 MiB of heap in use at its end) collected three times as
 * often and took about 7% longer side by side. So the heap is sized for memory only once it is large: the walk gets
 * there within a second. The threshold is a trade, and the walk's peak moves with it: past 32 MiB, looked at every
 * 20 ms, it measured 127–133 MiB over nine runs; past 40 MiB every 50 ms 129–152 MiB; past 48 MiB 147 MiB.
 */
export function sizeHeapForMemoryPast(usedBytes: number, everyMs = 20): void {
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size < usedBytes) return
    setFlagsFromString('--optimize-for-size')
    clearInterval(timer)
  }, everyMs)
  timer.unref()
}
