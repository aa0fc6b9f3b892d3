import type { History, HistoryEntry } from '../../../../src-main/api/edit-schemas.js';

/** The project's undo history as the UI shows it (the engine keeps it in the project file). */
export class EditHistory {
  undoStack = $state.raw<HistoryEntry[]>([]);
  redoStack = $state.raw<HistoryEntry[]>([]);

  readonly nextUndo = $derived(this.undoStack[this.undoStack.length - 1] ?? null);
  readonly nextRedo = $derived(this.redoStack[0] ?? null);

  set(history: History): void {
    this.undoStack = history.undo;
    this.redoStack = history.redo;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }
}
