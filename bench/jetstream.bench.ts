/**
 * The event log on NATS JetStream (3 nodes of Debian's nats-server, stream replicas 3) beside the embedded journal:
 * events/s at 1,000 simulated OSDs, the time from SIGKILL of the active to the new active's first served command
 * (lease 2 s), and the `mgr fail` handover. Skips with a message when nats-server is missing. Runs alone with
 * `node --import tsx bench/jetstream.bench.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterEvent } from '../schemas/event.ts';
import { JetStreamLog } from '../src/group/jetstream-log.ts';
import { LogReplica } from '../src/group/log-replica.ts';
import { AdminClient } from '../src/server/admin-client.ts';
import { simulateEvents } from '../src/sim/simulate-events.ts';
import { createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { Store } from '../src/store/store.ts';
import { stopProcess } from '../test/helpers.ts';
import { NATS_SKIP, NatsCluster } from '../test/nats/nats-cluster.ts';

const BIN = fileURLToPath(new URL('../bin/mgrkit.js', import.meta.url));
const BATCH = 1024;

export interface JetStreamBenchResult {
  skipped: string | null;
  osds: number;
  events: number;
  embeddedPerSec: number;
  /** Fold, publish to the stream and commit, on the writer. */
  appendPerSec: number;
  /** A second host consuming the stream and folding it into its own store, from the first event to the last. */
  followPerSec: number;
  killToServedMs: number[];
  mgrFailMs: number[];
}

const PROBE = `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  static NOTIFY_TYPES = [];
  static COMMANDS = [{ cmd: 'probe whoami', desc: 'which manager answers', perm: 'r' }];
  async handle_command() { return [0, this.get_mgr_id(), '']; }
}
`;

async function embedded(events: readonly ClusterEvent[], dir: string): Promise<number> {
  const store = Store.open(dir);
  const t0 = performance.now();
  let state = createEmptyState();
  for (let i = 0; i < events.length; i += BATCH) {
    const r = foldBatch(
      state,
      events.slice(i, i + BATCH).map((event) => ({ event, ref: null })),
    );
    await store.commit({ events: r.accepted.map((a) => a.event) });
    state = r.state;
  }
  const ms = performance.now() - t0;
  await store.close();
  return (events.length / ms) * 1000;
}

async function throughJetStream(
  events: readonly ClusterEvent[],
  url: string,
  dir: string,
): Promise<{ append: number; follow: number }> {
  const writerLog = await JetStreamLog.open({ url, stream: 'BENCH' });
  const readerLog = await JetStreamLog.open({ url, stream: 'BENCH' });
  const writerStore = Store.open(join(dir, 'w'));
  const readerStore = Store.open(join(dir, 'r'));
  const writer = new LogReplica(writerStore, writerLog, createEmptyState());
  const reader = new LogReplica(readerStore, readerLog, createEmptyState());
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await writer.append(events.slice(i, i + BATCH).map((event) => ({ event, ref: null })));
  }
  const appendMs = performance.now() - t0;
  const abort = new AbortController();
  const t1 = performance.now();
  const following = reader.follow(abort.signal);
  await reader.reached(writer.state.seq);
  const followMs = performance.now() - t1;
  abort.abort();
  await following.catch(() => undefined);
  await Promise.all([writerLog.close(), readerLog.close()]);
  await Promise.all([writerStore.close(), readerStore.close()]);
  return { append: (events.length / appendMs) * 1000, follow: (events.length / followMs) * 1000 };
}

interface Member {
  id: string;
  socket: string;
  proc: ChildProcess;
}

function startMember(dir: string, url: string, id: string): Member {
  const db = join(dir, id);
  const proc = spawn(
    process.execPath,
    [
      BIN,
      'run',
      '--log',
      url,
      '--stream',
      'FAILOVER',
      '--db',
      db,
      '--mgr-id',
      id,
      '--module-path',
      join(dir, 'modules'),
    ].concat(['--modules', 'probe', '--lease-ms', '2000', '--log-file', join(dir, `${id}.log`)]),
    { stdio: 'ignore' },
  );
  return { id, socket: join(db, 'mgr.sock'), proc };
}

