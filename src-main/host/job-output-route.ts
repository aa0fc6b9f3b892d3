import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineHost } from './engine-host.js';
import type { RouteResponse } from './route-response.js';

const OUTPUT_PATH = /^\/media\/output\/(\d{1,9})\/[^/]+$/;
/** Larger files are not offered for download; the UI shows their path instead. */
export const MAX_DOWNLOAD_BYTES = 1024 ** 3;

const CONTENT_TYPES: Record<string, string> = { '.mov': 'video/quicktime', '.mp4': 'video/mp4' };

export function isJobOutputPath(urlPath: string): boolean {
  return OUTPUT_PATH.test(urlPath);
}

/**
 * `/media/output/<jobId>/<name>`: the file a finished render job wrote, as a download (how a
 * browser, which cannot open the output folder, gets the render). Only the output of a
 * render job that succeeded in this session is served, never an arbitrary path.
 */
export async function serveJobOutput(host: EngineHost, urlPath: string): Promise<RouteResponse> {
  const jobId = Number(OUTPUT_PATH.exec(urlPath)?.[1]);
  const job = host.jobs.get(jobId);
  const output = job?.kind === 'render' && job.status === 'succeeded' ? (job.result as { output?: unknown } | undefined)?.output : undefined;
  if (typeof output !== 'string') return failure(404, 'NOT_FOUND', `Job ${jobId} has no finished render to download.`);
  try {
    await host.roots.check(output, 'read');
  } catch (error) {
    return failure(403, 'PATH_NOT_ALLOWED', (error as Error).message);
  }
  let size: number;
  try {
    size = (await stat(output)).size;
  } catch {
    return failure(404, 'NOT_FOUND', `${output}: the render is no longer there.`);
  }
  if (size > MAX_DOWNLOAD_BYTES) return failure(413, 'TOO_LARGE', `${output}: the render is too large to download through the browser; copy it from that path.`);
  const name = path.basename(output);
  return {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`,
      'Cache-Control': 'no-store',
    },
    body: new Uint8Array(await readFile(output)),
  };
}

function failure(status: number, code: string, message: string): RouteResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, body: JSON.stringify({ code, message }) };
}
