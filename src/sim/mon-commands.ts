import { constants } from 'node:os';
import { z } from 'zod';
import { byteU, siU } from './byte-units.ts';
import { type CommandResult, fail, isResult, parseArgs } from './command-result.ts';
import { SETTABLE_FLAGS, type SettableFlag } from './osd-flags.ts';
import type { MonCommand } from './scenario.ts';
import { MAX_POOL_PG_NUM, MAX_POOL_SIZE } from './sim-options.ts';
import { WEIGHT_ONE } from './topology.ts';

const { ENOENT, EINVAL, EPERM, ERANGE, EBUSY } = constants.errno;

/** What a mon command returns, as Ceph's `MonCommandACK`: `retval` (0 or -errno), data in `outb`, a message in `outs`. */
export type { CommandResult } from './command-result.ts';

/** Pool variables `osd pool set` understands here. */
export const POOL_VARS = ['size', 'min_size', 'pg_num', 'pgp_num'] as const;
export type PoolVar = (typeof POOL_VARS)[number];

/** The cluster as the monitors' command handlers see it: questions, and changes for the pending epoch. */
export interface MonCommandTarget {
  osdCount(): number;
  isUp(osd: number): boolean;
  isIn(osd: number): boolean;
  markOut(osd: number): void;
  markIn(osd: number): void;
  markDown(osd: number): void;
  reweight(osd: number, w16: number): void;
  /** Sets or clears a flag; returns false when it already was so. */
  setFlag(key: SettableFlag, on: boolean): boolean;
  /** The pool with this name: its id and current values. */
  pool(name: string): { id: number; size: number; minSize: number; pgNum: number; pgpNum: number } | undefined;
  createPool(name: string, pgNum: number): void;
  removePool(id: number): void;
  /** The file system that uses the pool, if one does. */
  fsUsing(pool: number): string | undefined;
  setPoolVar(id: number, v: PoolVar, value: number): void;
  /** A pool's quotas (0: none) and what it holds now (its PGs' sums, as the PG map has them). */
  poolQuota(id: number): PoolQuota;
  setPoolQuota(id: number, field: 'max_bytes' | 'max_objects', value: number): void;
  config(who: string, name: string): string | undefined;
  setConfig(who: string, name: string, value: string | null): void;
  /**
   * `OSDMonitor::check_pg_num` for pool `pool` (undefined: a new one of the default size) with `pgNum` PGs of `size`
   * copies: Ceph's `-ERANGE` message when it would pass `mon_max_pg_per_osd`, else undefined.
   */
  checkPgNum(pool: number | undefined, pgNum: number, size?: number): string | undefined;
  /** Read-only commands with a JSON answer (`osd dump`, `pg dump`, `status`, ...), or undefined when unknown. */
  read(cmd: MonCommand): unknown;
}

/** A pool's quotas and use, for `osd pool get-quota` and the quota checks. */
export interface PoolQuota {
  readonly maxBytes: number;
  readonly maxObjects: number;
  readonly bytes: number;
  readonly objects: number;
}

/** Commands that change the cluster (the audit log records those). */
export const WRITE_PREFIXES: ReadonlySet<string> = new Set([
  'osd out',
  'osd in',
  'osd down',
  'osd reweight',
  'osd set',
  'osd unset',
  'osd pool create',
  'osd pool rm',
  'osd pool delete',
  'osd pool set',
  'osd pool set-quota',
  'config set',
  'config rm',
]);

const ok = (outs = '', outb = ''): CommandResult => ({ retval: 0, outb, outs });

const Id = z.union([z.string(), z.number().int()]).transform(String);
const Ids = z.union([Id, z.array(Id)]).transform((v) => (Array.isArray(v) ? v : [v]));
const Int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const Num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