/** Milliseconds from `t0` until `m` answers `probe whoami` (a command only the active serves). */
async function servedAfter(m: Member, t0: number, timeoutMs = 30_000): Promise<number> {
  while (performance.now() - t0 < timeoutMs) {
    try {
      const c = await AdminClient.connect(m.socket);
      const r = await c.send({ prefix: 'probe whoami' });
      c.close();
      // Standbys pass module commands on to the active: only its own name says this member serves it.
      if (r.retval === 0 && r.stdout === m.id) return performance.now() - t0;
    } catch {
      // not listening yet, or not active yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${m.id} did not become active within ${timeoutMs} ms`);
}

/** The active member, once the group has settled: exactly one answers as the active. */
async function activeOf(members: Member[]): Promise<Member> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const answering: Member[] = [];
    for (const m of members) {
      if ((await servedAfter(m, performance.now(), 100).catch(() => null)) !== null) answering.push(m);
    }
    if (answering.length === 1) return answering[0]!;
  }
}

async function failovers(url: string, dir: string, rounds: number): Promise<{ kill: number[]; fail: number[] }> {
  mkdirSync(join(dir, 'modules', 'probe'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'probe', 'module.ts'), PROBE);
  const members = ['a', 'b', 'c'].map((id) => startMember(dir, url, id));
  const kill: number[] = [];
  const fail: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const active = await activeOf(members);
      const others = members.filter((m) => m !== active);
      const c = await AdminClient.connect(active.socket);
      const t0 = performance.now();
      await c.send({ prefix: 'mgr fail' });
      c.close();
      fail.push(Math.min(...(await Promise.all(others.map((m) => servedAfter(m, t0).catch(() => Infinity))))));
    }
    for (let i = 0; i < rounds; i++) {
      const active = await activeOf(members);
      const t0 = performance.now();
      active.proc.kill('SIGKILL');
      const others = members.filter((m) => m !== active);
      kill.push(Math.min(...(await Promise.all(others.map((m) => servedAfter(m, t0).catch(() => Infinity))))));
      await stopProcess(active.proc, 'SIGKILL');
      members[members.indexOf(active)] = startMember(dir, url, active.id);
    }
  } finally {
    await Promise.all(members.map((m) => stopProcess(m.proc, 'SIGTERM')));
  }
  return { kill, fail };
}

/** Runs the JetStream benchmarks (or reports why they were skipped). */
export async function benchJetStream(osds = 1000, duration = 30, rounds = 3): Promise<JetStreamBenchResult> {
  const empty = {
    osds,
    events: 0,
    embeddedPerSec: 0,
    appendPerSec: 0,
    followPerSec: 0,
    killToServedMs: [],
    mgrFailMs: [],
  };
  if (NATS_SKIP) return { skipped: NATS_SKIP, ...empty };
  const events = [...simulateEvents({ osds, duration, seed: 1 })];
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bench-js-'));
  const cluster = await NatsCluster.start(3);
  try {
    const embeddedPerSec = await embedded(events, join(dir, 'embedded'));
    const js = await throughJetStream(events, cluster.url, dir);
    const f = await failovers(cluster.url, join(dir, 'failover'), rounds);
    return {
      skipped: null,
      osds,
      events: events.length,
      embeddedPerSec,
      appendPerSec: js.append,
      followPerSec: js.follow,
      killToServedMs: f.kill,
      mgrFailMs: f.fail,
    };
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printJetStream(r: JetStreamBenchResult): void {
  if (r.skipped) {
    console.log(`\nevent log on NATS JetStream: skipped (${r.skipped})`);
    return;
  }
  const ms = (xs: number[]) => xs.map((x) => `${x.toFixed(0)} ms`).join(', ');
  console.log(`\nevent log on NATS JetStream (3 servers, replicas 3), ${r.osds} simulated OSDs, ${r.events} events`);
  console.log(`  embedded journal (fold + LMDB commit)        ${r.embeddedPerSec.toFixed(0)} events/s`);
  console.log(`  JetStream writer (fold + publish + commit)   ${r.appendPerSec.toFixed(0)} events/s`);
  console.log(`  JetStream follower (consume + fold + commit) ${r.followPerSec.toFixed(0)} events/s`);
  console.log(`  SIGKILL of the active → first served command (lease 2 s): ${ms(r.killToServedMs)}`);
  console.log(`  mgr fail → first command served by the new active:        ${ms(r.mgrFailMs)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printJetStream(await benchJetStream());
}
