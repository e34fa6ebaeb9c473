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
  return median(times);
}

/** The middle value, or the mean of the two middle ones for an even count (NaN for none). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return sorted.length === 0 ? Number.NaN : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
