import { performance } from "node:perf_hooks";

/** What every `*.bench.ts` module exports as default: one README section per benchmark. */
export type Bench = (ctx: BenchContext) => Promise<BenchReport>;

export interface BenchReport {
  title: string;
  /** Markdown (tables, short notes) written under the title in the README's Benchmarks section. */
  markdown: string;
}

export interface BenchContext {
  log(line: string): void;
}

/** Median wall time of `runs` calls of `fn`, in milliseconds, after `warmup` unmeasured calls. */
export async function medianMs(fn: () => Promise<unknown>, runs: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
