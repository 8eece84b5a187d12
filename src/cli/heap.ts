import { getHeapStatistics, setFlagsFromString } from 'node:v8'

/**
 * V8 sizes the heap for speed: it lets the old generation grow to about twice what is alive before collecting, and
 * keeps the young generation large. An import walk of 100,000 users keeps about 30 MB alive and peaked at about
 * 148 MiB RSS that way, 110 MiB once the heap is sized for memory (`--optimize-for-size`, which V8 reads whenever it
 * decides how far the heap may grow, so it takes effect when set in a running process). Sized for memory from the
 * start, though, a full run of the built-in scenarios (at most about 32 MiB of heap in use) collected three times as
 * often and took about 7% longer side by side. So the heap is sized for memory only once it is large: a full run
 * never gets there, the walk does within a second and peaks at about 130 MiB (the threshold is a trade: past 48 MiB
 * the walk measured 147 MiB, as if the flag were never set).
 */
export function sizeHeapForMemoryPast(usedBytes: number, everyMs = 50): void {
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size < usedBytes) return
    setFlagsFromString('--optimize-for-size')
    clearInterval(timer)
  }, everyMs)
  timer.unref()
}
