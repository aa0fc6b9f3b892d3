import type { ClipRole, DirEntry } from '../../../../src-main/api/schemas.js';
import type { ApiClient } from '../../../../src-main/api/client.js';
import { ApiCallError } from '../../../../src-main/api/client.js';

export type PickPurpose = 'open-project' | 'new-project' | 'import-clip';

const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.mkv', '.m4v', '.avi', '.mxf', '.webm'];

/**
 * The in-app file browser (browser mode has no native dialogs, and on a remote GPU box the
 * files are the server's). Lists folders through the API's `fs.list`.
 */
export class FileBrowser {
  dir = $state('');
  parent = $state<string | null>(null);
  /** The folders the API may reach (the project's, its media's, `dvp serve --root`), to jump between. */
  roots = $state<string[]>([]);
  entries = $state<DirEntry[]>([]);
  selected = $state<string | null>(null);
  /** For a new project: the file name typed by the user. */
  fileName = $state('');
  role = $state<ClipRole>('target');
  error = $state<string | null>(null);
  loading = $state(false);

  readonly extensions: string[];
  readonly title: string;
  readonly actionLabel: string;

  readonly chosenPath = $derived.by(() => {
    if (this.purpose === 'new-project') {
      const name = this.fileName.trim();
      if (!name || /[\\/]/.test(name)) return null;
      return joinPath(this.dir, name.endsWith('.dvp') ? name : `${name}.dvp`);
    }
    return this.selected;
  });

  constructor(
    private readonly api: ApiClient,
    readonly purpose: PickPurpose,
  ) {
    this.extensions = purpose === 'import-clip' ? VIDEO_EXTENSIONS : ['.dvp'];
    this.title = { 'open-project': 'Open a project', 'new-project': 'New project', 'import-clip': 'Import a clip' }[purpose];
    this.actionLabel = { 'open-project': 'Open', 'new-project': 'Create', 'import-clip': 'Import' }[purpose];
    if (purpose === 'new-project') this.fileName = 'Untitled.dvp';
  }

  async open(dir?: string): Promise<void> {
    this.loading = true;
    try {
      const listing = await this.api.call('fs.list', dir === undefined ? { extensions: this.extensions } : { dir, extensions: this.extensions });
      this.dir = listing.dir;
      this.parent = listing.parent;
      this.roots = listing.roots ?? [];
      this.entries = listing.entries;
      this.selected = null;
      this.error = null;
    } catch (error) {
      this.error = error instanceof ApiCallError ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** A click: folders open, files are selected. Returns true for a file double-click to confirm. */
  choose(entry: DirEntry): void {
    if (entry.kind === 'dir') void this.open(entry.path);
    else this.selected = entry.path;
  }
}

function joinPath(dir: string, name: string): string {
  const separator = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(separator) ? `${dir}${name}` : `${dir}${separator}${name}`;
}
