import type { ClipRole } from '../../../../src-main/api/schemas.js';
import { FileBrowser, type PickPurpose } from './file-browser.svelte.js';
import type { Studio } from './studio.svelte.js';

/** Which overlays are up, and the file-picking flow shared by menus, buttons and shortcuts. */
export class UiState {
  browser = $state<FileBrowser | null>(null);
  helpOpen = $state(false);

  constructor(private readonly studio: Studio) {}

  /** Native dialog in Electron; the in-app browser elsewhere. */
  async pick(purpose: PickPurpose): Promise<void> {
    if (purpose === 'import-clip' && !this.studio.project) return;
    if (this.studio.info?.nativeDialogs) {
      const { file } = await this.studio.backend.api.call('dialog.pick', { purpose });
      if (file) await this.act(purpose, file, 'target');
      return;
    }
    const browser = new FileBrowser(this.studio.backend.api, purpose);
    this.browser = browser;
    const start = this.studio.project ? this.studio.project.file.replace(/[\\/][^\\/]*$/, '') : undefined;
    await browser.open(start);
  }

  async confirm(): Promise<void> {
    const browser = this.browser;
    const file = browser?.chosenPath;
    if (!browser || !file) return;
    if (await this.act(browser.purpose, file, browser.role)) this.browser = null;
  }

  cancel(): void {
    this.browser = null;
  }

  private act(purpose: PickPurpose, file: string, role: ClipRole): Promise<boolean> {
    if (purpose === 'open-project') return this.studio.openProject(file);
    if (purpose === 'new-project') return this.studio.newProject(file);
    return this.studio.importClip(file, role);
  }
}
