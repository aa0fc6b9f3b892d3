import { parseArgs } from 'node:util';
import { storageError } from '../engine/project/storage-errors.js';
import { cliText, isDvpError, type DvpErrorCode } from '../shared/errors.js';
import { formatProgress } from './progress-format.js';
import type { CliCommand, CommandContext } from './command.js';
import { commands } from './commands/index.js';

/** Exit codes: 0 ok, 1 user-facing failure, 2 usage error, 130 cancelled, 70 internal error. */
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;
const EXIT_INTERNAL = 70;

function exitCodeFor(code: DvpErrorCode): number {
  if (code === 'INVALID_ARGUMENT') return EXIT_USAGE;
  if (code === 'CANCELLED') return EXIT_CANCELLED;
  if (code === 'INTERNAL') return EXIT_INTERNAL;
  return 1;
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = ['Usage: dvp <command> [options]', '', 'Commands:'];
  for (const command of commands) lines.push(`  ${command.name.padEnd(width)}  ${command.summary}`);
  lines.push('', 'Run `dvp help <command>` for the options of one command.');
  return lines.join('\n');
}

function commandHelp(command: CliCommand): string {
  const lines = [`Usage: dvp ${command.usage}`, '', command.summary];
  const options = Object.entries(command.options);
  if (options.length > 0) {
    lines.push('', 'Options:');
    for (const [name, spec] of options) lines.push(`  --${name}${spec.type === 'string' ? ' VALUE' : ''}`);
  }
  if (command.details && command.details.length > 0) lines.push('', ...command.details);
  return lines.join('\n');
}

/**
 * `--value -5`: parseArgs would read `-5` as an option. For string options followed by a
 * number, join them as `--value=-5`.
 */
function joinNegativeNumbers(args: string[], command: CliCommand): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && command.options[name]?.type === 'string' && next !== undefined && /^-\d*\.?\d+(e[+-]?\d+)?$/i.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    process.stdout.write(`${topic ? commandHelp(topic) : helpText()}\n`);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write('dvp 0.1.0\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`dvp: unknown command '${name}'.\n\n${helpText()}\n`);
    return EXIT_USAGE;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(rest, command), options: { ...command.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`dvp ${command.name}: ${(error as Error).message}\nUsage: dvp ${command.usage}\n`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }

  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const interactive = process.stderr.isTTY === true;
  let lastProgressLine = 0;
  let lastFinished = '';
  const context: CommandContext = {
    positionals: parsed.positionals,
    values: parsed.values,
    signal: controller.signal,
    stdout: (line) => process.stdout.write(`${line}\n`),
    progress: (label, progress) => {
      const now = Date.now();
      const finished = progress.done >= progress.total;
      if (finished && lastFinished === label) return;
      if (!finished && now - lastProgressLine < (interactive ? 100 : 1000)) return;
      lastFinished = finished ? label : '';
      lastProgressLine = now;
      const line = formatProgress(label, progress);
      process.stderr.write(interactive ? `\r\x1b[2K${line}${finished ? '\n' : ''}` : `${line}\n`);
    },
  };

  // The project files this command was given: a storage failure is said of them.
  const projectFiles = parsed.positionals.filter((p) => p.endsWith('.dvp'));
  const report = (error: unknown): number => {
    if (interactive) process.stderr.write('\n');
    const known = isDvpError(error) ? error : storageError(error, projectFiles, projectFiles.length === 1 ? { display: projectFiles[0]! } : {});
    if (known) {
      process.stderr.write(`dvp ${command.name}: ${cliText(known)}\n`);
      if (known.code === 'INVALID_ARGUMENT') process.stderr.write(`Usage: dvp ${command.usage}\n`);
      return exitCodeFor(known.code);
    }
    process.stderr.write(`dvp ${command.name}: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_INTERNAL;
  };
  // Never an exit without a message: an error outside the command's promise chain, or a
  // command whose promise can no longer settle (nothing left to wait for), is reported and
  // ends the process; the exit releases any write lock still held (WriterLock).
  const onStray = (error: unknown): void => process.exit(report(error));
  const onBeforeExit = (): void => {
    process.stderr.write(`dvp ${command.name}: internal error: the command stopped before finishing (nothing was left to wait for).\n`);
    process.exit(EXIT_INTERNAL);
  };
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  process.on('beforeExit', onBeforeExit);

  try {
    await command.run(context);
    return 0;
  } catch (error) {
    return report(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onStray);
    process.off('unhandledRejection', onStray);
    process.off('beforeExit', onBeforeExit);
  }
}