const ARGS = {
  ids: z.looseObject({ ids: Ids }),
  reweight: z.looseObject({ id: Int, weight: Num }),
  flag: z.looseObject({ key: z.string() }),
  poolCreate: z.looseObject({ pool: z.string().min(1), pg_num: Int.optional() }),
  poolRm: z.looseObject({
    pool: z.string().min(1),
    pool2: z.string().optional(),
    yes_i_really_really_mean_it: z.boolean().optional(),
  }),
  poolSet: z.looseObject({ pool: z.string().min(1), var: z.string(), val: z.union([z.string(), z.number()]) }),
  setQuota: z.looseObject({ pool: z.string().min(1), field: z.string(), val: z.union([z.string(), z.number()]) }),
  getQuota: z.looseObject({ pool: z.string().min(1), format: z.string().optional() }),
  configSet: z.looseObject({
    who: z.string().min(1),
    name: z.string().min(1),
    value: z.union([z.string(), z.number(), z.boolean()]),
  }),
  configRm: z.looseObject({ who: z.string().min(1), name: z.string().min(1) }),
};

/** Ceph's `parse_osd_id`: `3` or `osd.3`. */
function parseOsdId(s: string): number {
  const m = /^(?:osd\.)?(\d+)$/.exec(s);
  return m === null ? -1 : Number(m[1]);
}

/** `osd out|in|down`: each id in turn (or `any`/`all`/`*`), with the per-OSD messages Ceph's OSDMonitor writes. */
function osdStateCommand(t: MonCommandTarget, prefix: 'osd out' | 'osd in' | 'osd down', cmd: MonCommand) {
  const args = parseArgs(ARGS.ids, cmd);
  if (isResult(args)) return args;
  let outs = '';
  let retval = 0;
  const wildcard = ['any', 'all', '*'].includes(args.ids[0] ?? '');
  const ids = wildcard
    ? Array.from({ length: t.osdCount() }, (_, i) => i).filter((o) => prefix !== 'osd in' || !t.isIn(o))
    : args.ids.map(parseOsdId);
  for (const osd of ids) {
    if (osd < 0) {
      outs += `invalid osd id${osd}`;
      retval = -EINVAL;
      continue;
    }
    if (osd >= t.osdCount()) {
      outs += `osd.${osd} does not exist. `;
      continue;
    }
    if (prefix === 'osd out') {
      if (!t.isIn(osd)) outs += wildcard ? '' : `osd.${osd} is already out. `;
      else {
        t.markOut(osd);
        outs += `marked out osd.${osd}. `;
      }
    } else if (prefix === 'osd in') {
      if (t.isIn(osd)) outs += wildcard ? '' : `osd.${osd} is already in. `;
      else {
        t.markIn(osd);
        outs += `marked in osd.${osd}. `;
      }
    } else if (!t.isUp(osd)) outs += wildcard ? '' : `osd.${osd} is already down. `;
    else {
      t.markDown(osd);
      outs += `marked down osd.${osd}. `;
    }
  }
  return { retval, outb: '', outs };
}

function poolSet(t: MonCommandTarget, cmd: MonCommand): CommandResult {
  const args = parseArgs(ARGS.poolSet, cmd);
  if (isResult(args)) return args;
  const pool = t.pool(args.pool);
  if (pool === undefined) return fail(ENOENT, `unrecognized pool '${args.pool}'`);
  if (!(POOL_VARS as readonly string[]).includes(args.var)) {
    return fail(EINVAL, `Invalid command: ${args.var} not in ${POOL_VARS.join('|')}`);
  }
  const v = args.var as PoolVar;
  const n = typeof args.val === 'number' ? args.val : Number(args.val);
  if (!Number.isInteger(n)) {
    return fail(EINVAL, `error parsing integer value '${args.val}': Expected option value to be integer`);
  }
  if (v === 'size' && (n < 1 || n > MAX_POOL_SIZE)) {
    return fail(EINVAL, `pool size must be between 1 and ${MAX_POOL_SIZE}`);
  }
  if (v === 'min_size' && (n < 1 || n > pool.size)) {
    return fail(EINVAL, `pool min_size must be between 1 and size, which is set to ${pool.size}`);
  }
  if ((v === 'pg_num' || v === 'pgp_num') && (n <= 0 || n > MAX_POOL_PG_NUM)) {
    return fail(
      ERANGE,
      `'${v}' must be greater than 0 and less than or equal to ${MAX_POOL_PG_NUM} (you may adjust 'mon max pool pg num' for higher values)`,
    );
  }
  if (v === 'pgp_num' && n > pool.pgNum) return fail(EINVAL, `specified pgp_num ${n} > pg_num ${pool.pgNum}`);
  const tooMany =
    v === 'size'
      ? t.checkPgNum(pool.id, pool.pgNum, n)
      : v === 'pg_num' && n > pool.pgNum
        ? t.checkPgNum(pool.id, n, pool.size)
        : undefined;
  if (tooMany !== undefined) return fail(ERANGE, tooMany);
  t.setPoolVar(pool.id, v, n);
  return ok(`set pool ${pool.id} ${v} to ${n}`);
}

