// Browser discovery in one place: tests, benchmarks and the e2e runner all ask this module for
// the Chromium binary, so "which browser" is decided once and fails with one clear message.
//
// Usage:
//   import { findChromium, CHROMIUM_ARGS } from './chromium.mjs';
//   node scripts/chromium.mjs            print the path, or exit 1 with the reason
//   node scripts/chromium.mjs --ensure   same, but install Debian's chromium first if missing
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Flags for every launch: no sandbox (containers run as root), and no background traffic that
 * would add noise to benchmarks or hang an offline machine. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const NOT_FOUND =
  'No Chromium or Chrome found: install Debian\'s chromium (apt-get install -y chromium) or set CHROME_PATH to a Chrome/Chromium binary.';

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function lookUp() {
  return CANDIDATES.find(isExecutableFile);
}

function canInstallWithApt() {
  return existsSync('/etc/debian_version') && process.getuid?.() === 0;
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}.`);
}

/**
 * Resolves the path of a Chromium/Chrome binary.
 *
 * Order: `CHROME_PATH` (if set it must point to an executable; it is never silently ignored),
 * then the usual Linux and macOS install paths. With `install: true`, as root on Debian, runs
 * `apt-get install -y chromium` when nothing is found and looks again.
 *
 * @param {{ install?: boolean }} [options]
 * @returns {Promise<string>}
 */
export async function findChromium({ install = false } = {}) {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to "${fromEnv}", which is not an executable file: fix it or unset CHROME_PATH.`);
  }

  const found = lookUp();
  if (found) return found;

  if (install && canInstallWithApt()) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium']);
    const installed = lookUp();
    if (installed) return installed;
  }
  throw new Error(NOT_FOUND);
}

const isCli = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isCli) {
  try {
    console.log(await findChromium({ install: process.argv.includes('--ensure') }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
