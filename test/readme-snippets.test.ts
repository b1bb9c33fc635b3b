// The README's library examples and its everyday commands run as printed from an outside project that
// installs nalsm from a packed tarball (what `npm install nalsm` gives a user): the package's exports,
// its files list and its bin must be enough. Full-size runs are shown by their plan (--dry-run).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const EXAMPLES = ['quickstart.mjs', 'run-and-load.mjs'];

test('each README js block is an examples/ file, verbatim', () => {
  const blocks = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, EXAMPLES.length);
  blocks.forEach((b, k) => assert.ok(readFileSync(join(ROOT, 'examples', EXAMPLES[k]), 'utf8').endsWith(b), `examples/${EXAMPLES[k]} must end with README js block ${k + 1}`));
});

test('from an outside project that installs the packed nalsm: the README examples and commands run', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-outside-'));
  try {
    const sh = (cmd: string, args: string[], cwd: string) => {
      const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
      assert.equal(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    // dist/ is built by `npm test` before the tests run, so the tarball needs no build step of its own
    sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    sh('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'outside', version: '1.0.0', private: true, type: 'module' }));
    sh('npm', ['install', '--no-save', '--ignore-scripts', join(dir, tgz)], app);
    for (const e of EXAMPLES) copyFileSync(join(ROOT, 'examples', e), join(app, e));
    assert.match(sh(process.execPath, ['quickstart.mjs'], app), /^7 \d+ liquid spikes\n$/);
    const out = sh(process.execPath, ['run-and-load.mjs'], app);
    assert.match(out, /^\d{8}-\d{6}-[0-9a-f]{8} 125 \d+ 50 \{ val: [\d.]+, test: [\d.]+ \}\n$/);
    // the CLI as a user gets it: help, the demo's plan, the list of runs
    const nalsm = join(app, 'node_modules', '.bin', 'nalsm');
    assert.match(sh(nalsm, ['--help'], app), /Commands/);
    assert.match(sh(nalsm, ['run', '--dry-run'], app), /plan: run demo-lsm-mnist-1000-s1\n[\s\S]*writes {4}runs\/demo\/demo-lsm-mnist-1000-s1\.json/);
    assert.match(sh(nalsm, ['list', 'my-results'], app), /nalsm-mnist-125-s1-n100-50-50-init50\s+\d{8}-\d{6}-[0-9a-f]{8}\s+nalsm\s+mnist\s+125\s+100\/50\/50/);
    // the installed package records no commit of the enclosing project
    const j = JSON.parse(readFileSync(join(app, 'my-results', 'nalsm-mnist-125-s1-n100-50-50-init50.json'), 'utf8'));
    assert.equal(j.commit, 'unknown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
