// Zero-shot top-1 as a distribution: several liquid seeds × projection seeds per method, summarised
// as mean ± sd and a 95 % Student-t confidence interval. Runs that share a liquid are not independent,
// so the interval's unit is the liquid: the mean over its projection seeds (n = liquid seeds); the sd
// over all runs is reported beside it. Differences between methods are paired by liquid.
import { describe, meanCi95, pairedDifference, type PairedDifference } from '../../sweep/stats.js';

export interface RunTop1 {
  liquidSeed: number;
  projectionSeed: number;
  audioToImage: { inClass: number; outClass: number };
  imageToAudio: { inClass: number; outClass: number };
}

export interface Interval {
  n: number;
  mean: number;
  sd: number | null;
  /** 95 % CI of the mean (t, n − 1 df); null for n < 2 */
  ci95: [number, number] | null;
}

export function interval(xs: readonly number[]): Interval {
  const d = describe(xs);
  if (!d) throw new RangeError('interval: no values');
  return { n: d.n, mean: d.mean, sd: d.sd, ci95: meanCi95(d) };
}

/** Where a 95 % CI lies against chance. */
export function againstChance(ci: [number, number] | null, chance: number): 'above chance' | 'below chance' | 'not distinguishable from chance' | 'no interval (one liquid)' {
  if (!ci) return 'no interval (one liquid)';
  if (ci[0] > chance) return 'above chance';
  if (ci[1] < chance) return 'below chance';
  return 'not distinguishable from chance';
}

type Direction = 'audioToImage' | 'imageToAudio';
type Set = 'inClass' | 'outClass';
const DIRECTIONS: Direction[] = ['audioToImage', 'imageToAudio'];
const SETS: Set[] = ['inClass', 'outClass'];

/** Mean top-1 per liquid seed (over its projection seeds). */
export function perLiquid(runs: readonly RunTop1[], dir: Direction, set: Set): Map<number, number> {
  const sum = new Map<number, { s: number; n: number }>();
  for (const r of runs) {
    const a = sum.get(r.liquidSeed) ?? { s: 0, n: 0 };
    a.s += r[dir][set];
    a.n++;
    sum.set(r.liquidSeed, a);
  }
  return new Map([...sum.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => [k, v.s / v.n]));
}

export interface CellSummary {
  /** unit = liquid (mean over its projection seeds): the interval to quote */
  liquids: Interval & { verdict: ReturnType<typeof againstChance> };
  /** every run, for the spread */
  runs: { n: number; mean: number; sd: number | null; min: number; max: number };
}

export type MethodSummary = Record<Direction, Record<Set, CellSummary>>;

export interface DistributionSummary {
  liquidSeeds: number[];
  projectionSeeds: number[];
  chance: { inClass: number; outClass: number };
  methods: Record<string, MethodSummary>;
  /** `reference` − each other method, paired by liquid */
  differences: Record<string, Record<Direction, Record<Set, PairedDifference | null>>>;
}

export function summariseDistribution(byMethod: Record<string, RunTop1[]>, chance: { inClass: number; outClass: number }, reference: string): DistributionSummary {
  const methods: Record<string, MethodSummary> = {};
  for (const [m, runs] of Object.entries(byMethod)) {
    const cell = (dir: Direction, set: Set): CellSummary => {
      const iv = interval([...perLiquid(runs, dir, set).values()]);
      const all = describe(runs.map((r) => r[dir][set]))!;
      return { liquids: { ...iv, verdict: againstChance(iv.ci95, chance[set]) }, runs: all };
    };
    methods[m] = Object.fromEntries(DIRECTIONS.map((d) => [d, Object.fromEntries(SETS.map((s) => [s, cell(d, s)]))])) as MethodSummary;
  }
  const differences: DistributionSummary['differences'] = {};
  const ref = byMethod[reference];
  if (ref)
    for (const m of Object.keys(byMethod).filter((k) => k !== reference))
      differences[`${reference} − ${m}`] = Object.fromEntries(
        DIRECTIONS.map((d) => [d, Object.fromEntries(SETS.map((s) => [s, pairedDifference(perLiquid(ref, d, s), perLiquid(byMethod[m], d, s))]))]),
      ) as Record<Direction, Record<Set, PairedDifference | null>>;
  const any = Object.values(byMethod)[0] ?? [];
  return {
    liquidSeeds: [...new Set(any.map((r) => r.liquidSeed))].sort((a, b) => a - b),
    projectionSeeds: [...new Set(any.map((r) => r.projectionSeed))].sort((a, b) => a - b),
    chance,
    methods,
    differences,
  };
}
