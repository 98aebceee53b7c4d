import type { OsdCounters } from './osd-daemon.ts';
import type { OsdPerfReports } from './osd-perf-reports.ts';
import type { PgEngine } from './pg-engine.ts';
import { PG } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { hash32, hashUnit, type Rng } from './rng.ts';

/** Client operations per second the cluster serves, per OSD that is up and in. */
export const WRITE_OPS_PER_OSD = 25;
export const READ_OPS_PER_OSD = 40;
const WRITE_BYTES = 64 * 1024;
/**
 * The share of written bytes that are new data; the rest overwrite what the pool holds (block and file workloads
 * mostly rewrite), so that a cluster grows a fraction of a percent of its space a day.
 */
const NEW_DATA_SHARE = 0.05;
const READ_BYTES = 128 * 1024;
/** Mean latencies (ns) before each OSD's own factor: spinning disks behind a write-ahead log. */
const WRITE_LAT_NS = 4e6;
const READ_LAT_NS = 1.5e6;

/**
 * The share of PGs that see IO in one stats period. Real workloads are skewed: most of a large cluster's PGs are
 * idle in any five seconds, and the OSDs only resend the stats of PGs that changed, which keeps a million-PG trace
 * to what the cluster actually did.
 */
export const HOT_PG_SHARE = 0.02;
const MIN_HOT_PGS = 32;

/**
 * One stats period of client IO: a rotating set of hot PGs (drawn from the seeded stream) take the period's reads
 * and writes. Writes grow the PG's objects and bytes, fall behind on copies that are down, and count on the
 * primary's perf counters with a latency of its own. PGs that are not active take no IO; `paused` (the
 * pauserd/pausewr flags) stops it all, and a pool flagged `full` takes no writes. With `perf`, each primary's ops
 * are also tallied by pool for the manager's OSD perf queries.
 */
export function runClientIo(
  pools: readonly PoolPgs[],
  periodMs: number,
  activeOsds: number,
  epoch: number,
  rng: Rng,
  engine: PgEngine,
  counters: OsdCounters,
  paused: { reads: boolean; writes: boolean; fullPools?: ReadonlySet<number> },
  perf?: OsdPerfReports,
): void {
  const pgCount = pools.reduce((s, p) => s + p.pgNum, 0);
  if (pgCount === 0 || activeOsds === 0) return;
  const hot = Math.min(pgCount, Math.max(MIN_HOT_PGS, Math.ceil(pgCount * HOT_PG_SHARE)));
  const seconds = periodMs / 1000;
  const writesPerPg = paused.writes ? 0 : (activeOsds * WRITE_OPS_PER_OSD * seconds) / hot;
  const readsPerPg = paused.reads ? 0 : (activeOsds * READ_OPS_PER_OSD * seconds) / hot;
  counters.wip.fill(0);
  for (let h = 0; h < hot; h++) {
    let g = rng.int(pgCount);
    let k = 0;
    while (g >= pools[k]!.pgNum) g -= pools[k++]!.pgNum;
    const pool = pools[k]!;
    const c = pool.cols;
    const spread = 0.5 + rng.float();
    if ((c.state[g]! & PG.ACTIVE) === 0) continue;
    const w = paused.fullPools?.has(pool.id) === true ? 0 : Math.round(writesPerPg * spread);
    const r = Math.round(readsPerPg * spread);
    if (w === 0 && r === 0) continue;
    const writeBytes = Math.min(WRITE_BYTES, pool.kind.objectBytes);
    const grown = Math.round(w * writeBytes * NEW_DATA_SHARE);
    const fresh = objectsGained(c.bytes[g]!, c.bytes[g]! + grown, pool.kind.objectBytes);
    c.writes[g]! += w;
    c.writeKb[g]! += Math.ceil((w * writeBytes) / 1024);
    c.reads[g]! += r;
    c.readKb[g]! += Math.ceil((r * READ_BYTES) / 1024);
    c.bytes[g]! += grown;
    c.objects[g]! += fresh;
    if (w > 0) c.versionEpoch[g] = epoch;
    c.dirty[g] = 1;
    engine.noteWrite(pool, g, Math.min(c.objects[g]!, Math.ceil(w / 4)));
    const primary = pool.primary(g);
    if (primary >= 0) {
      tallyPrimary(counters, perf, primary, pool.id, w, r, w * writeBytes, r * READ_BYTES, spread);
      counters.wip[primary] = Math.min(16, counters.wip[primary]! + Math.round(spread * 2));
    }
  }
}

