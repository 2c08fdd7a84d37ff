// `intact <command> …` — see DESIGN.md for the contract. Exit codes: 0 ok, 2 bad input (with a
// one-line reason on stderr), 1 anything else. Result lines are held back until a command
// succeeds, so a run that fails half-way writes nothing to stdout.
import type { CliCommand, CliIo } from './command.ts';
import { oneLine, UsageError } from './errors.ts';
import { stderrLog } from './log.ts';

type Load = () => Promise<{ command: CliCommand }>;

// To add a command: one line here, and a module exporting `command: CliCommand`.
// Loaded lazily so e.g. `calibrate` never starts onnxruntime.
const commands: Record<string, Load> = {
  identify: () => import('./commands/identify.ts'),
  inspect: () => import('./commands/inspect.ts'),
  bench: () => import('./commands/bench.ts'),
  calibrate: () => import('./commands/calibrate.ts'),
  gallery: () => import('./commands/gallery.ts'),
};

async function help(): Promise<string> {
  const lines = ['usage: intact <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const command = await load().then((m) => m.command, () => null);
    if (command) lines.push(`  ${name.padEnd(10)} ${command.summary}`, `  ${''.padEnd(10)} ${command.usage}`);
    else lines.push(`  ${name.padEnd(10)} (unavailable in this install)`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(`${await help()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`intact: unknown command "${name}" (try: ${Object.keys(commands).join(', ')})\n`);
    return 2;
  }
  const lines: string[] = [];
  const io: CliIo = { out: (line) => lines.push(line), log: stderrLog() };
  try {
    const { command } = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
      return 0;
    }
    const code = await command.run(rest, io);
    if (code === 0 && lines.length) await writeAll(`${lines.join('\n')}\n`);
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`intact: ${oneLine(e)}\n`);
      return e.exitCode;
    }
    process.stderr.write(`intact: ${oneLine(e)}\n`);
    if (process.env.INTACT_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

/** Resolves once stdout has taken everything (large outputs to a pipe are written async). */
function writeAll(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}