/**
 * `strict_iecstrtoll` (bytes: `10G` is 10 GiB) or `strict_sistrtoll` (objects: `1k` is 1000): an integer with an
 * optional unit prefix; a string with what is wrong (Ceph's words) when it is not one.
 */
function parseUnits(val: string, iec: boolean): number | string {
  const fn = iec ? 'strict_iecstrtoll' : 'strict_sistrtoll';
  const m = /^(-?\d+)([KMGTPE]?)(i?)(B?)$/i.exec(val.trim());
  if (m === null) {
    const digits = /^-?\d+/.exec(val.trim());
    return digits === null ? `strict_strtoll: expected integer, got: '${val}'` : `${fn}: unit prefix not recognized`;
  }
  const n = Number(m[1]);
  if (n < 0) return `${fn}: value should not be negative`;
  const exp = ' KMGTPE'.indexOf((m[2] ?? '').toUpperCase() || ' ');
  return n * (iec || m[3] !== '' ? 1024 : 1000) ** exp;
}

/** `osd pool set-quota <pool> max_objects|max_bytes <val>`, as `OSDMonitor::prepare_command_impl` answers it. */
function setQuota(t: MonCommandTarget, cmd: MonCommand): CommandResult {
  const args = parseArgs(ARGS.setQuota, cmd);
  if (isResult(args)) return args;
  const pool = t.pool(args.pool);
  if (pool === undefined) return fail(ENOENT, `unrecognized pool '${args.pool}'`);
  if (args.field !== 'max_objects' && args.field !== 'max_bytes') {
    return fail(EINVAL, `unrecognized field '${args.field}'; should be 'max_bytes' or 'max_objects'`);
  }
  const val = String(args.val);
  const value = parseUnits(val, args.field === 'max_bytes');
  if (typeof value === 'string') return fail(EINVAL, `error parsing value '${val}': ${value}`);
  t.setPoolQuota(pool.id, args.field, value);
  return ok(`set-quota ${args.field} = ${value} for pool ${args.pool}`);
}

/** `osd pool get-quota <pool>`: JSON with `-f json`, else the text `ceph osd pool get-quota` prints. */
function getQuota(t: MonCommandTarget, cmd: MonCommand): CommandResult {
  const args = parseArgs(ARGS.getQuota, cmd);
  if (isResult(args)) return args;
  const pool = t.pool(args.pool);
  if (pool === undefined) return fail(ENOENT, `unrecognized pool '${args.pool}'`);
  const q = t.poolQuota(pool.id);
  if (args.format?.startsWith('json') === true) {
    const json = {
      pool_name: args.pool,
      pool_id: pool.id,
      quota_max_objects: q.maxObjects,
      current_num_objects: q.objects,
      quota_max_bytes: q.maxBytes,
      current_num_bytes: q.bytes,
    };
    return ok('', JSON.stringify(json));
  }
  const objects =
    q.maxObjects === 0 ? 'N/A' : `${siU(q.maxObjects)} objects  (current num objects: ${q.objects} objects)`;
  const bytes = q.maxBytes === 0 ? 'N/A' : `${byteU(q.maxBytes)}  (current num bytes: ${q.bytes} bytes)`;
  return ok('', `quotas for pool '${args.pool}':\n  max objects: ${objects}\n  max bytes  : ${bytes}\n`);
}