/**
 * How many objects a PG gains when its data grows from `before` to `after` bytes (negative: loses, when it
 * shrinks). New data fills the PG's last object up to the pool's object size and then starts the next, so the
 * first byte written to an empty PG makes an object and an overwrite makes none.
 */
export function objectsGained(before: number, after: number, objectBytes: number): number {
  return Math.ceil(Math.max(0, after) / objectBytes) - Math.ceil(Math.max(0, before) / objectBytes);
}

/**
 * A primary's part in `w` writes of `inBytes` in all and `r` reads of `outBytes`: its ops, bytes and latencies (at
 * the OSD's own speed, times `spread`) on its perf counters and in the manager's OSD perf queries.
 */
function tallyPrimary(
  counters: OsdCounters,
  perf: OsdPerfReports | undefined,
  primary: number,
  pool: number,
  w: number,
  r: number,
  inBytes: number,
  outBytes: number,
  spread: number,
): void {
  const slow = 0.6 + 0.8 * hashUnit(primary, 0x1a7);
  const wLat = w * WRITE_LAT_NS * slow * spread;
  const rLat = r * READ_LAT_NS * slow * spread;
  counters.opW[primary]! += w;
  counters.opR[primary]! += r;
  counters.inBytes[primary]! += inBytes;
  counters.outBytes[primary]! += outBytes;
  counters.wLatNs[primary]! += wLat;
  counters.rLatNs[primary]! += rLat;
  perf?.tally(primary, pool, w, r, inBytes, outBytes, wLat, rLat);
}

/** Where a bulk write is counted: the PG's degraded copies, the primaries' perf counters and perf queries. */
export interface WriteSinks {
  readonly engine: PgEngine;
  readonly counters: OsdCounters;
  readonly perf?: OsdPerfReports | undefined;
}

/**
 * A client writing `bytes` of new data to PG `ps` (negative: deleting that much) in whole objects of the pool's
 * object size, as `rbd` or `rados put` write a large file: the PG's objects follow its bytes, each object written
 * (or removed) is one write op, and the primary counts the ops and bytes as client writes. Objects written while a
 * copy is down are missing there. Returns the change in the PG's bytes.
 */
export function writeBulk(pool: PoolPgs, ps: number, bytes: number, epoch: number, sinks: WriteSinks): number {
  const c = pool.cols;
  const before = c.bytes[ps]!;
  const after = Math.max(0, Math.round(before + bytes));
  if (after === before) return 0;
  const objects = objectsGained(before, after, pool.kind.objectBytes);
  const written = Math.max(0, after - before);
  const ops = written > 0 ? Math.ceil(written / pool.kind.objectBytes) : Math.max(1, -objects);
  c.bytes[ps] = after;
  c.objects[ps] = Math.max(0, c.objects[ps]! + objects);
  c.writes[ps]! += ops;
  c.writeKb[ps]! += Math.ceil(written / 1024);
  c.versionEpoch[ps] = epoch;
  c.dirty[ps] = 1;
  if (objects > 0) sinks.engine.noteWrite(pool, ps, objects);
  const primary = pool.primary(ps);
  if (primary >= 0) tallyPrimary(sinks.counters, sinks.perf, primary, pool.id, ops, 0, written, 0, 1);
  return after - before;
}

/** One write by a client outside the simulation: the change in bytes stored and in objects, and the bytes sent. */
export interface ClientWrite {
  readonly pool: number;
  readonly oid: string;
  readonly bytes: number;
  readonly objects: number;
  readonly written: number;
}

/**
 * Counts a client's write in the PG its object's name hashes to (as Ceph places objects): the PG stores `bytes`
 * and `objects` more (fewer for a truncate or a removal), counts one write op, and goes out with its primary's next
 * report.
 */
export function recordClientWrite(pool: PoolPgs, w: ClientWrite, epoch: number): void {
  let h = 0;
  for (let i = 0; i < w.oid.length; i++) h = hash32(h, w.oid.charCodeAt(i));
  const ps = h % pool.pgNum;
  const c = pool.cols;
  c.bytes[ps] = Math.max(0, c.bytes[ps]! + w.bytes);
  c.objects[ps] = Math.max(0, c.objects[ps]! + w.objects);
  c.writes[ps]! += 1;
  c.writeKb[ps]! += Math.ceil(w.written / 1024);
  c.versionEpoch[ps] = epoch;
  c.dirty[ps] = 1;
}
