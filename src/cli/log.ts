// Logs and progress go to stderr; stdout carries only result lines (the CLI contract).
export interface Log {
  info(message: string): void;
  progress(label: string, done: number, total: number): void;
}

export function stderrLog(quiet = process.env.INTACT_QUIET === '1'): Log {
  let lastShown = 0;
  return {
    info: (message) => {
      if (!quiet) process.stderr.write(`intact: ${message}\n`);
    },
    progress: (label, done, total) => {
      if (quiet) return;
      const now = Date.now();
      // At most a line every 2 s (or the last one): readable in CI logs, not a flood.
      if (done !== total && now - lastShown < 2000) return;
      lastShown = now;
      process.stderr.write(`intact: ${label} ${done}/${total}\n`);
    },
  };
}
