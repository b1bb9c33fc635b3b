// The README's claims stand on files and commands: every results JSON it names is committed, no
// committed result hides a dirty or unknown commit, every `nalsm run` command it prints is valid today
// (its plan, --dry-run) and the run commands beside the results tables name the files those tables cite.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYNTHETIC_MARKER } from '../src/data/nmnist.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const RESULTS = join(ROOT, 'results');
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Results files the README names: `x.json` or `results/x.json`, not code like run.json.name. */
function citedResults(text: string): string[] {
  const re = /(?<![\w<>/.${}-])(?:results\/)?([a-z][a-z0-9.-]*[a-z0-9]\.json)(?!\.\w)/g;
  return [...new Set([...text.matchAll(re)].map((m) => m[1]))].sort();
}

/** `nalsm run ...` commands: in code blocks (npx nalsm run ...) and in backticks (which may wrap lines). */
function runCommands(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^npx (nalsm run\b.*)$/gm)) out.add(m[1].replace(/#.*$/, '').trim());
  for (const m of text.matchAll(/`(nalsm run\b[^`]*)`/g)) out.add(m[1].replace(/\s+/g, ' ').trim());
  return [...out];
}

test('every results file the README names is committed under results/', () => {
  const cited = citedResults(README);
  assert.ok(cited.length >= 15, `only ${cited.length} results files found in the README`);
  const missing = cited.filter((f) => !existsSync(join(RESULTS, f)));
  assert.deepEqual(missing, [], `README names results files that are not committed: ${missing.join(', ')}`);
});

test('no committed result records a dirty or unknown commit without a note that says so', () => {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const haveGit = git('rev-parse', 'HEAD').status === 0;
  const bad: string[] = [];
  for (const f of readdirSync(RESULTS).filter((f) => f.endsWith('.json'))) {
    const j = JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as { commit?: unknown; dirty?: unknown; provenanceNote?: unknown };
    if (j.commit === undefined) continue;
    const commit = String(j.commit);
    const noted = typeof j.provenanceNote === 'string' && j.provenanceNote.length > 20;
    if ((commit.endsWith('-dirty') || j.dirty === true) && !noted) bad.push(`${f}: ${commit}${j.dirty === true ? ' (dirty)' : ''}`);
    const sha = commit.replace(/-dirty$/, '');
    if (!/^[0-9a-f]{40}$/.test(sha)) bad.push(`${f}: commit "${commit}" is not a commit id`);
    else if (haveGit && git('cat-file', '-e', `${sha}^{commit}`).status !== 0 && !noted) bad.push(`${f}: commit ${sha} is not in this repository`);
  }
  assert.deepEqual(bad, []);
});

test('every nalsm run command in the README plans cleanly, and the results tables\' commands make the files they cite', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'nalsm-readme-'));
  try {
    // a saccade-MNIST folder is recognised by its marker file: enough for a plan
    for (const d of ['data/saccade-mnist', 'DIR']) {
      mkdirSync(join(cwd, d), { recursive: true });
      writeFileSync(join(cwd, d, SYNTHETIC_MARKER), 'synthetic\n');
    }
    const written = new Set<string>();
    const commands = runCommands(README);
    assert.ok(commands.length >= 15, `only ${commands.length} nalsm run commands found`);
    for (const cmd of commands) {
      const args = cmd.split(' ').slice(2).map((a) => (a === 'M' ? 'nalsm' : a));
      const r = spawnSync(process.execPath, [MAIN, 'run', ...args.filter((a) => a !== '--dry-run'), '--dry-run'], { cwd, encoding: 'utf8' });
      assert.equal(r.status, 0, `${cmd}\n${r.stderr}`);
      for (const m of r.stdout.matchAll(/writes {4}results\/(\S+\.json)/g)) written.add(m[1]);
    }
    // the run results the tables cite (not analysis outputs, re-fits, sweeps, benches) come from a printed command
    const runFiles = citedResults(README).filter((f) => {
      const j = JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as { kind?: string; model_parameters?: unknown };
      return j.kind === undefined && j.model_parameters !== undefined && !f.startsWith('demo-');
    });
    // the saccade runs share one command with "--model M"; the weight-1.0 LSM of it is named in the text
    const orphans = runFiles.filter((f) => !written.has(f) && !written.has(f.replace('saccade-mnist', 'saccade-mnist')));
    const explained = orphans.filter((f) => /^(lsm|lsm-stdp|lsm-apstdp)-saccade-mnist-1000-s1(-w0\.8|-w1)?\.json$/.test(f));
    assert.deepEqual(orphans.filter((f) => !explained.includes(f)), [], `cited run results no README command writes (commands write: ${[...written].join(', ')})`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
