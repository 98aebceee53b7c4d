import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';
import type { ClusterEvent } from '../schemas/event.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { deepFreeze } from '../src/state/deep-freeze.ts';
import { digestOf, stateDigest, writeCanonical } from '../src/state/digest.ts';
import { foldBatch } from '../src/state/fold.ts';
import { logicalState } from '../src/state/logical-state.ts';
import { stateParts } from '../src/state/state-parts.ts';
import { stateAt } from '../src/store/recovery.ts';
import { Store } from '../src/store/store.ts';

/** One operation timed the new way (by part) and the old way (the whole state), in the same run. */
export interface PartsRow {
  name: string;
  ms: number;
  baselineMs: number;
  /** What the operation did, for the reader (parts written, events folded...). */
  note: string;
}

export interface SnapshotPartsResult {
  osds: number;
  events: number;
  parts: number;
  rows: PartsRow[];
}

/** The digest as it was defined before parts: sha-256 of the canonical JSON of the whole logical state. */
function wholeDigest(state: ClusterState): string {
  const hash = createHash('sha256');
  writeCanonical(logicalState(state), hash);
  return hash.digest('hex');
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

/**
 * Snapshots by part against whole-state snapshots at one simulated size: the commit carrying a snapshot (the first,
 * which writes every part, and one a batch later, which writes what changed), recovery of the newest snapshot up to
 * a first `osd_map`, the digest (fresh and after one batch), and `digest --at` a few events past a snapshot. The
 * baseline stores and reads the whole state as one msgpack value, as the store did, and hashes its whole canonical
 * JSON, as the digest did.
 */
export async function benchSnapshotParts(
  osds = 10_000,
  duration = 6,
  log: (step: string) => void = () => {},
): Promise<SnapshotPartsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-parts-'));
  const rows: PartsRow[] = [];
  try {
    log('simulating');
    const sim = new SimulatedCluster({ osds, seed: 1, scenario: false, duration });
    const events: ClusterEvent[] = sim.advanceTo(sim.startMs + duration * 1000);
    const db = join(dir, 'parts.db');
    const store = Store.open(db);
    const old = open({ path: join(dir, 'whole.mdb'), maxDbs: 4, eventTurnBatching: false });
    const oldSnapshots = old.openDB<ClusterState, number>({ name: 'snapshots', keyEncoding: 'uint32' });

    // The last batches come after the snapshot, to fold forward on recovery and for `digest --at`.
    const BATCH = Math.min(2048, Math.ceil(events.length / 8));
    const cut = (Math.ceil(events.length / BATCH) - 3) * BATCH;
    log(`folding and journaling ${events.length} events`);
    let state = createEmptyState();
    let written = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const r = foldBatch(
        state,
        events.slice(i, i + BATCH).map((event, ref) => ({ event, ref })),
      );
      state = r.state;
      const batch = r.accepted.map((a) => a.event);
      const sums = r.accepted.map((a) => a.sum);
      if (i + BATCH === cut) {
        log('first snapshot');
        const before = store.partsWritten;
        const [, ms] = await timedAsync(() => store.commit({ events: batch, sums, snapshot: state }));
        const [, baselineMs] = await timedAsync(() => old.transaction(() => oldSnapshots.put(state.seq, state)));
        written = store.partsWritten - before;
        rows.push({ name: 'commit with the first snapshot', ms, baselineMs, note: `${written} parts written` });
      } else if (i === cut) {
        log('next snapshot');
        const before = store.partsWritten;
        const [, ms] = await timedAsync(() => store.commit({ events: batch, sums, snapshot: state }));
        const [, baselineMs] = await timedAsync(() => old.transaction(() => oldSnapshots.put(state.seq, state)));
        rows.push({
          name: 'commit with a snapshot one batch later',
          ms,
          baselineMs,
          note: `${store.partsWritten - before} of ${stateParts(state).length} parts written, ${batch.length} events`,
        });
      } else {
        await store.commit({ events: batch, sums });
      }
    }
    const snapSeq = store.lastSnapshotSeq();
    const at = Math.min(snapSeq + 100, store.lastSeq());
    await store.close();
    await old.close();

    log('recovery');
    {
      const s = Store.open(db, { readOnly: true });
      const [recovered, ms] = timed(() => s.snapshotAtOrBefore(snapSeq)!.maps.osd_map);
      const o = open({ path: join(dir, 'whole.mdb'), maxDbs: 4, readOnly: true });
      const os = o.openDB<ClusterState, number>({ name: 'snapshots', keyEncoding: 'uint32' });
      const [, baselineMs] = timed(() => deepFreeze(os.get(snapSeq)!).maps.osd_map);
      rows.push({
        name: 'snapshot read up to its maps.osd_map',
        ms,
        baselineMs,
        note: `epoch ${recovered?.map.epoch}; whole: decode + deep freeze`,
      });
      const [whole, fullMs] = timed(() => logicalState(s.snapshotAtOrBefore(snapSeq)!));
      rows.push({
        name: 'snapshot read whole (every part decoded)',
        ms: fullMs,
        baselineMs,
        note: `${Object.keys(whole as object).length} top keys`,
      });
      const [, digestMs] = timed(() => stateDigest(s.snapshotAtOrBefore(snapSeq)!));
      const [, wholeDigestMs] = timed(() => wholeDigest(deepFreeze(os.get(snapSeq)!)));
      rows.push({
        name: 'digest of a stored snapshot',
        ms: digestMs,
        baselineMs: wholeDigestMs,
        note: 'the sum in its top / whole: decode + hash all',
      });
      await s.close();
      await o.close();
    }

    log('digest');
    {
      const [, fresh] = timed(() => stateDigest(state));
      const [, baselineMs] = timed(() => wholeDigest(state));
      rows.push({ name: 'digest of the last state', ms: fresh, baselineMs, note: 'the sum the fold kept' });
    }

    log('digest --at');
    {
      const [, ms] = timed(() => {
        const s = Store.open(db, { readOnly: true });
        const p = s.digestPoint(at)!;
        const d = digestOf(at, p.stamp, p.sum);
        void s.close();
        return d;
      });
      const [, baselineMs] = timed(() => {
        const s = Store.open(db, { readOnly: true });
        const o = open({ path: join(dir, 'whole.mdb'), maxDbs: 4, readOnly: true });
        const os = o.openDB<ClusterState, number>({ name: 'snapshots', keyEncoding: 'uint32' });
        const from = deepFreeze(os.get(snapSeq)!);
        const d = wholeDigest(stateAt(s, at, from));
        void s.close();
        void o.close();
        return d;
      });
      const cli = fileURLToPath(new URL('../bin/mgrkit.js', import.meta.url));
      const [, cliMs] = timed(() =>
        execFileSync(process.execPath, [cli, 'digest', '--db', db, '--at', String(at)], { encoding: 'utf8' }),
      );
      rows.push({
        name: `digest --at ${at} (in process)`,
        ms,
        baselineMs,
        note: `the sum kept for the seq / whole: ${at - snapSeq} events folded after the snapshot, all hashed`,
      });
      rows.push({ name: `mgrkit digest --at ${at} (process)`, ms: cliMs, baselineMs, note: 'including process start' });
    }
    return { osds, events: events.length, parts: stateParts(state).length, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSnapshotParts(r: SnapshotPartsResult): void {
  console.log(
    `\nsnapshots by part: ${r.osds.toLocaleString('en-US')} OSDs, ${r.events.toLocaleString('en-US')} events, ${r.parts} parts (baseline: the whole state as one value)`,
  );
  console.log(`${'operation'.padEnd(44)} ${'by part'.padStart(10)} ${'whole'.padStart(10)} ${'x faster'.padStart(9)}`);
  for (const row of r.rows) {
    console.log(
      `${row.name.padEnd(44)} ${`${row.ms.toFixed(0)} ms`.padStart(10)} ${`${row.baselineMs.toFixed(0)} ms`.padStart(10)} ${(row.baselineMs / row.ms).toFixed(1).padStart(9)}  ${row.note}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const osds = Number(process.argv[2] ?? 10_000);
  printSnapshotParts(await benchSnapshotParts(osds, 6, (s) => process.stderr.write(`bench: ${s}\n`)));
}
