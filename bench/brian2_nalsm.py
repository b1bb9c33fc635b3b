#!/usr/bin/env python3
"""The NALSM spec's model in Brian2 (2.5), in the fair form of nalsm-spec-notes.md ("A fair Brian2 model"),
for `npm run bench -- --with-brian2`.

    python3 bench/brian2_nalsm.py --fixture ../shared/fixtures/nalsm-conformance-v1.json.gz \
        --mode cython|cpp_standalone --model lsm,nalsm [--reps 12] [--runs 3] \
        [--build-dir DIR] [--cython-cache DIR] [--counts-out FILE] [--json-out FILE]

`--fixture` takes the conformance fixture or any file in its layout: bench.ts exports its generated 8,000-neuron
network and MNIST pulses that way for `--brian2-8k`, with nalsm's own counts as the expected ones.

What it does, per model:
  1. builds ONE network that runs the fixture's 22 samples `--reps` times back to back (22 x 12 = 264 samples
     by default) in ONE run(): the samples are concatenated with 250 ms offsets, and everything a sample resets
     is reset inside the simulation by `run_regularly` operations every 250 ms (no Python between samples);
  2. runs it `--runs` times (cython: Network.store()/restore(); cpp_standalone: the compiled binary is run again)
     and CHECKS, for every run and every repeat, the per-liquid-neuron counts of each sample against the fixture's
     expected counts (all 22 LSM cases, the 20 kept NALSM cases) and against the first repeat (all 22 samples);
     any difference is printed and the script exits with status 3 before it prints any timing;
  3. prints one JSON object: ms per sample (median over the runs) from Brian2's own main-loop timer
     (`device._last_run_time`: the Python loop over compiled code objects for cython, the timer inside the
     binary for cpp_standalone), the wall time of each run, the preparation/compile seconds (reported
     separately, never counted in ms per sample) and a counts checksum.

Compile time.
  * cython: the first run's wall time minus its main-loop time = code generation + Cython compilation (or a load
    from Brian2's on-disk cache, `~/.cython/brian_extensions`, when the same code was compiled before; pass
    `--cython-cache DIR` with an empty DIR to force a real compile, as bench.ts does). Later runs reuse the
    compiled modules. Under cython, setupSeconds (building the network in Python) also compiles the construction
    code (synapse creation, variable setters).
  * cpp_standalone: `set_device('cpp_standalone', build_on_run=False)`; `run()` only records the network; the
    time of `device.build(compile=True, run=False)` (code generation + make) is the compile time; then
    `device.run()` executes the binary `--runs` times.

The model (spec section 2.2 step, mapped onto Brian2's schedule start -> groups -> thresholds -> synapses -> resets -> end,
dt = 1 ms, one clock for the network, a 250 ms clock for the per-sample resets):
  * one NeuronGroup G of NL liquid + NX input neurons (input x is neuron NL + x); every neuron is the same LIF:
    threshold `V >= 20 and R <= 0` (thresholds slot), reset `V = 0, R = 3, D = 0, cnt += 1` (resets slot);
  * the V update of step t, V <- V + I + ext - V/64, is a run_regularly at the END of the step, so it sees the
    reset V and the current of this step's spikes; it then advances the refractory counter (R = 3 at the reset,
    so R = 2 after the spiking step: two blocked steps, integration continues while refractory), the spike timer
    D (steps since the neuron's last spike, clipped at 100), and looks up e^{-D} ONCE per neuron in a 101-entry
    TimedArray table: ek = e^{-D}, f = 1 - e^{-D};
  * input pulses: the fixture's pre-drawn events, a SpikeGeneratorGroup whose spike at step t adds 100 to `ext`
    of its input neuron in the synapses slot of step t; the input neuron integrates it at the end of step t and
    fires at t+1 unless refractory;
  * the synaptic kernel counts only each pre's LATEST spike: a running current I per neuron, decayed by e^{-1}
    per step; a spike of j adds W_ij * f_j = W_ij (1 - e^{-D_old}) (the residue of j's previous spike is replaced,
    not summed); at a sample start I = e^{-20} sum_j W_ij (every timer starts at 20);
  * NALSM: STDP on every synapse (liquid->liquid and input->liquid) with one trace per neuron; a pre spike
    applies its current, its depression term and, if the post fired in the same step too, the potentiation term,
    all from the OLD weight and clipped ONCE (on_pre); a post spike applies the potentiation term to synapses
    whose pre did not fire now (on_post); class rules from per-neuron rates lp, ld (E and input pres: +A+ on a
    post spike, -A on a pre spike; I pres: -A on a post spike, +A+ on a pre spike) and bounds (E [0, 3],
    I [-3, 0], input [-3, 3]); "the post fired now" / "the pre fired now" is the threshold condition itself
    (a subexpression `spk`, still true in the synapses slot because resets come after it); a weight change delta
    moves the post's current by delta * e^{-D_pre(next step)}: the accumulator J collects delta * e^{-D_pre} (1 for a
    pre firing now, else the table value ek of this step) and the end-of-step code does I <- (I + J) e^{-1}, after
    the V update, which must not see it (Brian2 runs synaptic code before the V update); the trace (all neurons,
    inputs included) is updated at the end of the step, after the weight update: trace <- d (trace + 0.1 S);
  * the astrocyte: a one-neuron group holding A, A+, w, b; spikes of the step are counted into it by a
    G -> astrocyte pathway (+1 liquid, -1 input neuron), and at the end of the step A <- A + (w (L - I) + b - A)/100,
    then A+, A, w, b decay by 0.99; G reads A and A+ through linked variables;
  * per-sample resets at the start of every 250 ms: V, R, D, e^{-D}, I, J, ext, trace, the astrocyte (A = A+ = 0.15,
    w = the file's nalsm.astroW0 (0.015 for the fixture), b = 0.15) and, for NALSM, W <- W_INI.
  * floats are float64 throughout (weights are the file's float32 values, widened).
  Per-sample counts come from a StateMonitor that records the cumulative per-neuron counter every 250 ms (before
  the reset), which costs nothing measurable; no SpikeMonitor.
"""
import argparse
import base64
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np

