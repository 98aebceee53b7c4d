import { InvalidArgumentError, Option } from 'commander';
import { OUTPUT_FORMATS } from './output.ts';

/** The store directory a subcommand works on when no `--db` is given. */
export const DEFAULT_DB = './.mgrkit';

/** `--at <seq>`: a point of the journal. */
export function parseSeq(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a sequence number is a non-negative integer');
  return n;
}

/** A count or size that must be above zero. */
export function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** `--speed <n|max>`: a factor on the stream clock, `max` for as fast as possible. */
export function parseSpeed(value: string): number {
  if (value === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a speed is a positive number or "max"');
  return n;
}

/** A repeatable flag: each use adds one value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A comma-separated list, blanks dropped. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `--format`, for the subcommands that print one value. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('json');
}
