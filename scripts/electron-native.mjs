// electron-builder `beforePack` hook (electron-builder.yml): rebuilds the oneDNN addon
// (native/dnnl) against Electron's headers for the platform and arch being packed, and on Linux
// copies the shared libraries it needs beside it, so that the packaged app finds them through
// the addon's rpath $ORIGIN (native/dnnl/binding.gyp).
//
// The addon is N-API, so the rebuilt file also loads in the system Node (the `dvp` CLI keeps
// working). It cannot be cross-compiled: pack each platform on that platform. Set
// DVP_SKIP_NATIVE=1 to package without it; the app then falls back to the wasm backend and
// `dvp doctor` / the training panel say why.
//
// By hand, the same rebuild is:
//   npx node-gyp rebuild --directory native/dnnl --target=<electronVersion> --arch=<arch> \
//     --dist-url=https://electronjs.org/headers
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** electron-builder's Arch enum, by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];
const NODE_PLATFORM = { linux: 'linux', darwin: 'darwin', mas: 'darwin', win32: 'win32' };
/** Libraries shipped beside the addon on Linux: oneDNN, its OpenMP runtime and its OpenCL loader (Debian's libdnnl2 links it). */
const LINUX_LIBS = /^lib(dnnl|gomp|OpenCL)\.so(\.\d+)*$/;

function log(message) {
  console.log(`  • electron-native: ${message}`);
}

function run(command, args, options = {}) {
  log(`${command} ${args.join(' ')}`);
  execFileSync(command, args, { stdio: 'inherit', ...options });
}

/** [soname, resolved path] of the addon's shared libraries that ship beside it, from ldd. */
function linuxLibraries(addon) {
  const out = execFileSync('ldd', [addon], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    const match = /^\s*(\S+)\s+=>\s+(\/\S+)/.exec(line);
    if (match && LINUX_LIBS.test(match[1])) libs.push([match[1], match[2]]);
    if (/=>\s+not found/.test(line)) throw new Error(`${addon} needs ${line.trim()}; install libdnnl-dev (apt-get install libdnnl-dev).`);
  }
  if (!libs.some(([name]) => name.startsWith('libdnnl.so'))) throw new Error(`ldd ${addon} lists no libdnnl.so; is the addon linked against oneDNN?`);
  return libs;
}

export function shipLinuxLibraries(release, addon) {
  for (const file of readdirSync(release)) if (LINUX_LIBS.test(file)) rmSync(path.join(release, file));
  for (const [soname, file] of linuxLibraries(addon)) {
    const target = path.join(release, soname);
    copyFileSync(realpathSync(file), target);
    log(`shipping ${soname} (${file})`);
  }
  // The copied libdnnl must find the libraries beside it too (an rpath only serves its own object's needs).
  const dnnl = readdirSync(release).find((f) => f.startsWith('libdnnl.so'));
  try {
    run('patchelf', ['--set-rpath', '$ORIGIN', path.join(release, dnnl)]);
  } catch (error) {
    throw new Error(`patchelf failed on ${dnnl} (install it: apt-get install patchelf): ${error.message}`, { cause: error });
  }
}

function shipWindowsLibraries(release) {
  const roots = [process.env.DNNL_DIR, process.env.VCPKG_ROOT && path.join(process.env.VCPKG_ROOT, 'installed', 'x64-windows')].filter(Boolean);
  for (const root of roots) {
    const dll = path.join(root, 'bin', 'dnnl.dll');
    if (existsSync(dll)) {
      copyFileSync(dll, path.join(release, 'dnnl.dll'));
      log(`shipping dnnl.dll (${dll})`);
      return;
    }
  }
  throw new Error('dnnl.dll not found: set DNNL_DIR to the oneDNN binary package (bin\\dnnl.dll) or VCPKG_ROOT with onednn installed for x64-windows (native/README.md).');
}

/** The dylibs a Mach-O file links (otool -L), without its own id line. */
function macDependencies(file) {
  return execFileSync('otool', ['-L', file], { encoding: 'utf8' })
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(' ')[0])
    .filter(Boolean);
}

/** Where an @rpath/… reference to oneDNN or libomp lives: DNNL_DIR/lib, LIBOMP_DIR/lib (e.g. $(brew --prefix libomp)). */
function resolveMacReference(reference) {
  if (!reference.startsWith('@')) return reference;
  const name = path.basename(reference);
  for (const root of [process.env.DNNL_DIR, process.env.LIBOMP_DIR].filter(Boolean)) {
    const candidate = path.join(root, 'lib', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${reference}: not found; set DNNL_DIR (oneDNN 2.x install prefix) and LIBOMP_DIR (libomp prefix) (native/README.md).`);
}

/** Copies oneDNN and libomp beside the addon and points every reference at @loader_path. */
function shipMacLibraries(release, addon) {
  const wanted = /lib(dnnl|omp)[^/]*\.dylib$/;
  const pending = [addon];
  const shipped = new Map();
  while (pending.length > 0) {
    const file = pending.pop();
    for (const reference of macDependencies(file)) {
      if (!wanted.test(reference)) continue;
      const name = path.basename(reference);
      if (!shipped.has(name)) {
        const source = resolveMacReference(reference);
        const target = path.join(release, name);
        copyFileSync(realpathSync(source), target);
        run('install_name_tool', ['-id', `@loader_path/${name}`, target]);
        shipped.set(name, target);
        pending.push(target);
        log(`shipping ${name} (${source})`);
      }
      run('install_name_tool', ['-change', reference, `@loader_path/${name}`, file]);
    }
  }
  if (![...shipped.keys()].some((name) => name.startsWith('libdnnl'))) throw new Error(`otool -L ${addon} lists no libdnnl dylib; is the addon linked against oneDNN?`);
}

export default async function beforePack(context) {
  const platform = NODE_PLATFORM[context.electronPlatformName];
  const arch = ARCH_NAMES[context.arch];
  const projectDir = context.packager.info.projectDir;
  const electronVersion = context.packager.config.electronVersion ?? context.packager.info.framework.version;
  if (process.env.DVP_SKIP_NATIVE === '1') {
    log('DVP_SKIP_NATIVE=1: packaging without the oneDNN addon (the app uses wasm)');
    return;
  }
  if (platform !== process.platform || (arch !== process.arch && arch !== 'universal')) {
    throw new Error(
      `cannot build the oneDNN addon for ${context.electronPlatformName}-${arch} on ${process.platform}-${process.arch}: ` +
        'pack each platform and arch on a matching machine, or set DVP_SKIP_NATIVE=1 to ship without it (the app falls back to wasm).',
    );
  }
  const directory = path.join(projectDir, 'native', 'dnnl');
  const require = createRequire(import.meta.url);
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  // npm_config_nodedir (setup.sh points it at the system Node) would override Electron's headers.
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(key)) delete env[key];
  run(process.execPath, [nodeGyp, 'rebuild', `--directory=${directory}`, `--target=${electronVersion}`, `--arch=${arch === 'universal' ? process.arch : arch}`, '--dist-url=https://electronjs.org/headers'], { env });

  const release = path.join(directory, 'build', 'Release');
  const addon = path.join(release, 'dvp_dnnl.node');
  if (!existsSync(addon)) throw new Error(`${addon} was not built.`);
  if (platform === 'linux') shipLinuxLibraries(release, addon);
  else if (platform === 'win32') shipWindowsLibraries(release);
  else shipMacLibraries(release, addon);
  log(`${addon} built for Electron ${electronVersion} (${context.electronPlatformName}-${arch})`);
}
