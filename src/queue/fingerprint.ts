// A fingerprint of a run's data as loaded (pixels or events, labels, sizes of every split): datasets do
// not travel in jobs, so a worker loads its own copy and checks that it is the coordinator's.
import { createHash } from 'node:crypto';
import type { LoadedSplits } from '../pipeline/phases.js';
import { COUNT_ORDER } from '../pipeline/phases.js';

const view = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function dataFingerprint(d: LoadedSplits): string {
  const h = createHash('sha256');
  h.update(`${d.datasetLabel} NX=${d.NX}\n`);
  for (const s of COUNT_ORDER) {
    const x = d.data[s];
    h.update(`${s} n=${x.n} `);
    if (x.kind === 'events') {
      for (const v of Object.values(x.set)) if (ArrayBuffer.isView(v)) h.update(view(v));
    } else {
      h.update(`R=${x.R} `);
      h.update(view(x.images));
    }
    h.update(view(d.labels[s]));
  }
  return h.digest('hex');
}
