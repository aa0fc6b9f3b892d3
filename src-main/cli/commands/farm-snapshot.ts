import { snapshotProject } from '../../engine/project/snapshot.js';
import { DvpError } from '../../shared/errors.js';
import type { CommandContext, OptionSpec } from '../command.js';

/**
 * `dvp farm snapshot FILE.dvp OUT.dvp [--overwrite]`: a frozen, read-only copy of the project for
 * farm workers (`engine/project/snapshot.ts`). The `farm` command's dispatcher (`farm.ts`) calls
 * `runFarmSnapshot` with the positionals after `snapshot`.
 */
export const FARM_SNAPSHOT_USAGE = 'farm snapshot FILE.dvp OUT.dvp [--overwrite]';
export const FARM_SNAPSHOT_OPTIONS = { overwrite: { type: 'boolean' } } as const satisfies OptionSpec;

/** `args`: FILE.dvp and OUT.dvp; prints one line. */
export function runFarmSnapshot(context: Pick<CommandContext, 'stdout' | 'values'>, args: readonly string[]): void {
  const [file, out] = args;
  if (!file) throw new DvpError('INVALID_ARGUMENT', 'missing the project file (FILE.dvp).');
  if (!out) throw new DvpError('INVALID_ARGUMENT', 'missing the snapshot file (OUT.dvp).');
  if (args.length > 2) throw new DvpError('INVALID_ARGUMENT', `farm snapshot takes FILE.dvp and OUT.dvp, not '${args.slice(2).join(' ')}'.`);
  snapshotProject(file, out, { overwrite: context.values.overwrite === true });
  context.stdout(`wrote ${out}: a read-only snapshot of ${file} (rollback journal, no WAL) for farm workers`);
}
