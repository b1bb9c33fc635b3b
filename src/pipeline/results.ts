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
 * The commit of the code this process runs, and whether the working tree had uncommitted changes
 * to tracked files: read once, when this module is first imported, so a long run records the code
 * it started from even if HEAD moves while it runs.
 */
export function gitProvenance(): { commit: string; dirty: boolean } {
  return { ...PROVENANCE_AT_LOAD };
}

/** The commit this process started from (see gitProvenance for the dirty flag). */
export function gitCommit(): string {
  return PROVENANCE_AT_LOAD.commit;
}

function readProvenance(): { commit: string; dirty: boolean } {
  try {
    const here = dirname(new URL(import.meta.url).pathname);
    // installed as a dependency: git would find the enclosing project's repository, not ours
    if (here.split(/[\\/]/).includes('node_modules')) return { commit: 'unknown', dirty: false };
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return { commit: sha, dirty: status !== '' };
  } catch {
    // an installed package (no git checkout): the version is the provenance
    return { commit: 'unknown', dirty: false };
  }
}

export function machineInfo(): { cpus: number; cpuModel: string; node: string; platform: string } {
  const c = cpus();
  return { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
}

const PROVENANCE_AT_LOAD = readProvenance();