function poolRm(t: MonCommandTarget, cmd: MonCommand): CommandResult {
  const args = parseArgs(ARGS.poolRm, cmd);
  if (isResult(args)) return args;
  const pool = t.pool(args.pool);
  // Ceph's monitors answer 0 here (deleting is idempotent); -ENOENT lets a module tell a typo from a deletion.
  if (pool === undefined) return fail(ENOENT, `pool '${args.pool}' does not exist`);
  if (args.pool2 !== args.pool || args.yes_i_really_really_mean_it !== true) {
    return fail(
      EPERM,
      `WARNING: this will *PERMANENTLY DESTROY* all data stored in pool ${args.pool}.  If you are *ABSOLUTELY CERTAIN* that is what you want, pass the pool name *twice*, followed by --yes-i-really-really-mean-it.`,
    );
  }
  const fs = t.fsUsing(pool.id);
  if (fs !== undefined) return fail(EBUSY, `pool '${args.pool}' is in use by CephFS`);
  if ((t.config('mon', 'mon_allow_pool_delete') ?? 'false') !== 'true') {
    return fail(
      EPERM,
      'pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true before you can destroy a pool',
    );
  }
  t.removePool(pool.id);
  return ok(`pool '${args.pool}' removed`);
}

/**
 * Runs one mon command against the cluster, as the monitors would: checks its arguments, applies it to the pending
 * map, and answers with Ceph's messages and errnos. Unknown prefixes get `-EINVAL` "no valid command found".
 */
export function runMonCommand(t: MonCommandTarget, cmd: MonCommand): CommandResult {
  switch (cmd.prefix) {
    case 'osd out':
    case 'osd in':
    case 'osd down':
      return osdStateCommand(t, cmd.prefix, cmd);
    case 'osd reweight': {
      const args = parseArgs(ARGS.reweight, cmd);
      if (isResult(args)) return args;
      if (args.weight < 0 || args.weight > 1) {
        return fail(EINVAL, `Invalid command: weight ${args.weight} not in range [0.0, 1.0]`);
      }
      if (args.id < 0 || args.id >= t.osdCount()) return fail(ENOENT, `osd.${args.id} does not exist`);
      const w16 = Math.trunc(WEIGHT_ONE * args.weight);
      t.reweight(args.id, w16);
      return ok(`reweighted osd.${args.id} to ${args.weight} (${w16.toString(16)})`);
    }
    case 'osd set':
    case 'osd unset': {
      const args = parseArgs(ARGS.flag, cmd);
      if (isResult(args)) return args;
      if (!(SETTABLE_FLAGS as readonly string[]).includes(args.key)) {
        return fail(EINVAL, `Invalid command: ${args.key} not in ${SETTABLE_FLAGS.join('|')}`);
      }
      const on = cmd.prefix === 'osd set';
      t.setFlag(args.key as SettableFlag, on);
      return ok(`${args.key} is ${on ? 'set' : 'unset'}`);
    }
    case 'osd pool create': {
      const args = parseArgs(ARGS.poolCreate, cmd);
      if (isResult(args)) return args;
      if (t.pool(args.pool) !== undefined) return ok(`pool '${args.pool}' already exists`);
      const pgNum = args.pg_num ?? 32;
      if (pgNum <= 0 || pgNum > MAX_POOL_PG_NUM) {
        return fail(ERANGE, `'pg_num' must be greater than 0 and less than or equal to ${MAX_POOL_PG_NUM}`);
      }
      const tooMany = t.checkPgNum(undefined, pgNum);
      if (tooMany !== undefined) return fail(ERANGE, tooMany);
      t.createPool(args.pool, pgNum);
      return ok(`pool '${args.pool}' created`);
    }
    case 'osd pool rm':
    case 'osd pool delete':
      return poolRm(t, cmd);
    case 'osd pool set':
      return poolSet(t, cmd);
    case 'osd pool set-quota':
      return setQuota(t, cmd);
    case 'osd pool get-quota':
      return getQuota(t, cmd);
    case 'config set': {
      const args = parseArgs(ARGS.configSet, cmd);
      if (isResult(args)) return args;
      t.setConfig(args.who, args.name, String(args.value));
      return ok();
    }
    case 'config rm': {
      const args = parseArgs(ARGS.configRm, cmd);
      if (isResult(args)) return args;
      t.setConfig(args.who, args.name, null);
      return ok();
    }
    default: {
      const answer = t.read(cmd);
      if (answer === undefined) return fail(EINVAL, `no valid command found; unknown prefix '${cmd.prefix}'`);
      return ok('', typeof answer === 'string' ? answer : JSON.stringify(answer));
    }
  }
}
