import { parseFlags, intFlag, UsageError } from '../args.js';
import { generateNetwork } from '../../core/network/generate.js';
import { cubeDims, parseDims, synapseCounts } from '../../core/network/network.js';
import { writeNetwork } from '../../pipeline/network-file.js';

export const GENERATE_HELP = `nalsm generate: generate a liquid (spec §1) and save it in the nalsm network format.

Usage: nalsm generate --out FILE [options]

  --neurons N    liquid size, a cube (1000 = 10x10x10, 8000 = 20x20x20)   [1000]
  --dims AxBxC   liquid grid instead of --neurons
  --inputs N     input neurons: 784 (MNIST), 2312 (N-MNIST)               [784]
  --seed S       generator seed                                           [1]
  --out FILE     where to write the network (.bin)
  -h, --help     this help
`;

export async function generateCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('generate', argv, {
    neurons: { type: 'string' },
    dims: { type: 'string' },
    inputs: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(GENERATE_HELP);
    return 0;
  }
  if (!values.out) throw new UsageError('nalsm generate needs --out FILE');
  if (values.neurons !== undefined && values.dims !== undefined) throw new UsageError('give either --neurons or --dims, not both');
  const dims = values.dims !== undefined ? parseDims(String(values.dims)) : cubeDims(intFlag(values, 'neurons', 1000, 1)!);
  const net = generateNetwork({ dims, inputs: intFlag(values, 'inputs', 784, 1, 100000)!, seed: intFlag(values, 'seed', 1, 0)! });
  writeNetwork(String(values.out), net);
  const c = synapseCounts(net);
  process.stdout.write(`${values.out}: ${net.NL} neurons (${dims.join('x')}, ${net.NE} E), ${net.NX} inputs; synapses E→E ${c.EE}, E→I ${c.EI}, I→E ${c.IE}, I→I ${c.II}, input ${c.IL}\n`);
  return 0;
}
