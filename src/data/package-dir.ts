// Where an installed npm data package keeps its files.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** `sub` inside the installed package `name`, with a clear error when it is not installed. */
export function packageDir(name: string, ...sub: string[]): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve(`${name}/package.json`);
  } catch (e) {
    throw new Error(`cannot find the ${name} package (is it installed? run npm install): ${(e as Error).message}`);
  }
  return join(dirname(pkg), ...sub);
}
