import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared real clips, beside the repository (DVP_MEDIA_DIR overrides). */
export const MEDIA_DIR = process.env.DVP_MEDIA_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'media');

/** Where each benchmark writes its JSON, samples and strips (read back into bench/REPORT.md). */
export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results');
