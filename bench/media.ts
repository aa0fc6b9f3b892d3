import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared real clips, beside the repository (DVP_MEDIA_DIR overrides). */
export const MEDIA_DIR = process.env.DVP_MEDIA_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'media');
