import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ClusterEvent, EventOf } from '../schemas/event.ts';
import { parseTraceLine } from '../src/ingest/parse-line.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** The per-event fold cost of one event kind at one cluster size. */
export interface FoldScaleRow {
  daemons: number;
  kind: string;
  /** Events per `foldBatch` call. */
  batch: number;
  /** Median time per event. */
  perEventNs: number;
  median: Measurement;
}

const KINDS = ['daemon_report', 'clog', 'heartbeat', 'pg_stats'] as const;

/** The costliest event of each kind in a recorded trace, to copy with other names. */
export function templates(path: string): Map<string, ClusterEvent> {
  const out = new Map<string, ClusterEvent>();
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const p = parseTraceLine(lines[i]!, path, i + 1);
    if (p === null || !('event' in p)) continue;
    const e = p.event;
    const held = out.get(e.kind);
    // The daemon report with the most counters, the pg_stats with the most PGs: the costliest shape of each.
    if (
      held === undefined ||
      (e.kind === 'daemon_report' &&
        Object.keys(e.counters).length > Object.keys((held as EventOf<'daemon_report'>).counters).length) ||
      (e.kind === 'pg_stats' && e.pg_stats.length > (held as EventOf<'pg_stats'>).pg_stats.length)
    )
      out.set(e.kind, e);
  }
  return out;
}

/** A deterministic pseudo-random sequence, so every run folds the same events. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function cloned<E>(e: E): E {
  return structuredClone(e);
}

/** A state with `n` OSDs that opened, reported counters once and sent their PG stats once, and a full cluster log. */
export function clusterOf(n: number, tpl: Map<string, ClusterEvent>): { state: ClusterState; t: number } {
  const t = 1_700_000_000_000;
  const evs: ClusterEvent[] = [];
  for (let i = 0; i < n; i++) evs.push({ ...cloned(tpl.get('daemon_open')!), daemon: `osd.${i}`, t } as ClusterEvent);
  for (let i = 0; i < n; i++) {
    evs.push({ ...cloned(tpl.get('daemon_report')!), daemon: `osd.${i}`, t } as ClusterEvent);
    evs.push({ ...cloned(tpl.get('pg_stats')!), reporter: `osd.${i}`, t } as ClusterEvent);
  }
  for (let i = 0; i < 600; i++) evs.push({ ...cloned(tpl.get('clog')!), t } as ClusterEvent);
  let state = createEmptyState();
  for (let i = 0; i < evs.length; i += 2048) {
    state = foldBatch(
      state,
      evs.slice(i, i + 2048).map((event, ref) => ({ event, ref })),
    ).state;
  }
  return { state, t: t + 1000 };
}

/** `count` events of `kind` from random daemons of `n`, from `t` on. */
export function eventsOf(
  kind: string,
  n: number,
  count: number,
  t: number,
  tpl: Map<string, ClusterEvent>,
): ClusterEvent[] {
  const rnd = lcg(n + count);
  const out: ClusterEvent[] = [];
  for (let i = 0; i < count; i++) {
    const who = `osd.${Math.floor(rnd() * n)}`;
    const at = t + i;
    if (kind === 'heartbeat') out.push({ kind: 'heartbeat', t: at } as ClusterEvent);
    else if (kind === 'clog') out.push({ ...cloned(tpl.get('clog')!), t: at } as ClusterEvent);
    else if (kind === 'daemon_report')
      out.push({ ...cloned(tpl.get('daemon_report')!), daemon: who, t: at } as ClusterEvent);
    else out.push({ ...cloned(tpl.get('pg_stats')!), reporter: who, t: at } as ClusterEvent);
  }
  return out;
}

/**
 * The fold's cost per event of each small event kind on a cluster of 1,000 and 10,000 daemons (each also a PG
 * reporter), folded onto the same snapshot in batches of 1 and of 256: what one event costs when it arrives alone
 * (the whole snapshot's copy-on-write paid for it) and in a replay's batch.
 */
export function benchFoldScale(
  sizes: readonly number[] = [1000, 10_000],
  kinds: readonly string[] = KINDS,
): FoldScaleRow[] {
  const tpl = templates(fileURLToPath(new URL('../traces/pacific-3osd.jsonl.gz', import.meta.url)));
  const rows: FoldScaleRow[] = [];
  for (const n of sizes) {
    const { state, t } = clusterOf(n, tpl);
    for (const kind of kinds) {
      for (const batch of [1, 256]) {
        const evs = eventsOf(kind, n, batch * 8, t, tpl);
        const inputs: Array<Array<{ event: ClusterEvent; ref: number }>> = [];
        for (let i = 0; i < evs.length; i += batch)
          inputs.push(evs.slice(i, i + batch).map((event, ref) => ({ event, ref })));
        let k = 0;
        const m = measure(
          `fold ${kind} x${batch} at ${n} daemons`,
          () => foldBatch(state, inputs[k++ % inputs.length]!),
          { batches: 10, batchMs: 20 },
        );
        rows.push({ daemons: n, kind, batch, perEventNs: m.medianNs / batch, median: m });
      }
    }
  }
  return rows;
}

export function printFoldScale(rows: FoldScaleRow[]): void {
  console.log('\nfold cost per event by kind and cluster size (onto one snapshot; median)');
  for (const r of rows) {
    console.log(
      `${`${r.kind} at ${r.daemons.toLocaleString('en-US')} daemons, batches of ${r.batch}`.padEnd(48)} ${formatNs(r.perEventNs).padStart(10)} per event`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printFoldScale(benchFoldScale());
