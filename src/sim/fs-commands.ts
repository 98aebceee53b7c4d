import { constants } from 'node:os';
import { z } from 'zod';
import { type CommandResult, fail, isResult, parseArgs } from './command-result.ts';
import type { FsMapDoc } from './fs-map-doc.ts';
import type { MonCommand } from './scenario.ts';

const { ENOENT, EINVAL, EPERM } = constants.errno;

/** What the file system commands reach of the cluster. */
export interface FsCommandTarget {
  readonly fs: FsMapDoc;
  now(): number;
  /** The id of the pool of that name. */
  poolId(name: string): number | undefined;
  /** Creates a CephFS pool (application `cephfs`); resolves to its id. */
  createPool(name: string, pgNum: number): number;
  /** Runs `osd pool rm` as the monitors would (the answer of a refusal). */
  removePool(name: string): CommandResult;
}

const ok = (outs = '', outb = ''): CommandResult => ({ retval: 0, outb, outs });

const FsName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a file system name is letters, digits, "-", "_" and "."');
const ARGS = {
  fsNew: z.looseObject({ fs_name: FsName, metadata: z.string().min(1), data: z.string().min(1) }),
  fsRm: z.looseObject({ fs_name: z.string().min(1), yes_i_really_mean_it: z.boolean().optional() }),
  volumeCreate: z.looseObject({ name: FsName }),
  volumeRm: z.looseObject({ vol_name: z.string().min(1), yes_i_really_mean_it: z.boolean().optional() }),
  fsSet: z.looseObject({ fs_name: z.string().min(1), var: z.string().min(1), val: z.string() }),
};

/** Ceph's `MAX_MDS`: the most ranks a file system may have. */
const MAX_MDS = 256;

/** The commands here that change the cluster (the audit log records those). */
export const FS_WRITE_PREFIXES: ReadonlySet<string> = new Set([
  'fs new',
  'fs rm',
  'fs set',
  'fs volume create',
  'fs volume rm',
]);

/** Pools `fs volume create` makes, as the volumes module names them. */
const META_PG = 16;
const DATA_PG = 32;

function fsNew(t: FsCommandTarget, name: string, metadata: string, data: string): CommandResult {
  const meta = t.poolId(metadata);
  if (meta === undefined) return fail(ENOENT, `pool '${metadata}' does not exist`);
  const dat = t.poolId(data);
  if (dat === undefined) return fail(ENOENT, `pool '${data}' does not exist`);
  const existing = t.fs.get(name);
  if (existing !== undefined) {
    const same = existing.mdsmap.metadata_pool === meta && existing.mdsmap.data_pools.includes(dat);
    return same
      ? ok(`filesystem '${name}' already exists`)
      : fail(EINVAL, `filesystem already exists with name '${name}'`);
  }
  if (meta === dat) return fail(EINVAL, 'metadata and data pools must be different');
  for (const id of [meta, dat]) {
    const user = t.fs.poolUser(id);
    if (user !== undefined)
      return fail(EINVAL, `Pool '${id === meta ? metadata : data}' already in use by CephFS '${user}'`);
  }
  t.fs.create(name, meta, dat, t.now());
  return ok(`new fs with metadata pool ${meta} and data pool ${dat}`);
}

/** `fs ls`, as the monitors print it in JSON. */
function fsLs(t: FsCommandTarget, poolName: (id: number) => string) {
  return t.fs.list().map((f) => ({
    name: f.mdsmap.fs_name,
    metadata_pool: poolName(f.mdsmap.metadata_pool),
    metadata_pool_id: f.mdsmap.metadata_pool,
    data_pool_ids: f.mdsmap.data_pools,
    data_pools: f.mdsmap.data_pools.map(poolName),
  }));
}

/**
 * The file system commands, as the monitors (and, for `fs volume`, the volumes module) answer them: `fs volume
 * create NAME` makes pools `cephfs.NAME.meta` and `cephfs.NAME.data` and the file system; `fs new`, `fs rm`, `fs
 * volume rm` (which also deletes the pools), `fs set NAME max_mds N`, `fs ls` and `fs dump`. Undefined for any other
 * prefix.
 */
export function runFsCommand(
  t: FsCommandTarget,
  cmd: MonCommand,
  poolName: (id: number) => string,
): CommandResult | undefined {
  switch (cmd.prefix) {
    case 'fs new': {
      const args = parseArgs(ARGS.fsNew, cmd);
      if (isResult(args)) return args;
      return fsNew(t, args.fs_name, args.metadata, args.data);
    }
    case 'fs volume create': {
      const args = parseArgs(ARGS.volumeCreate, cmd);
      if (isResult(args)) return args;
      if (t.fs.get(args.name) !== undefined) return ok(`Volume '${args.name}' already exists.`);
      const meta = `cephfs.${args.name}.meta`;
      const data = `cephfs.${args.name}.data`;
      if (t.poolId(meta) === undefined) t.createPool(meta, META_PG);
      if (t.poolId(data) === undefined) t.createPool(data, DATA_PG);
      const r = fsNew(t, args.name, meta, data);
      return r.retval < 0 ? r : ok();
    }
    case 'fs rm': {
      const args = parseArgs(ARGS.fsRm, cmd);
      if (isResult(args)) return args;
      if (t.fs.get(args.fs_name) === undefined) return ok(`filesystem '${args.fs_name}' does not exist`);
      if (args.yes_i_really_mean_it !== true) {
        return fail(
          EPERM,
          'this is a DESTRUCTIVE operation and will make data in your filesystem permanently inaccessible.  Add --yes-i-really-mean-it if you are sure you wish to continue.',
        );
      }
      t.fs.remove(args.fs_name);
      return ok();
    }
    case 'fs volume rm': {
      const args = parseArgs(ARGS.volumeRm, cmd);
      if (isResult(args)) return args;
      const fs = t.fs.get(args.vol_name);
      if (fs === undefined) return fail(ENOENT, `volume '${args.vol_name}' does not exist`);
      if (args.yes_i_really_mean_it !== true) {
        return fail(
          EPERM,
          'WARNING: this will *PERMANENTLY DESTROY* all data stored in the filesystem. If you are *ABSOLUTELY CERTAIN* that is what you want, pass --yes-i-really-mean-it.',
        );
      }
      t.fs.remove(args.vol_name);
      for (const id of [fs.mdsmap.metadata_pool, ...fs.mdsmap.data_pools]) {
        const r = t.removePool(poolName(id));
        if (r.retval < 0) return r;
      }
      return ok(`volume ${args.vol_name} removed`);
    }
    case 'fs set': {
      const args = parseArgs(ARGS.fsSet, cmd);
      if (isResult(args)) return args;
      if (t.fs.get(args.fs_name) === undefined) return fail(ENOENT, `Not found: '${args.fs_name}'`);
      if (args.var !== 'max_mds') return fail(EINVAL, `the simulated cluster does not set ${args.var}`);
      if (!/^-?\d+$/.test(args.val)) return fail(EINVAL, `strict_strtoll: expected integer, got: '${args.val}'`);
      const n = Number(args.val);
      if (n <= 0) return fail(EINVAL, 'You must specify at least one MDS');
      if (n > MAX_MDS) return fail(EINVAL, `may not have more than ${MAX_MDS} MDS ranks`);
      t.fs.setMaxMds(args.fs_name, n);
      return ok();
    }
    case 'fs ls':
      return ok('', JSON.stringify(fsLs(t, poolName)));
    case 'fs dump':
      return ok(`dumped fsmap epoch ${t.fs.snapshot().epoch}`, JSON.stringify(t.fs.snapshot()));
    default:
      return undefined;
  }
}
