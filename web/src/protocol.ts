// Messages between the page and its worker.
export interface RunParams {
  model: string;
  /** LSM only */
  liquidWeight?: number;
  /** NALSM only */
  astroW?: number;
  inputSeed?: number;
}

export type ToWorker =
  | { type: 'load'; url: string }
  | { type: 'run'; id: number; params: RunParams; image?: Uint8Array; sample?: number }
  | { type: 'batch'; id: number; params: RunParams; count: number; passes: number };

export interface ModelInfo {
  key: string;
  name: string;
  liquidWeight: number;
  astroW: number;
  seed: number;
  accuracy: { val: number; test: number };
  sigmaBF: number | null;
  runName: string;
  samples: { train: number; val: number; test: number };
  /** test images classified one at a time as this page does (nalsm export --evaluate) */
  pageAccuracy: { n: number; accuracy: number } | null;
}

export type FromWorker =
  | { type: 'loaded'; models: ModelInfo[]; sampleLabels: number[]; sampleImages: Uint8Array; NL: number; NE: number; NX: number; dims: number[]; gridPoint: Int32Array; bytes: number; meta: Record<string, unknown> }
  | { type: 'error'; id?: number; message: string }
  | { type: 'chunk'; id: number; from: number; to: number; t: Int32Array; n: Int32Array; astro: Float64Array }
  | { type: 'result'; id: number; probabilities: number[]; predicted: number; sigmaBF: number; liquidSpikes: number; inputSpikes: number; ms: number; backend: string; steps: number }
  | { type: 'batch-progress'; id: number; done: number; total: number }
  | { type: 'batch-result'; id: number; counts: Uint16Array; predicted: number[]; probabilities: number[]; msPerSample: number[]; /** the whole timed pass */ msPass: number; backend: string };