STEPS = 250
E20 = float(np.exp(-20.0))
E1 = float(np.exp(-1.0))
TRACE_D = 0.9047744744744745
TRACE_A = 0.1
A_PLUS = 0.15
LR_DECAY = 0.99
ASTRO_TAU = 100.0
W_MAX = 3.0


def die(msg, code=3):
    print(f'brian2_nalsm.py: {msg}', file=sys.stderr)
    sys.exit(code)


def load_fixture(path):
    with open(path, 'rb') as fh:
        raw = fh.read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    d = json.loads(raw)
    if d.get('version') != 1 or 'network' not in d:
        die(f'{path}: not a nalsm conformance fixture', 2)
    net = d['network']

    def arr(s, dt):
        return np.frombuffer(base64.b64decode(s), dtype=np.dtype(dt).newbyteorder('<')).astype(np.float64 if dt == 'f4' else np.int64)

    NL, NE, NX = net['NL'], net['NE'], net['NX']
    ls, ins = net['liquidSynapses'], net['inputSynapses']
    pre = np.concatenate([arr(ls['pre'], 'i4'), arr(ins['pre'], 'i4') + NL])
    post = np.concatenate([arr(ls['post'], 'i4'), arr(ins['post'], 'i4')])
    w_lsm = np.concatenate([arr(ls['w'], 'f4'), arr(ins['w'], 'f4')])
    w_ini = np.concatenate([arr(ls['wIni'], 'f4'), arr(ins['wIni'], 'f4')])
    samples = [np.asarray(s['events'], dtype=np.int64).reshape(-1, 2) for s in d['samples']]
    return {
        'NL': NL, 'NE': NE, 'NX': NX, 'pre': pre, 'post': post, 'w_lsm': w_lsm, 'w_ini': w_ini,
        'astroW0': float(d.get('nalsm', {}).get('astroW0', 0.015)),
        'steps': int(d['parameters'].get('N1_SAMPLE_INPUT_DURATION_MS', STEPS)),
        'samples': samples, 'expected': d['expected'],
    }


