import { constants } from 'node:os';
import { z } from 'zod';
import { type CommandResult, fail, isResult, parseArgs } from './command-result.ts';
import { SCRUB_POOL_OPTIONS, type ScrubPoolOption } from './pg-scrubber.ts';
import type { PoolPgs } from './pg-table.ts';
import type { MonCommand } from './scenario.ts';

const { ENOENT, EINVAL, EAGAIN, ENXIO } = constants.errno;

/** What the scrub commands reach of the cluster. */
export interface ScrubCommandTarget {
  pool(name: string): PoolPgs | undefined;
  poolById(id: number): PoolPgs | undefined;
  /** Whether OSD `o` is up and reporting to the manager. */
  connected(osd: number): boolean;
  osdCount(): number;
  /** A pool's scrub option (0: not set). */
  poolOption(pool: number, name: ScrubPoolOption): number;
  /** Sets (or with 0 unsets) a pool's scrub option in the pending OSD map. */
  setPoolOption(pool: number, name: ScrubPoolOption, seconds: number): void;
  request(pool: PoolPgs, ps: number, op: 'scrub' | 'deep-scrub' | 'repair'): void;
  revertUnfound(pool: PoolPgs, ps: number): number;
  clearShardsRepaired(osd: number): void;
}

const ok = (outs = '', outb = ''): CommandResult => ({ retval: 0, outb, outs });

const ARGS = {
  poolSet: z.looseObject({ pool: z.string().min(1), var: z.string(), val: z.union([z.string(), z.number()]) }),
  poolGet: z.looseObject({ pool: z.string().min(1), var: z.string(), format: z.string().optional() }),
  pg: z.looseObject({ pgid: z.string() }),
  unfound: z.looseObject({ pgid: z.string(), mulcmd: z.string() }),
  osd: z.looseObject({ target: z.string() }),
};

const isScrubOption = (v: string): v is ScrubPoolOption => (SCRUB_POOL_OPTIONS as readonly string[]).includes(v);

/** Parses `1.1f` into the pool and the PG's index; a string with Ceph's error when it is no PG. */
function findPg(t: ScrubCommandTarget, pgid: string): { pool: PoolPgs; ps: number } | CommandResult {
  const m = /^(\d+)\.([0-9a-f]+)$/.exec(pgid);
  if (m === null) return fail(EINVAL, `invalid pgid '${pgid}'`);
  const pool = t.poolById(Number(m[1]));
  const ps = Number.parseInt(m[2]!, 16);
  if (pool === undefined || ps >= pool.pgNum) return fail(ENOENT, `pg ${pgid} does not exist`);
  return { pool, ps };
}

/** `osd pool set POOL scrub_min_interval|scrub_max_interval|deep_scrub_interval SECONDS` (0 unsets it). */
function poolSet(t: ScrubCommandTarget, cmd: MonCommand): CommandResult | undefined {
  const args = parseArgs(ARGS.poolSet, cmd);
  if (isResult(args) || !isScrubOption(args.var)) return undefined;
  const pool = t.pool(args.pool);
  if (pool === undefined) return fail(ENOENT, `unrecognized pool '${args.pool}'`);
  const val = String(args.val);
  const f = Number(val);
  if (val.trim() === '' || !Number.isFinite(f)) {
    return fail(EINVAL, `error parsing floating point value '${val}': strict_strtod: expected double, got: '${val}'`);
  }
  t.setPoolOption(pool.id, args.var, f);
  return ok(`set pool ${pool.id} ${args.var} to ${val}`);
}

