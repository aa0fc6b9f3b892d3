import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The engine's entry module. From the TypeScript sources (tests, `node --import tsx`) the
 * engine runs through tsx as well; from the build it runs the compiled JavaScript.
 */
export function engineEntry(): { module: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const module = path.join(path.dirname(here), '..', 'engine-process', fromSource ? 'engine-main.ts' : 'engine-main.js');
  if (!existsSync(module)) throw new Error(`The engine entry ${module} is missing; rebuild DVP Studio (npm run build).`);
  return { module, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}
