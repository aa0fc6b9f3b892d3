import type { EngineHost } from './engine-host.js';
import { isJobOutputPath, serveJobOutput } from './job-output-route.js';
import type { RouteResponse } from './route-response.js';

export type { RouteResponse };

const FRAME_PATH = /^\/media\/frame\/(\d{1,9})\/(\d{1,9})\.(rgb|png)$/;

/** True for the paths this route answers (`/media/…`). */
export function isMediaPath(urlPath: string): boolean {
  return urlPath.startsWith('/media/');
}

/**
 * Project media by URL, the same in both shells (`dvp://studio/media/…` in Electron,
 * `http://127.0.0.1:PORT/media/…` in a browser):
 * `/media/frame/<clipId>/<index>.rgb` is the raw RGB24 frame for the viewer (size in the
 * X-Frame-Width/-Height headers); `.png` is the same frame as a PNG;
 * `/media/output/<jobId>/<name>` is a finished render, as a download.
 */
export async function serveMedia(host: EngineHost, urlPath: string): Promise<RouteResponse> {
  if (isJobOutputPath(urlPath)) return serveJobOutput(host, urlPath);
  const match = FRAME_PATH.exec(urlPath);
  if (!match) return errorResponse(404, 'NOT_FOUND', `There is no media at ${urlPath}.`);
  const [, clipId, index, format] = match;
  // The clip's media must still lead inside the allowed roots (a link swapped after the import).
  try {
    await host.roots.checkClip(Number(clipId));
  } catch (error) {
    return errorResponse(403, 'PATH_NOT_ALLOWED', (error as Error).message);
  }
  const result = await host.call('media.frame', { clipId: Number(clipId), index: Number(index), format });
  if (!result.ok) {
    const status = result.error.code === 'NOT_FOUND' ? 404 : result.error.code === 'INVALID_ARGUMENT' ? 400 : result.error.code === 'NO_PROJECT' ? 409 : 500;
    return errorResponse(status, result.error.code, result.error.message);
  }
  const frame = result.value as { width: number; height: number; contentType: string; bytes: Uint8Array };
  return {
    status: 200,
    headers: {
      'Content-Type': frame.contentType,
      'X-Frame-Width': String(frame.width),
      'X-Frame-Height': String(frame.height),
      'Cache-Control': 'no-store',
    },
    body: frame.bytes,
  };
}

function errorResponse(status: number, code: string, message: string): RouteResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, body: JSON.stringify({ code, message }) };
}
