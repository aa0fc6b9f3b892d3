import type { ShotEditor } from './state/edit.svelte.js';
import type { Player } from './state/player.svelte.js';
import type { Studio } from './state/studio.svelte.js';
import type { UiState } from './state/ui.svelte.js';
import type { ViewerState } from './state/viewer.svelte.js';
import type { PaneContent } from './viewer/layout.js';

export interface Shortcut {
  keys: string;
  action: string;
}

/** Shown in the help overlay; `handleShortcut` implements exactly these. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Space', action: 'Play / pause' },
  { keys: 'L', action: 'Play forward; again for 2×, 4×, 8×' },
  { keys: 'J', action: 'Play backward; again for 2×, 4×, 8×' },
  { keys: 'K', action: 'Stop (only stops: L, K, K never adds keys)' },
  { keys: 'Hold K + J / L', action: 'Jog one frame back / forward' },
  { keys: 'Alt + K', action: 'Key the selected lane at the playhead (or its ◆ button)' },
  { keys: '[ / ], Alt + ← / →', action: 'Previous / next key (of the selected lane, else of every shown lane)' },
  { keys: 'Click the timecode', action: 'Go to a timecode (HH:MM:SS:FF) or frame number' },
  { keys: 'Ctrl + C / Ctrl + V', action: 'Copy the selected keys / paste them at the playhead (onto the selected lane, or their own lanes)' },
  { keys: 'G', action: 'Graph mode: lane curves with bezier handles, and the result' },
  { keys: 'S', action: 'Snapping on / off (playhead, other keys)' },
  { keys: '← / →', action: 'Previous / next frame' },
  { keys: 'Shift + ← / →', action: '10 frames back / forward' },
  { keys: 'Home / End', action: 'First / last frame' },
  { keys: 'F', action: 'Fit the frame / show it at 100 %' },
  { keys: 'I / O', action: 'Mark in / out at the playhead (the render range)' },
  { keys: 'Shift + O', action: 'Tracking overlays on / off (mesh, landmarks, eyes and gaze)' },
  { keys: 'C', action: 'Compare: single → side by side → wipe' },
  { keys: '1 / 2 / 3 / 4', action: 'View Original / Result / Conditioning / Mask (a target clip\'s result, conditioning and mask)' },
  { keys: 'A', action: 'A/B: switch between the two last views' },
  { keys: 'Double-click a lane', action: 'Add a keyframe there' },
  { keys: 'Shift + click / drag', action: 'Add keyframes to the selection / box-select' },
  { keys: 'Shift while dragging', action: 'Move along one axis only (the first one moved)' },
  { keys: 'Ctrl (or Alt) while dragging', action: 'Fine adjustment: a tenth as far' },
  { keys: 'Alt + drag a bezier handle', action: 'Break unified handles, or unify broken ones (a key keeps its handles broken or unified)' },
  { keys: 'Drag the selection bar', action: 'Select keys in a range of frames; drag the span to move, its edges to scale in time' },
  { keys: 'Delete', action: 'Delete the selected keyframes (Esc during a drag puts them back)' },
  { keys: 'Right-click a keyframe', action: 'Hold / linear / bezier interpolation' },
  { keys: 'Ctrl + wheel, Shift + wheel', action: 'Zoom / pan the timeline' },
  { keys: 'Ctrl + Z', action: 'Undo (edits are saved to the project as they are made)' },
  { keys: 'Ctrl + Shift + Z', action: 'Redo' },
  { keys: 'Ctrl + N', action: 'New project' },
  { keys: 'Ctrl + O', action: 'Open a project' },
  { keys: 'Ctrl + I', action: 'Import a clip' },
  { keys: '?', action: 'This help' },
  { keys: 'Esc', action: 'Close a dialog' },
];

/** The number keys' views, in the toolbar's order. */
const VIEW_KEYS: Readonly<Record<string, PaneContent>> = { '1': 'original', '2': 'synthesized', '3': 'conditioning', '4': 'mask' };

