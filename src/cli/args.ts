// Flag parsing on node:util's parseArgs, with messages that name the flag and what it expects.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags(command: string, argv: string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError(`nalsm ${command}: ${(e as Error).message.replace(/\. To specify a positional.*$/s, '')} (see nalsm ${command} --help)`);
  }
}

export function intFlag(values: Record<string, unknown>, name: string, def: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = values[name];
  if (v === undefined) return def;
  const s = String(v);
  if (!/^-?\d+$/.test(s)) throw new UsageError(`--${name} must be an integer, got "${s}"`);
  const n = Number(s);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function floatFlag(values: Record<string, unknown>, name: string, def: number | undefined, min: number, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return def;
  const s = String(v);
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${s}"`);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function choiceFlag<T extends string>(values: Record<string, unknown>, name: string, def: T, choices: readonly T[]): T {
  const v = values[name];
  if (v === undefined) return def;
  if (!choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${v}"`);
  return v as T;
}
