// src-main/shared/errors.ts (reached through the engine's pure timecode module) names one
// Node type in a cast; declare just that, rather than all of @types/node, for the renderer.
declare namespace NodeJS {
  interface ErrnoException extends Error {
    code?: string;
  }
}
