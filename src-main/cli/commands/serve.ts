import { EngineHost } from '../../host/engine-host.js';
import { nodeEngineSpawner } from '../../host/node-engine.js';
import { isLoopback } from '../../server/access.js';
import { defaultConfigDir, defaultUiDir, packageVersion } from '../../server/locations.js';
import { startServer } from '../../server/server.js';
import { asDvpErrorCode, DvpError } from '../../shared/errors.js';
import { stringOption, type CliCommand } from '../command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run DVP Studio in a browser: serve the UI and the engine on 127.0.0.1 with an access token.',
  usage: 'serve [FILE.dvp] [--port N] [--host ADDRESS --tls-cert FILE --tls-key FILE] [--allow-host NAME]... [--root DIR]... [--ui DIR]',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    ui: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    root: { type: 'string', multiple: true },
  },
  async run(context) {
    const portText = stringOption(context, 'port') ?? '0';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DvpError('INVALID_ARGUMENT', `--port ${portText} is not a port number (0–65535; 0 picks a free one).`);
    const bindAddress = stringOption(context, 'host') ?? '127.0.0.1';
    const tls = tlsOption(stringOption(context, 'tls-cert'), stringOption(context, 'tls-key'));
    const allowHosts = stringList(context.values['allow-host']);
    const projectFile = context.positionals[0];
    // The folders the API may reach: the project's and its media's, and each --root; without either, this folder.
    const roots = stringList(context.values.root);
    if (roots.length === 0 && projectFile === undefined) roots.push(process.cwd());

    const host = new EngineHost({ spawn: nodeEngineSpawner(), log: (line) => process.stderr.write(`${line}\n`) });
    await host.start();
    try {
      if (projectFile !== undefined) {
        const opened = await host.call('project.open', { file: projectFile });
        if (!opened.ok) throw new DvpError(asDvpErrorCode(opened.error.code), opened.error.message, { file: projectFile });
      }
      const server = await startServer({
        host,
        uiDir: stringOption(context, 'ui') ?? defaultUiDir(),
        configDir: defaultConfigDir(),
        version: packageVersion(),
        bindAddress,
        port,
        tls,
        allowHosts,
        roots,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      if (!isLoopback(bindAddress)) {
        context.stdout(`Warning: listening on ${bindAddress} (HTTPS); whoever opens the URL first gets the session. Prefer an SSH tunnel.`);
      }
      context.stdout(`DVP Studio is running at ${server.url}`);
      context.stdout(`The editor may use files in ${(await host.roots.list()).join(', ')} (allow more folders with --root DIR).`);
      context.stdout('Open that URL in Chromium or Chrome. Press Ctrl+C to stop.');
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      context.stdout('Stopping: waiting for running jobs to reach a safe point…');
      await server.close();
    } finally {
      await host.shutdown();
    }
  },
};

/** `--tls-cert` and `--tls-key` come together or not at all. */
function tlsOption(certFile: string | undefined, keyFile: string | undefined): { certFile: string; keyFile: string } | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new DvpError('INVALID_ARGUMENT', 'HTTPS needs both --tls-cert FILE and --tls-key FILE.');
  return { certFile, keyFile };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
