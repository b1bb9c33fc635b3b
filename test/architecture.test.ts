// The model core must run in a browser page: no node: modules anywhere under src/core.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORE = fileURLToPath(new URL('../src/core', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('src/core imports no node: module and no Node globals', () => {
  const all = files(CORE);
  assert.ok(all.length > 10);
  for (const f of all) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /from ['"]node:|require\(|\bprocess\.|\bBuffer\./, f);
    // and nothing outside core (data, pipeline, cli are adapters around it)
    for (const m of src.matchAll(/from ['"](\.[^'"]+)['"]/g)) assert.doesNotMatch(m[1], /\/(data|pipeline|cli|report)\//, `${f} imports ${m[1]}`);
  }
});
