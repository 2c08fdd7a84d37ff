// What a subcommand module exports (as `command`) to be listed in main.ts's table.
import type { Log } from './log.ts';

export interface CliIo {
  /** Writes one result line to stdout (JSON Lines). */
  out(line: string): void;
  log: Log;
}

export interface CliCommand {
  summary: string;
  usage: string;
  /** Returns the exit code; throw UsageError for bad input (exit 2). */
  run(argv: string[], io: CliIo): Promise<number>;
}
