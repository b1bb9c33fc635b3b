// Run identity: every run gets an id, stamped into each artifact it writes (network, W_INI, counts,
// rasters) and into every JSON derived from it (-bf, -kq, -rates, reports), so that analysis never
// mixes one run's files with another's and a finished run is never silently replaced.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { peekContainer } from '../core/container.js';

/** A new run id: UTC start time and 32 random bits, e.g. 20261206-195800-3f9a0c1e (sortable, unique). */
export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(4).toString('hex')}`;
}

/** The files a run writes into its artifacts folder (the report and its figures are written later, by nalsm report). */
export const ARTIFACT_FILES = ['network.bin', 'w-ini.bin', 'counts.bin', 'rasters.bin', 'readout.bin'] as const;

const isRunFile = (f: string): boolean => (ARTIFACT_FILES as readonly string[]).includes(f) || /^report(-[\w-]+)?\.(html|svg)$/.test(f);

/** The nalsm files already in an artifacts folder (empty when the folder does not exist). */
export function existingArtifacts(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: exists and is not a folder; the run's artifacts folder must be a folder`);
  return readdirSync(dir).filter(isRunFile).sort();
}

/** Remove a previous run's files from an artifacts folder (nalsm's own files only; anything else stays). */
export function clearArtifacts(dir: string): void {
  for (const f of existingArtifacts(dir)) rmSync(join(dir, f), { force: true });
}

/** A run that would replace an earlier one: refused unless the user says --force. */
export class RunExistsError extends Error {}

/** The run id stamped into a binary artifact's header (meta.runId), or undefined for files written before run ids. */
export function artifactRunId(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    // the header sits at the start: read a little, and more only when its stated length needs it
    let buf = new Uint8Array(65536);
    let n = readSync(fd, buf, 0, buf.length, 0);
    const hlen = n >= 16 ? new DataView(buf.buffer).getUint32(12, true) : 0;
    if (16 + hlen > n && 16 + hlen <= 64 * 1024 * 1024) {
      buf = new Uint8Array(16 + hlen);
      n = readSync(fd, buf, 0, buf.length, 0);
    }
    const h = peekContainer(buf.subarray(0, n));
    const meta = h?.fields.meta as Record<string, unknown> | undefined;
    const id = meta?.runId ?? h?.fields.runId;
    return typeof id === 'string' ? id : undefined;
  } finally {
    closeSync(fd);
  }
}

export interface RunRef {
  /** the results JSON */
  path: string;
  json: { name: string; runId?: string };
  artifacts: string;
}

const idText = (id: string | undefined): string => (id === undefined ? 'no run id: written before run ids' : `run id ${id}`);
const isRun = (path: string, id: string | undefined): string => (id === undefined ? `${path} has no run id (written before run ids)` : `${path} is run id ${id}`);

/**
 * Refuse an artifact that another run wrote: its stamp must equal the results file's run id. Two
 * files from before run ids (neither stamped) pass here; the loaders then check their contents
 * (sizes, network seed) against the results.
 */
export function checkArtifactRun(run: RunRef, file: string): void {
  const got = artifactRunId(file);
  const want = run.json.runId;
  if (got === want) return;
  throw new Error(
    `${file}: belongs to another run (${idText(got)}), but ${isRun(run.path, want)}: the artifacts folder ${run.artifacts} ` +
      `holds files of a different run of "${run.json.name}". Use the results JSON that run wrote, or rerun this one (nalsm run ... --force).`,
  );
}

/**
 * A JSON derived from a run (-bf, -kq, -rates) must carry that run's id; a legacy pair (neither has
 * one) must at least name the same run and results file.
 */
export function checkDerivedRun(run: RunRef, file: string, derived: { runId?: unknown; run?: unknown; results?: unknown; samples?: unknown }): void {
  const got = typeof derived.runId === 'string' ? derived.runId : undefined;
  const want = run.json.runId;
  const sameLegacy = got === undefined && want === undefined && derived.run === run.json.name;
  if ((got !== undefined && got === want) || sameLegacy) return;
  throw new Error(
    `${file}: computed from another run (${idText(got)}${typeof derived.results === 'string' ? `, results ${derived.results}` : ''}), ` +
      `not from ${run.path}, which ${isRun('', want).trim()}. Run the analysis again on this run (nalsm analyze ... ${run.path}) or remove the stale file.`,
  );
}
