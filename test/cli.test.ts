// The CLI rejects bad flags with a message naming the flag, and every command has --help.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PATH } from './fixture-path.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const nalsm = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

test('bad flags give exit code 2 and a message that names the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', '--model', 'foo'], /--model must be one of lsm, lsm-stdp, lsm-apstdp, nalsm; got "foo"/],
    [['run', '--neurons', '999'], /--neurons must be a perfect cube/],
    [['run', '--train', 'abc'], /--train must be an integer, got "abc"/],
    [['run', '--weight', '7'], /--weight must be between 0 and 3, got 7/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['run', '--workers', '0'], /--workers must be between 1 and 256/],
    [['run', '--train', '60000'], /--train must be between 1 and 50000/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['simulate'], /needs --network FILE/],
  ];
  for (const [args, re] of cases) {
    const r = nalsm(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
});

test('every command answers --help', () => {
  for (const cmd of ['run', 'simulate', 'generate', 'readout']) {
    const r = nalsm(cmd, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^nalsm ${cmd}:`));
  }
  assert.match(nalsm('--help').stdout, /Commands/);
});

test('simulate --check reproduces the fixture; generate writes a loadable network', () => {
  const r = nalsm('simulate', '--network', FIXTURE_PATH, '--pulses', FIXTURE_PATH, '--check');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /22 samples, .* 0 cases differ from the fixture/);
  const dir = mkdtempSync(join(tmpdir(), 'nalsm-cli-'));
  const out = join(dir, 'net.bin');
  const g = nalsm('generate', '--dims', '4x4x4', '--inputs', '20', '--seed', '3', '--out', out);
  assert.equal(g.status, 0, g.stderr);
  assert.ok(existsSync(out));
  assert.equal(readFileSync(out).subarray(0, 8).toString(), 'NALSMNET');
  const s = nalsm('simulate', '--network', join(dir, 'missing.bin'), '--pulses', FIXTURE_PATH);
  assert.notEqual(s.status, 0);
  assert.match(s.stderr, /missing\.bin/);
});