/** `osd pool get POOL VAR`: the pool's size, pg counts and scrub options, as text or (`-f json`) JSON. */
function poolGet(t: ScrubCommandTarget, cmd: MonCommand): CommandResult | undefined {
  const args = parseArgs(ARGS.poolGet, cmd);
  if (isResult(args)) return args;
  const pool = t.pool(args.pool);
  if (pool === undefined) return fail(ENOENT, `unrecognized pool '${args.pool}'`);
  const plain: Record<string, number> = {
    size: pool.size,
    min_size: pool.minSize,
    pg_num: pool.pgNum,
    pgp_num: pool.pgpNum,
  };
  let value = plain[args.var];
  if (value === undefined && isScrubOption(args.var)) {
    value = t.poolOption(pool.id, args.var);
    if (value === 0) return fail(ENOENT, `option '${args.var}' is not set on pool '${args.pool}'`);
  }
  if (value === undefined) return undefined;
  if (args.format?.startsWith('json') === true) {
    return ok('', JSON.stringify({ pool: args.pool, pool_id: pool.id, [args.var]: value }));
  }
  return ok('', `${args.var}: ${value}\n`);
}

/** `pg scrub|deep-scrub|repair PGID`, as the manager answers it (`DaemonServer`). */
function pgScrub(t: ScrubCommandTarget, cmd: MonCommand, op: 'scrub' | 'deep-scrub' | 'repair'): CommandResult {
  const args = parseArgs(ARGS.pg, cmd);
  if (isResult(args)) return args;
  const pg = findPg(t, args.pgid);
  if (isResult(pg)) return pg;
  const primary = pg.pool.primary(pg.ps);
  if (primary < 0) return fail(EAGAIN, `pg ${args.pgid} has no primary osd`);
  if (!t.connected(primary)) {
    return fail(EAGAIN, `pg ${args.pgid} primary osd.${primary} is not currently connected`);
  }
  t.request(pg.pool, pg.ps, op);
  return ok(`instructing pg ${pg.pool.pgid(pg.ps)} on osd.${primary} to ${op}`);
}

/** `pg PGID mark_unfound_lost revert|delete`, as the PG's primary answers it. */
function markUnfoundLost(t: ScrubCommandTarget, cmd: MonCommand): CommandResult {
  const args = parseArgs(ARGS.unfound, cmd);
  if (isResult(args)) return args;
  if (args.mulcmd !== 'revert' && args.mulcmd !== 'delete') {
    return fail(EINVAL, `mode must be 'revert' or 'delete'; mark not yet implemented`);
  }
  const pg = findPg(t, args.pgid);
  if (isResult(pg)) return pg;
  const n = t.revertUnfound(pg.pool, pg.ps);
  return ok(n === 0 ? 'pg has no unfound objects' : `pg has ${n} objects unfound and apparently lost marking`);
}

/**
 * The commands of scrubbing and damaged data: `osd pool set|get` of the scrub options, the manager's
 * `pg scrub|deep-scrub|repair`, a PG's `mark_unfound_lost` (`{prefix: 'mark_unfound_lost', pgid, mulcmd}`) and an
 * OSD's `clear_shards_repaired` (`{prefix: 'clear_shards_repaired', target: 'osd.3'}`). Undefined for any other.
 */
export function runScrubCommand(t: ScrubCommandTarget, cmd: MonCommand): CommandResult | undefined {
  switch (cmd.prefix) {
    case 'osd pool set':
      return poolSet(t, cmd);
    case 'osd pool get':
      return poolGet(t, cmd);
    case 'pg scrub':
    case 'pg deep-scrub':
    case 'pg repair':
      return pgScrub(t, cmd, cmd.prefix.slice(3) as 'scrub' | 'deep-scrub' | 'repair');
    case 'mark_unfound_lost':
      return markUnfoundLost(t, cmd);
    case 'clear_shards_repaired': {
      const args = parseArgs(ARGS.osd, cmd);
      if (isResult(args)) return args;
      const m = /^osd\.(\d+)$/.exec(args.target);
      const osd = m === null ? -1 : Number(m[1]);
      if (osd < 0 || osd >= t.osdCount())
        return fail(ENXIO, `problem getting command descriptions from ${args.target}`);
      t.clearShardsRepaired(osd);
      return ok();
    }
    default:
      return undefined;
  }
}
