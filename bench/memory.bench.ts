import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../src/store/store.ts';
import { finalEvents } from '../test/fixtures/final-state.ts';
import { scaledTo1003 } from './accessors.bench.ts';
import { recoverInChild } from './scale.bench.ts';

/** Real ceph-mgr 16.2.15's resident memory with 1003 OSDs in its map, recorded on the same kind of machine. */
export const CEPH_RSS_MB_1003 = 393;

export interface MemoryResult {
  /** A fresh process that recovered the recorded cluster's state grown to 1003 OSDs and served a get. */
  rssMiB: number;
  heapMiB: number;
  recoveryMs: number;
  /** The baseline, measured the same way: a fresh process that opened an empty store and served the same get. */
  emptyRssMiB: number;
  emptyHeapMiB: number;
  /** Our resident memory over real ceph-mgr's for the same cluster (MB as ceph's `ps` gave it, MiB here: 1.05x). */
  shareOfCeph: number;
}

/**
 * Resident memory of a host holding the cluster real ceph-mgr's 393 MB was measured on: the recorded trace's state
 * with its OSD map grown to 1003 OSDs (as in the accessor benchmark), stored as a replay leaves it (journal and a
 * snapshot) and recovered in a fresh process. Baseline in the same run: a fresh process on an empty store.
 */
export async function benchMemory(tracePath: string): Promise<MemoryResult> {
  const { accepted, state } = finalEvents(tracePath);
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bench-memory-'));
  try {
    const full = join(dir, 'full');
    const store = Store.open(full);
    await store.commit({ events: accepted, snapshot: scaledTo1003(state) });
    await store.close();
    const empty = join(dir, 'empty');
    await Store.open(empty).close();
    const withState = recoverInChild(full);
    const without = recoverInChild(empty);
    return {
      rssMiB: withState.rssMiB,
      heapMiB: withState.heapMiB,
      recoveryMs: withState.ms,
      emptyRssMiB: without.rssMiB,
      emptyHeapMiB: without.heapMiB,
      shareOfCeph: (withState.rssMiB * 2 ** 20) / (CEPH_RSS_MB_1003 * 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printMemory(r: MemoryResult): void {
  console.log(
    `\nresident memory, recorded cluster grown to 1003 OSDs, recovered in a fresh process: ${r.rssMiB.toFixed(0)} MiB (heap ${r.heapMiB.toFixed(0)} MiB; ${r.recoveryMs.toFixed(0)} ms to the first get); baseline, the same process on an empty store: ${r.emptyRssMiB.toFixed(0)} MiB (heap ${r.emptyHeapMiB.toFixed(0)} MiB); real ceph-mgr with 1003 OSDs (recorded, not this run): ${CEPH_RSS_MB_1003} MB, ours ${(100 * r.shareOfCeph).toFixed(0)}% of it`,
  );
}
