import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connectBackend } from './lib/api/bridge.js';
import { ShotEditor } from './lib/state/edit.svelte.js';
import { Player } from './lib/state/player.svelte.js';
import { RenderQueue } from './lib/state/render.svelte.js';
import { Studio } from './lib/state/studio.svelte.js';
import { TrackingState } from './lib/state/tracking.svelte.js';
import { TrainingState } from './lib/state/training.svelte.js';
import { UiState } from './lib/state/ui.svelte.js';
import { ViewerState } from './lib/state/viewer.svelte.js';

const studio = new Studio(connectBackend());
const player = new Player();
const ui = new UiState(studio);
const editor = new ShotEditor(studio, player);
const view = new ViewerState(studio.backend.api);
const panels = { tracking: new TrackingState(studio.backend.api), training: new TrainingState(studio.backend.api), queue: new RenderQueue(studio.backend.api) };
void studio.load();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');
mount(App, { target, props: { studio, player, ui, editor, view, panels } });
