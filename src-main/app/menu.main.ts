import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * The application menu: the platform's standard roles (so Cut/Copy/Paste, Undo, Quit and
 * window shortcuts behave natively) plus File items that send the same keys the web UI
 * already handles, so the menu and the keyboard can never disagree.
 */
export function installMenu(sendKey: (key: string, ctrl: boolean) => void): void {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => sendKey('n', true) },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => sendKey('o', true) },
        { label: 'Import Clip…', accelerator: 'CmdOrCtrl+I', click: () => sendKey('i', true) },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'togglefullscreen' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'Shift+/', click: () => sendKey('?', false) }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
