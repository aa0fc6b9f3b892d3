import type { Database } from 'better-sqlite3';

/** A numbered schema step. `up` runs inside the transaction the runner opens. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
