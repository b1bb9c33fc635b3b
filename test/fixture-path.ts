// Where the shared conformance fixture lives, seen from the compiled test folder (dist/test).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [
  process.env.NALSM_FIXTURE ?? '',
  resolve(here, '../../../shared/fixtures/nalsm-conformance-v1.json.gz'),
  resolve(here, '../../shared/fixtures/nalsm-conformance-v1.json.gz'),
].filter(Boolean);

export const FIXTURE_PATH = candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1];

/** '' when every neuron's count matches, else how many differ and the first one. */
export function countDiff(got: Int32Array, want: ArrayLike<number>): string {
  let n = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++)
    if (got[i] !== want[i]) {
      n++;
      if (first < 0) first = i;
    }
  return n === 0 ? '' : `${n} neurons differ, first at neuron ${first} (got ${got[first]}, want ${want[first]})`;
}