def build(b2, fx, model, reps):
    """The network for `model` over reps x len(samples) samples; returns (objects, G, monitor, n_samples, T)."""
    ms = b2.ms
    NL, NE, NX = fx['NL'], fx['NE'], fx['NX']
    N = NL + NX
    steps = fx['steps']
    n_fix = len(fx['samples'])
    n = reps * n_fix
    plastic = model == 'nalsm'
    W0 = fx['w_ini'] if plastic else fx['w_lsm']

    etab = b2.TimedArray(np.exp(-np.arange(101, dtype=np.float64)), dt=1 * ms)
    ns = {'etab': etab, 'E1': E1, 'E20': E20, 'TRACE_D': TRACE_D, 'TRACE_A': TRACE_A, 'A_PLUS': A_PLUS,
          'LR_DECAY': LR_DECAY, 'ASTRO_TAU': ASTRO_TAU, 'ASTRO_W0': fx['astroW0'], 'THETA': 20.0}

    eqs = '''
    V : 1
    I : 1
    ext : 1
    R : integer
    D : integer
    f : 1
    cnt : integer
    I0 : 1 (constant)
    '''
    if plastic:
        eqs += '''
        J : 1
        ek : 1
        tr : 1
        lp : 1
        ld : 1
        sg : 1 (constant)
        lo : 1 (constant)
        hi : 1 (constant)
        am : 1 (constant)
        A : 1 (linked)
        Ap : 1 (linked)
        spk = int(V >= THETA and R <= 0) : integer
        '''
    G = b2.NeuronGroup(N, eqs, threshold='V >= THETA and R <= 0', reset='V = 0\nR = 3\nD = 0\ncnt += 1',
                       method='exact', namespace=ns, name='neurons')
    I0 = np.bincount(fx['post'], weights=W0, minlength=N) * E20
    G.I0 = I0
    objects = [G]

    if plastic:
        sg = np.ones(N)
        sg[NE:NL] = -1.0
        lo = np.full(N, -W_MAX)
        lo[:NE] = 0.0
        hi = np.full(N, W_MAX)
        hi[NE:NL] = 0.0
        am = np.ones(N)
        am[NL:] = -1.0
        G.sg = sg
        G.lo = lo
        G.hi = hi
        G.am = am
        astro = b2.NeuronGroup(1, 'A : 1\nAp : 1\nwA : 1\nbA : 1\nL : 1', namespace=ns, name='astrocyte')
        G.A = b2.linked_var(astro, 'A')
        G.Ap = b2.linked_var(astro, 'Ap')
        # item 11 + 12 at the end of step t (before G's end-of-step code, which reads A and A+ for step t+1)
        astro.run_regularly('''
            A = A + (wA*L + bA - A)/ASTRO_TAU
            Ap = LR_DECAY*Ap
            A = LR_DECAY*A
            wA = LR_DECAY*wA
            bA = LR_DECAY*bA
            L = 0
            ''', when='end', order=0, name='astro_step')
        astro.run_regularly('A = A_PLUS\nAp = A_PLUS\nwA = ASTRO_W0\nbA = A_PLUS\nL = 0',
                            dt=steps * ms, when='start', order=0, name='astro_sample_reset')
        # the step's liquid (+1) and input-neuron (-1) spikes, counted into the astrocyte
        count = b2.Synapses(G, astro, on_pre='L_post += am_pre', namespace=ns, name='astro_count')
        count.connect(i=np.arange(N), j=np.zeros(N, dtype=np.int64))
        objects += [astro, count]
        end_code = '''
            V = V + I + ext - V/64
            tr = TRACE_D*(tr + TRACE_A*int(D == 0))
            I = (I + J)*E1
            J = 0
            ext = 0
            R = R - 1
            D = D + int(D < 100)
            ek = etab(D*ms)
            f = 1 - ek
            lp = int(sg > 0)*Ap - int(sg < 0)*A
            ld = int(sg < 0)*Ap - int(sg > 0)*A
            '''
        reset_code = ('V = 0\nR = 0\nD = 20\nek = E20\nf = 1 - E20\nI = I0\nJ = 0\next = 0\ntr = 0\n'
                      'lp = A_PLUS*sg\nld = -A_PLUS*sg')
    else:
        end_code = '''
            V = V + I + ext - V/64
            I = I*E1
            ext = 0
            R = R - 1
            D = D + int(D < 100)
            f = 1 - etab(D*ms)
            '''
        reset_code = 'V = 0\nR = 0\nD = 20\nf = 1 - E20\nI = I0\next = 0'
    # items 6-8 (and 10) of step t, after thresholds, synapses and resets
    G.run_regularly(end_code, when='end', order=1, name='neurons_step')
    G.run_regularly(reset_code, dt=steps * ms, when='start', order=0, name='neurons_sample_reset')

    # recurrent and input synapses in one object: pre index is global (input x = NL + x)
    if plastic:
        on_pre = '''
            I_post += w*f_pre
            wn = clip(w + ld_pre*tr_post + lp_pre*tr_pre*spk_post, lo_pre, hi_pre)
            J_post += wn - w
            w = wn
            '''
        on_post = '''
            wn = clip(w + lp_pre*tr_pre*(1 - spk_pre), lo_pre, hi_pre)
            J_post += (wn - w)*ek_pre
            w = wn
            '''
        S = b2.Synapses(G, G, 'w : 1\nw0 : 1 (constant)', on_pre=on_pre, on_post=on_post, namespace=ns, name='syn')
    else:
        S = b2.Synapses(G, G, 'w : 1 (constant)', on_pre='I_post += w*f_pre', namespace=ns, name='syn')
    S.connect(i=fx['pre'], j=fx['post'])
    S.w = W0
    if plastic:
        S.w0 = W0
        S.run_regularly('w = w0', dt=steps * ms, when='start', order=0, name='syn_sample_reset')
    objects.append(S)

    # the fixture's pulses, concatenated with 250 ms offsets: repeat r, sample k starts at (r*n_fix + k)*250 ms
    idx, tms = [], []
    for r in range(reps):
        for k, ev in enumerate(fx['samples']):
            if len(ev):
                tms.append(ev[:, 0] + (r * n_fix + k) * steps)
                idx.append(ev[:, 1])
    idx = np.concatenate(idx)
    tms = np.concatenate(tms)
    gen = b2.SpikeGeneratorGroup(NX, idx, tms * ms, name='pulses')
    drive = b2.Synapses(gen, G, on_pre='ext_post += 100', name='pulse_drive')
    drive.connect(i=np.arange(NX), j=np.arange(NX) + NL)
    # cumulative counts just before every sample's reset
    mon = b2.StateMonitor(G, 'cnt', record=np.arange(NL), dt=steps * ms, when='start', order=-10, name='counts')
    objects += [gen, drive, mon]
    return objects, G, mon, n, n * steps


