// Wall time and this process's CPU time side by side. On a shared machine the wall clock
// includes waiting for a core; for single-threaded work the CPU time is what the same code
// costs on an idle device, so both are reported.
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export function startClock(): () => Timing {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (d.user + d.system) / 1000 };
  };
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
