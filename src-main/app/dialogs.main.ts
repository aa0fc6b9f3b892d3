import { dialog, type BrowserWindow } from 'electron';
import type { ParamsOf, ResultOf } from '../api/methods.js';

const VIDEO = { name: 'Video', extensions: ['mp4', 'mov', 'mkv', 'm4v', 'avi', 'mxf', 'webm'] };
const PROJECT = { name: 'DVP Studio project', extensions: ['dvp'] };

/** The `dialog.pick` API method: the operating system's open and save dialogs. */
export async function pickFile(window: BrowserWindow | undefined, { purpose }: ParamsOf<'dialog.pick'>): Promise<ResultOf<'dialog.pick'>> {
  if (purpose === 'new-project' || purpose === 'save-render') {
    const options = purpose === 'new-project'
      ? { title: 'New project', defaultPath: 'Untitled.dvp', filters: [PROJECT] }
      : { title: 'Render to', defaultPath: 'render.mov', filters: [{ name: 'QuickTime', extensions: ['mov'] }, { name: 'MPEG-4', extensions: ['mp4'] }] };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return { file: result.canceled || !result.filePath ? null : result.filePath };
  }
  const options = {
    title: purpose === 'open-project' ? 'Open a project' : 'Import a clip',
    filters: [purpose === 'open-project' ? PROJECT : VIDEO],
    properties: ['openFile' as const],
  };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return { file: result.canceled ? null : (result.filePaths[0] ?? null) };
}