def per_sample_counts(G, mon, NL, n):
    cum = np.asarray(mon.cnt[:], dtype=np.int64)  # (NL, n): counts before sample k
    if cum.shape != (NL, n):
        die(f'counts monitor recorded {cum.shape}, expected {(NL, n)}')
    final = np.asarray(G.cnt[:NL], dtype=np.int64)
    full = np.concatenate([cum, final[:, None]], axis=1)
    return np.diff(full, axis=1).T  # (n, NL)


def check_counts(counts, fx, model, reps, label):
    """Every repeat against the fixture (kept cases) and against repeat 0 (all samples)."""
    n_fix = len(fx['samples'])
    problems = []
    cases = 0
    for e in fx['expected']:
        case = e.get(model)
        if not case:
            continue
        cases += 1
        want = np.asarray(case['counts'], dtype=np.int64)
        for r in range(reps):
            got = counts[r * n_fix + e['sample']]
            if not np.array_equal(got, want):
                bad = np.nonzero(got != want)[0]
                problems.append(f'{label} {model}: sample {e["sample"]} repeat {r}: {len(bad)} neurons differ from the fixture '
                                f'(sum |diff| {int(np.abs(got - want).sum())}; total {int(got.sum())} vs {int(want.sum())}; '
                                f'first neurons {bad[:8].tolist()})')
    for r in range(1, reps):
        a = counts[r * n_fix:(r + 1) * n_fix]
        if not np.array_equal(a, counts[:n_fix]):
            problems.append(f'{label} {model}: repeat {r} differs from repeat 0')
    return cases, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--fixture', required=True)
    ap.add_argument('--mode', choices=['cython', 'cpp_standalone'], required=True)
    ap.add_argument('--model', default='lsm,nalsm')
    ap.add_argument('--reps', type=int, default=12, help='repeats of the fixture samples in one run (12 x 22 = 264)')
    ap.add_argument('--runs', type=int, default=3, help='timed runs; ms/sample is their median')
    ap.add_argument('--build-dir', default=None, help='cpp_standalone project folder (default: a temp folder)')
    ap.add_argument('--cython-cache', default=None, help='Cython extension cache folder (empty: a real compile)')
    ap.add_argument('--counts-out', default=None, help='write the first repeat\'s per-sample counts (JSON)')
    ap.add_argument('--json-out', default=None)
    args = ap.parse_args()
    models = [m for m in args.model.split(',') if m]
    for m in models:
        if m not in ('lsm', 'nalsm'):
            die(f'unknown model {m!r}', 2)
    if args.reps < 1 or args.runs < 1:
        die('--reps and --runs must be >= 1', 2)

    warnings.filterwarnings('ignore', category=FutureWarning)  # numpy 1.24 vs Debian's pythran tables
    import brian2 as b2
    b2.BrianLogger.log_level_warn()
    b2.prefs.core.default_float_dtype = np.float64
    fx = load_fixture(args.fixture)
    NL = fx['NL']
    n_fix = len(fx['samples'])
    build_root = args.build_dir or tempfile.mkdtemp(prefix='nalsm-brian2-')
    out = {
        'tool': 'brian2', 'brian2': b2.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
        'mode': args.mode, 'reps': args.reps, 'runs': args.runs, 'samplesPerRun': args.reps * n_fix,
        'fixtureSamples': n_fix, 'models': {},
    }
    if args.mode == 'cython':
        b2.prefs.codegen.target = 'cython'
        if args.cython_cache:
            b2.prefs.codegen.runtime.cython.cache_dir = args.cython_cache
    else:
        b2.set_device('cpp_standalone', build_on_run=False, directory=None)
    out['compiler'] = {'cpp_standalone_flags': list(b2.prefs.codegen.cpp.extra_compile_args_gcc),
                       'openmp_threads': b2.prefs.devices.cpp_standalone.openmp_threads}
    first_counts = {}
    for mi, model in enumerate(models):
        if args.mode == 'cpp_standalone' and mi > 0:
            b2.device.reinit()
            b2.device.activate(build_on_run=False)
        b2.start_scope()
        b2.defaultclock.dt = 1 * b2.ms
        t0 = time.perf_counter()
        objects, G, mon, n, T = build(b2, fx, model, args.reps)
        net = b2.Network(*objects)
        setup_s = time.perf_counter() - t0
        loop_s, wall_s = [], []
        rec = {'samples': n, 'setupSeconds': setup_s}
        counts0 = None
        if args.mode == 'cython':
            net.store('start')
            for k in range(args.runs):
                if k:
                    net.restore('start')
                t1 = time.perf_counter()
                net.run(T * b2.ms, namespace={})
                wall = time.perf_counter() - t1
                loop = float(b2.device._last_run_time)
                if k == 0:
                    rec['compileSeconds'] = wall - loop
                    rec['compileNote'] = ('first run: code generation + Cython compile or cache load (wall - main loop); '
                                          'setupSeconds holds the compile of the construction code (connect, setters)')
                loop_s.append(loop)
                wall_s.append(wall)
                counts = per_sample_counts(G, mon, NL, n)
                if counts0 is None:
                    counts0 = counts
                elif not np.array_equal(counts, counts0):
                    die(f'cython {model}: run {k} gave other counts than run 0')
        else:
            directory = os.path.join(build_root, f'{model}')
            net.run(T * b2.ms, namespace={})
            t1 = time.perf_counter()
            b2.device.build(directory=directory, compile=True, run=False, with_output=False)
            rec['compileSeconds'] = time.perf_counter() - t1
            rec['compileNote'] = 'device.build(compile=True, run=False): code generation + make'
            rec['buildDir'] = directory
            for k in range(args.runs):
                t1 = time.perf_counter()
                b2.device.run(directory, False, [])
                wall_s.append(time.perf_counter() - t1)
                loop_s.append(float(b2.device._last_run_time))
                counts = per_sample_counts(G, mon, NL, n)
                if counts0 is None:
                    counts0 = counts
                elif not np.array_equal(counts, counts0):
                    die(f'cpp_standalone {model}: run {k} gave other counts than run 0')
        cases, problems = check_counts(counts0, fx, model, args.reps, args.mode)
        if problems:
            for p in problems[:40]:
                print(p, file=sys.stderr)
            die(f'{args.mode} {model}: per-neuron counts differ from the fixture ({len(problems)} problems); no timing reported')
        first_counts[model] = counts0[:n_fix].tolist()
        ms_per = [1e3 * s / n for s in loop_s]
        rec.update({
            'fixtureCasesChecked': cases,
            'countsMatchFixture': True,
            'msPerSample': statistics.median(ms_per),
            'msPerSampleRuns': ms_per,
            'wallMsPerSampleRuns': [1e3 * s / n for s in wall_s],
            'countsChecksum': int(counts0.sum()),
            'countsChecksumFirstRepeat': int(counts0[:n_fix].sum()),
            'liquidSpikesPerSample': float(counts0.sum()) / n,
        })
        out['models'][model] = rec
        print(f'brian2 {args.mode} {model}: counts match the fixture ({cases} cases x {args.reps} repeats); '
              f'{rec["msPerSample"]:.2f} ms/sample (median of {args.runs} runs of {n} samples), '
              f'compile {rec["compileSeconds"]:.1f} s', file=sys.stderr)
    if args.counts_out:
        with open(args.counts_out, 'w') as fh:
            json.dump(first_counts, fh)
    text = json.dumps(out)
    if args.json_out:
        with open(args.json_out, 'w') as fh:
            fh.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