export interface ShortcutTargets {
  studio: Studio;
  player: Player;
  ui: UiState;
  editor?: ShotEditor;
  view?: ViewerState;
}

/** K held down: J and L jog one frame instead of shuttling. */
let kHeld = false;

/** Key releases: the window's keyup and blur (the Transport listens). */
export function releaseShortcutKey(event: KeyboardEvent | null): void {
  if (!event || event.code === 'KeyK') kHeld = false;
}

export function handleShortcut(event: KeyboardEvent, { player, ui, editor, view }: ShortcutTargets): void {
  const target = event.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
  const ctrl = event.ctrlKey || event.metaKey;
  if (event.key === 'Escape') {
    if (ui.helpOpen) ui.helpOpen = false;
    else ui.cancel();
    return;
  }
  if (ui.browser) return;
  let handled = true;
  if (ctrl && event.key.toLowerCase() === 'n') void ui.pick('new-project');
  else if (ctrl && event.key.toLowerCase() === 'o') void ui.pick('open-project');
  else if (ctrl && event.key.toLowerCase() === 'i') void ui.pick('import-clip');
  else if (ctrl && editor && event.key.toLowerCase() === 'z') void (event.shiftKey ? editor.redo() : editor.undo());
  else if (ctrl && editor && event.key.toLowerCase() === 'y') void editor.redo();
  else if (ctrl && editor && event.key.toLowerCase() === 'c') handled = editor.ops.copy();
  else if (ctrl && editor && event.key.toLowerCase() === 'v' && editor.ops.clipboard.length > 0) void editor.ops.paste();
  else if (event.altKey && !ctrl && event.code === 'KeyK') {
    // Keying has its own shortcut: K is the J/K/L transport's stop and nothing else.
    if (editor?.view.focusedLane) void editor.ops.keyAtPlayhead();
    else handled = false;
  } else if (event.altKey && !ctrl && editor && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) editor.ops.jumpToKey(event.key === 'ArrowRight' ? 1 : -1);
  else if (ctrl || event.altKey) handled = false;
  else if (event.key === '?') ui.helpOpen = !ui.helpOpen;
  else if (event.key === ' ') player.togglePlay();
  else if (event.code === 'KeyL' || event.code === 'KeyJ') {
    const direction = event.code === 'KeyL' ? 1 : -1;
    if (kHeld) player.step(direction);
    else player.shuttle(direction);
  } else if (event.code === 'KeyK') {
    kHeld = true;
    player.pause();
  } else if ((event.key === 'Delete' || event.key === 'Backspace') && editor && editor.view.selected.size > 0) void editor.ops.deleteSelected();
  else if (editor && (event.key === '[' || event.key === ']')) editor.ops.jumpToKey(event.key === ']' ? 1 : -1);
  else if (editor && (event.key === 'g' || event.key === 'G')) editor.view.graph = !editor.view.graph;
  else if (editor && (event.key === 's' || event.key === 'S')) editor.view.snapping = !editor.view.snapping;
  else if (event.key === 'ArrowRight') player.step(event.shiftKey ? 10 : 1);
  else if (event.key === 'ArrowLeft') player.step(event.shiftKey ? -10 : -1);
  else if (event.key === 'Home') player.toStart();
  else if (event.key === 'End') player.toEnd();
  else if (event.key === 'f' || event.key === 'F') player.zoom = player.zoom === 'fit' ? 'actual' : 'fit';
  else if (event.key === 'i' || event.key === 'I') player.markIn();
  else if (event.key === 'o') player.markOut();
  else if (view && event.key === 'O') view.toggleOverlays();
  else if (view && (event.key === 'c' || event.key === 'C')) view.cycleCompare();
  else if (view && player.clip?.role === 'target' && (event.key === 'a' || event.key === 'A')) view.swap();
  else if (view && VIEW_KEYS[event.key] && (VIEW_KEYS[event.key] === 'original' || player.clip?.role === 'target')) view.showContent(VIEW_KEYS[event.key]!);
  else handled = false;
  if (handled) event.preventDefault();
}
