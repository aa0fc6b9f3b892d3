import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const StoredSchema = z.array(z.object({ file: z.string(), openedAt: z.string() }));
const LIMIT = 12;

/** The projects opened most recently, newest first, kept in `<configDir>/recent-projects.json`. */
export class RecentProjects {
  private readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, 'recent-projects.json');
  }

  list(): { file: string; openedAt: string; exists: boolean }[] {
    return this.read().map((entry) => ({ ...entry, exists: existsSync(entry.file) }));
  }

  add(file: string): void {
    const entries = [{ file, openedAt: new Date().toISOString() }, ...this.read().filter((e) => e.file !== file)].slice(0, LIMIT);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entries, null, 2));
    renameSync(temp, this.file);
  }

  private read(): { file: string; openedAt: string }[] {
    try {
      const parsed = StoredSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }
}
