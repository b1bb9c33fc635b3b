// This nalsm's version (package.json): every job carries the version that made it, and a worker refuses
// jobs from another version, whose numbers it could not promise to reproduce.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/src/queue/version.js → the package root
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const NALSM_VERSION = readVersion();
