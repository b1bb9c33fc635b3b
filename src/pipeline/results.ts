// Results files: written atomically (temp file in the same folder, then rename), with the
// provenance every figure needs: command, commit, seed, machine.
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 1) + '\n');
}

/**
 * The commit of the code this process runs: read once, when this module is first imported, so a
 * long run records the commit it started from even if HEAD moves while it runs.
 */
export function gitCommit(): string {
  return COMMIT_AT_LOAD;
}

function readCommit(): string {
  try {
    const here = dirname(new URL(import.meta.url).pathname);
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): { cpus: number; cpuModel: string; node: string; platform: string } {
  const c = cpus();
  return { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
}

const COMMIT_AT_LOAD = readCommit();
