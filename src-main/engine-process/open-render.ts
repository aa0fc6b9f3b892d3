import type { Project } from '../engine/project/project.js';
import { renderInputsStamp, ShotFrames, type ShotFramesOptions } from '../engine/render/shot-frames.js';

interface Entry {
  project: Project;
  key: string;
  opening: Promise<ShotFrames>;
}

/**
 * The render the viewer's Result view draws from, kept open between `synth.frame` calls: one
 * clip and model at a time (each holds a network and two decoders). It is reopened when the
 * clip, model, edit, tracking or checkpoint changes (`renderInputsStamp`, checked on every
 * call) and closed with the project.
 */
export class OpenRender {
  private entry: Entry | undefined;

  async frames(project: Project, options: ShotFramesOptions): Promise<ShotFrames> {
    const key = `${options.clipId}#${options.modelId ?? 'default'}#${renderInputsStamp(project, options)}`;
    const current = this.entry;
    if (current?.project === project && current.key === key) {
      try {
        return await current.opening;
      } catch {
        // A failed open is not kept: the next call tries again (and reports its own error).
      }
    }
    this.close();
    const opening = ShotFrames.open(project, options);
    const entry: Entry = { project, key, opening };
    this.entry = entry;
    opening.catch(() => {
      if (this.entry === entry) this.entry = undefined;
    });
    return opening;
  }

  /** Closes the open render, if any (a frame being drawn finishes first). */
  close(): void {
    const entry = this.entry;
    this.entry = undefined;
    void entry?.opening.then((frames) => frames.dispose()).catch(() => undefined);
  }
}
