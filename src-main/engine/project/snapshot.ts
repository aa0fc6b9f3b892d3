import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DvpError } from '../../shared/errors.js';
import { OutputFile } from '../media/output-file.js';
import { migrate } from './migrate.js';
import { projectFileInputs } from './project-inputs.js';
import { Project } from './project.js';
import { storageError } from './storage-errors.js';

/**
 * A frozen, read-only copy of a project for farm workers: SQLite's `VACUUM INTO` (a consistent
 * copy of the committed state, the WAL's transactions included, taken under a read transaction,
 * so a writer may go on meanwhile), brought to this version's schema, and switched to a
 * rollback journal (`journal_mode=DELETE`), so the copy is one self-contained file with no
 * `-wal`/`-shm` — SQLite's WAL needs shared memory and does not work across machines on a network
 * file system. Workers open it read-only (`Project.open(file, { readonly: true })`, which
 * `dvp render` and `dvp conform` always do) and write nothing to it. Written as
 * `OUT.partial.dvp` and moved into place when complete; never over the project itself, and over
 * an existing file only with `overwrite`.
 */
export function snapshotProject(projectFile: string, out: string, options: { overwrite?: boolean } = {}): void {
  const source = path.resolve(projectFile);
  const target = path.resolve(out);
  const output = new OutputFile(target, { protect: projectFileInputs(source), ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}) });
  const project = Project.open(projectFile, { readonly: true });
  try {
    project.db.prepare('VACUUM INTO ?').run(output.partial);
  } catch (error) {
    output.discard();
    if (error instanceof DvpError) throw error;
    throw storageError(error, [output.partial], { display: out, action: 'write the snapshot', kept: 'nothing-changed' })
      ?? new DvpError('INTERNAL', `${out}: could not copy the project: ${(error as Error).message}`, { file: out, cause: error });
  } finally {
    project.close();
  }
  try {
    const db = new Database(output.partial, { fileMustExist: true });
    try {
      migrate(db, out);
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${output.partial}${suffix}`, { force: true });
  } catch (error) {
    output.discard();
    throw error;
  }
  output.commit();
}
