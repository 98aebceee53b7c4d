import type { NotifyRow } from './notify.bench.ts';
import type { ScaleResult } from './scale.bench.ts';
import type { ScrapeResult } from './scrape.bench.ts';
import type { DigestAtResult, IngestRateRow, LiveLagResult, TraceReplayResult } from './targets.bench.ts';

/** What the scale work aims at, the figure measured before it (2-core machine, medians of 3), and this run's. */
export interface TargetRow {
  what: string;
  target: string;
  before: string;
  now: string;
  met: boolean | null;
}

export interface TargetInputs {
  replay10k: TraceReplayResult | null;
  huge: TraceReplayResult | null;
  rates: readonly IngestRateRow[];
  lag: LiveLagResult | null;
  scale: readonly ScaleResult[];
  scrape: readonly ScrapeResult[];
  notify: readonly NotifyRow[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (x: number) => (x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);
const per = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;
const mib = (x: number) => (x >= 1024 ? `${(x / 1024).toFixed(2)} GiB` : `${x.toFixed(0)} MiB`);
const ns = (x: number) => `${x.toFixed(1)} ns`;
const notRun = { now: 'not run', met: null };

/** The targets of the scale work beside the figures before it and this run's. */
export function targetRows(r: TargetInputs): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (what: string, target: string, before: string, value: { now: string; met: boolean | null }) =>
    rows.push({ what, target, before, ...value });
  const rep = r.replay10k;
  add(
    '30-s 10,000-OSD trace, replay with the journal, wall',
    '≤ 30 s',
    '70–88 s',
    rep ? { now: s(rep.wallMs), met: rep.wallMs <= 30_000 } : notRun,
  );
  add(
    '  of which the 5-s start-up burst',
    '(within the 30 s)',
    '33–41 s',
    rep?.burstMs != null ? { now: s(rep.burstMs), met: null } : notRun,
  );
  add(
    '  steady state, wall-s per stream-s',
    '≤ 0.3',
    '0.61–1.26 (median 0.97)',
    rep?.steadyWallPerStreamS != null
      ? { now: rep.steadyWallPerStreamS.toFixed(2), met: rep.steadyWallPerStreamS <= 0.3 }
      : notRun,
  );
  add('  final snapshot and digest', '(within the 30 s)', '23–37 s', rep ? { now: s(rep.finalMs), met: null } : notRun);
  const at = rep?.digestAt;
  add(
    '  `mgrkit digest --at SEQ` on its store, slowest of 9 seqs (process)',
    '≤ 1 s',
    '4.5 s near a snapshot, minutes far',
    at ? { now: ms(at.worstMs), met: at.worstMs <= 1000 } : notRun,
  );
  add('  peak RSS', '≤ 1.5 GiB', '2.65 GB', rep ? { now: mib(rep.maxRssMiB), met: rep.maxRssMiB <= 1536 } : notRun);
  add(
    '  heap the state holds',
    '≤ 500 MiB',
    '958 MiB',
    rep ? { now: mib(rep.stateHeapMiB), met: rep.stateHeapMiB <= 500 } : notRun,
  );
  add(
    'run --source sim:osds=10000, lag after the first minute',
    '≤ 5 s',
    'never caught up',
    r.lag?.maxLagAfterMinuteS != null
      ? { now: `${r.lag.maxLagAfterMinuteS.toFixed(1)} s`, met: r.lag.maxLagAfterMinuteS <= 5 }
      : notRun,
  );
  const huge = r.huge;
  add(
    '10,800 OSDs, 1,000,000 PGs: steady state, wall-s per stream-s',
    '≤ 1 (keeps the clock)',
    'not measured',
    huge?.steadyWallPerStreamS != null
      ? { now: huge.steadyWallPerStreamS.toFixed(2), met: huge.steadyWallPerStreamS <= 1 }
      : { now: 'not run (--huge)', met: null },
  );
  add(
    '  peak RSS',
    '≤ 4 GiB',
    'not measured',
    huge ? { now: mib(huge.maxRssMiB), met: huge.maxRssMiB <= 4096 } : { now: 'not run (--huge)', met: null },
  );
  const goals: Record<string, [number, string, string]> = {
    heartbeat: [200_000, '≥ 200,000/s', '2.3 µs of CPU each'],
    clog: [100_000, '≥ 100,000/s', '868/s (fold)'],
    daemon_report: [30_000, '≥ 30,000/s', '92–104 µs each (fold)'],
  };
  for (const row of r.rates) {
    const g = goals[row.kind];
    if (g !== undefined) {
      add(`${row.kind} with the journal, ${row.daemons.toLocaleString('en-US')} daemons`, g[1], g[2], {
        now: per(row.eventsPerSec),
        met: row.eventsPerSec >= g[0],
      });
    } else if (row.kind === 'pg_stats') {
      add(
        `pg_stats with the journal, ${row.daemons.toLocaleString('en-US')} daemons`,
        '≥ 60 MB/s',
        '160 µs of CPU each',
        {
          now: `${row.mbPerSec.toFixed(1)} MB/s`,
          met: row.mbPerSec >= 60,
        },
      );
    }
  }
  const big = r.scale.find((x) => x.osds === 10_000);
  add(
    'recovery at 10,000 OSDs: first get(osd_map) after opening the store',
    '≤ 200 ms',
    '7.5 s',
    big ? { now: ms(big.recovery.ms), met: big.recovery.ms <= 200 } : notRun,
  );
  add(
    '  the same, including the process start: `mgrkit get osd_map`, start to exit (built CLI, map printed)',
    '≤ 300 ms',
    '8.2 s (7.5 s + 0.66 s loading)',
    big?.recovery.processMs != null ? { now: ms(big.recovery.processMs), met: big.recovery.processMs <= 300 } : notRun,
  );
  add(
    "  the same, a module's first get from the process's start (the build)",
    '≤ 300 ms',
    '8.2 s (7.5 s + 0.66 s loading)',
    big?.recovery.childProcessMs != null
      ? { now: ms(big.recovery.childProcessMs), met: big.recovery.childProcessMs <= 300 }
      : notRun,
  );
  const scrape10k = r.scrape.find((x) => x.osds === 10_000);
  const scrape1003 = r.scrape.find((x) => x.osds === 1003);
  add(
    'fresh Prometheus scrape, 10,000 OSDs',
    '≤ 20 ms',
    '225–311 ms',
    scrape10k ? { now: ms(scrape10k.freshMs), met: scrape10k.freshMs <= 20 } : notRun,
  );
  add(
    "fresh Prometheus scrape, ceph-mgr's 1003-OSD shape",
    '≤ 1 ms',
    '1.08 ms',
    scrape1003 ? { now: ms(scrape1003.freshMs), met: scrape1003.freshMs <= 1 } : notRun,
  );
  const osdMap = r.scale.flatMap((x) => x.accessors.filter((a) => a.name === "get('osd_map')").map((a) => a.medianNs));
  add(
    "get('osd_map'), slowest size",
    '≤ 100 ns',
    '44–66 ns',
    osdMap.length > 0 ? { now: ns(Math.max(...osdMap)), met: Math.max(...osdMap) <= 100 } : notRun,
  );
  const n10 = r.notify.find((x) => x.modules === 10);
  add(
    'notify latency p99, 10 modules',
    '≤ 50 µs',
    '56–74 µs',
    n10 ? { now: `${(n10.p99Ns / 1000).toFixed(0)} µs`, met: n10.p99Ns <= 50_000 } : notRun,
  );
  return rows;
}

/** Prints the targets table. */
export function printTargets(rows: readonly TargetRow[]): void {
  console.log('\nscale targets (before: measured on the 2-core machine before the scale work; now: this run)');
  console.log(`${'what'.padEnd(66)} ${'target'.padEnd(22)} ${'before'.padEnd(36)} ${'now'.padEnd(12)} met`);
  for (const r of rows) {
    const met = r.met === null ? '' : r.met ? 'yes' : 'NO';
    console.log(`${r.what.padEnd(66)} ${r.target.padEnd(22)} ${r.before.padEnd(36)} ${r.now.padEnd(12)} ${met}`);
  }
}

/** Prints `mgrkit digest --at` on the 10,000-OSD replay's store against its `--verify` baseline. */
export function printDigestAt(at: DigestAtResult | null | undefined): void {
  if (at === null || at === undefined) return;
  console.log(
    `\nmgrkit digest --at on the 10,000-OSD store (a process each; seqs ${at.seqs.join(', ')}, up to ${at.farthestFromSnapshot.toLocaleString('en-US')} events past a snapshot): median ${ms(at.medianMs)}, slowest ${ms(at.worstMs)} (seq ${at.worstSeq}); baseline --verify at seq ${at.verifySeq} (folds the state, hashes every leaf) ${ms(at.verifyMs)}: ${(at.verifyMs / at.worstMs).toFixed(1)}x`,
  );
}
