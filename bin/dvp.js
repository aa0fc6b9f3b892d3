#!/usr/bin/env node
// The `dvp` command runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src-main/cli/dvp.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('dvp: the CLI is not built yet; run `npm run build` in the DVP Studio folder.\n');
  process.exit(70);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
