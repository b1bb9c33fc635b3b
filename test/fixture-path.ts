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
