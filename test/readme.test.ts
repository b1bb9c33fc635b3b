// The README's library example runs and stays in sync with the README.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('README library example is examples/quickstart.mjs and it runs', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const example = readFileSync(`${root}examples/quickstart.mjs`, 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(readme)![1];
  assert.ok(example.endsWith(block), 'examples/quickstart.mjs must hold the README block verbatim');
  const r = spawnSync(process.execPath, [`${root}examples/quickstart.mjs`], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^7 \d+ liquid spikes\n$/);
});
