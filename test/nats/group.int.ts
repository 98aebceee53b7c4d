/**
 * Several hosts on one event log on a real 3-node NATS JetStream cluster (Debian's nats-server): same state at every
 * seq, failover on SIGKILL of the active, the loss of one NATS server. Not part of `npm test`; `.ci/run` and
 * `npm run test:nats` run it.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { JournaledEvent } from '../../schemas/event.ts';
import { stateDigest } from '../../src/entry/host.ts';
import { latestState } from '../../src/group/log-member.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { AdminClient } from '../../src/server/admin-client.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { hashPart, stateParts } from '../../src/state/state-parts.ts';
import { Store } from '../../src/store/store.ts';
import { BIN, PATCH_TRACE, ROOT, runCli, stopProcess, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';
import { NATS_SKIP, NatsCluster } from './nats-cluster.ts';

const PROBE = `import { appendFileSync } from 'node:fs';
import { MgrModule, MgrStandbyModule, NOTIFY_TYPES, Option } from 'mgrkit';

export class Module extends MgrModule {
  static NOTIFY_TYPES = NOTIFY_TYPES;
  static MODULE_OPTIONS = [Option({ name: 'out', type: 'str', default: '' })];
  static COMMANDS = [{ cmd: 'probe whoami', desc: 'which manager answers as the active one', perm: 'r' }];
  async serve() {
    this.set_uri('http://' + this.get_mgr_id() + '.example:8080/');
  }
  notify(type) {
    const out = this.get_module_option('out');
    const epoch = this.get('osd_map')?.epoch ?? null;
    if (out) appendFileSync(out + '.cues', JSON.stringify({ type, epoch }) + '\\n');
  }
  async handle_command() {
    return [0, this.get_mgr_id(), ''];
  }
}

export class StandbyModule extends MgrStandbyModule {
  stopped = false;
  async serve() {
    const out = this.get_module_option('out');
    let last;
    while (!this.stopped && out) {
      const uri = this.get_active_uri();
      if (uri !== last) appendFileSync(out + '.standby', JSON.stringify({ active_uri: uri }) + '\\n');
      last = uri;
      // A standby module gets no notify (as in Ceph): it polls the active's URI.
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  shutdown() {
    this.stopped = true;
  }
}
`;

interface Host {
  id: string;
  db: string;
  socket: string;
  out: string;
  proc: ChildProcess;
}

function startHost(dir: string, url: string, stream: string, id: string, extra: string[] = []): Host {
  const db = join(dir, id);
  mkdirSync(db, { recursive: true });
  const out = join(dir, `${id}.probe`);
  const log = openSync(join(dir, `${id}.stderr`), 'a');
  const proc = spawn(
    process.execPath,
    [
      BIN,
      'run',
      '--log',
      url,
      '--stream',
      stream,
      '--db',
      db,
      '--mgr-id',
      id,
      '--module-path',
      join(dir, 'modules'),
      '--modules',
      'probe',
      '--set',
      `mgr/probe/out=${out}`,
      '--lease-ms',
      '2000',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', log, log] },
  );
  return { id, db, socket: join(db, 'mgr.sock'), out, proc };
}

/** The active manager's URIs a host's StandbyModule has seen, in order. */
function activeUris(h: Host): Array<string | null> {
  if (!existsSync(`${h.out}.standby`)) return [];
  return readFileSync(`${h.out}.standby`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { active_uri: string | null }).active_uri);
}

/** The last lines of a host's log, for a failure message. */
function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '';
  return `${readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}\n`;
}

async function cmd(h: Host, ...words: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['cmd', '--socket', h.socket, ...words]);
}

/** Waits for `h` to serve a module command as the active manager, asking in-process. */
async function answeringAsActive(h: Host, ...others: Host[]): Promise<void> {
  const logs = () => [h, ...others].map((x) => `${x.id}:\n${tail(join(x.db, 'mgr.log'))}`).join('');
  await waitFor(
    `${h.id} answering as the active`,
    async () => {
      const c = await AdminClient.connect(h.socket).catch(() => null);
      if (c === null) return undefined;
      try {
        const r = await c.send({ prefix: 'probe whoami' });
        return r.retval === 0 && r.stdout.trim() === h.id ? true : undefined;
      } finally {
        c.close();
      }
    },
    30_000,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}; the logs end:\n${logs()}`);
  });
}

/**
 * Opens a running host's store read-only (LMDB takes readers from other processes) and reads it; undefined while
 * the host has not made its store yet.
 */
async function readStore<T>(db: string, read: (s: Store) => T): Promise<T | undefined> {
  if (!existsSync(join(db, 'store.mdb'))) return undefined;
  let s: Store;
  try {
    s = Store.open(db, { readOnly: true });
  } catch {
    return undefined;
  }
  try {
    return read(s);
  } catch {
    return undefined;
  } finally {
    await s.close();
  }
}

/** The journal a host has committed so far. */
async function journal(db: string): Promise<JournaledEvent[]> {
  return (await readStore(db, (s) => [...s.events(0)])) ?? [];
}

/** The digest after each event of a journal, folded one event at a time from the empty state. */
function digestsOf(events: readonly JournaledEvent[]): string[] {
  let state = createEmptyState();
  const out: string[] = [];
  for (const e of events) {
    const r = foldBatch(state, [{ event: e, ref: null }]);
    assert.equal(r.rejected.length, 0, `event ${e.seq} folds`);
    state = r.state;
    out.push(stateDigest(state));
  }
  return out;
}

describe('hosts on a NATS JetStream event log', { skip: NATS_SKIP }, () => {
  let cluster: NatsCluster;
  let reference: { digests: string[]; last: number; epoch: number; state: ClusterState };
  const hosts: Host[] = [];

  before(async () => {
    cluster = await NatsCluster.start(3);
    const dir = tempDir({ after }, 'mgrkit-ref-');
    const store = Store.open(dir);
    const { state } = await replayTrace({ trace: PATCH_TRACE, store });
    const events = [...store.events(0)];
    await store.close();
    reference = { digests: digestsOf(events), last: state.seq, epoch: state.maps.osd_map!.epoch!, state };
    assert.equal(reference.digests.at(-1), stateDigest(state));
  });

  // nats-server writes a stream's meta.inf and meta.sum; none may land in the checkout (they did once).
  const strays = ['meta.inf', 'meta.sum'].filter((f) => !existsSync(join(ROOT, f)));

  after(async () => {
    await Promise.all(hosts.map((h) => stopProcess(h.proc, 'SIGKILL')));
    await cluster?.stop();
    assert.deepEqual(
      strays.filter((f) => existsSync(join(ROOT, f))),
      [],
      'files the suite left in the checkout',
    );
  });

  function setup(t: { after: (fn: () => void) => void }): string {
    const dir = tempDir(t, 'mgrkit-group-');
    mkdirSync(join(dir, 'modules', 'probe'), { recursive: true });
    writeFileSync(join(dir, 'modules', 'probe', 'module.ts'), PROBE);
    return dir;
  }

  async function activeOf(a: Host, b: Host): Promise<[Host, Host]> {
    let last = '';
    const dump = await waitFor(
      'an active manager',
      async () => {
        const r = await cmd(a, 'mgr', 'dump', '--format', 'json');
        last = `${r.code} ${r.stdout.slice(0, 400)}`;
        const m = r.code === 0 ? (JSON.parse(r.stdout) as { active_name: string; standbys: unknown[] }) : undefined;
        return m && m.active_name !== '' && m.standbys.length === 1 ? m : undefined;
        // A new stream's buckets can take nats-server 2.9 many seconds to answer their first lookups.
      },
      60_000,
    ).catch((e) => {
      throw new Error(
        `${(e as Error).message}; mgr dump on ${a.id} last said: ${last}\n${a.id}:\n${tail(join(a.db, 'mgr.log'))}${b.id}:\n${tail(join(b.db, 'mgr.log'))}`,
      );
    });
    return dump.active_name === a.id ? [a, b] : [b, a];
  }

  /** Two hosts, `a` and `b`, on `stream` in a new folder, once one of them is the active. */
  async function twoHosts(
    t: { after: (fn: () => void) => void },
    stream: string,
  ): Promise<{ dir: string; active: Host; standby: Host; a: Host; b: Host }> {
    const dir = setup(t);
    const a = startHost(dir, cluster.url, stream, 'a');
    const b = startHost(dir, cluster.url, stream, 'b');
    hosts.push(a, b);
    const [active, standby] = await activeOf(a, b);
    return { dir, active, standby, a, b };
  }

  it('two hosts folding the same stream hold the same journal and digest at every seq', async (t) => {
    const { dir, a, b } = await twoHosts(t, 'SAME');
    const r = await runCli([
      'replay',
      PATCH_TRACE,
      '--log',
      cluster.url,
      '--stream',
      'SAME',
      '--db',
      join(dir, 'r'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stdout);
    const summary = JSON.parse(r.stdout) as { lastSeq: number; digest: string };
    assert.equal(summary.lastSeq, reference.last);
    assert.equal(summary.digest, reference.digests.at(-1));
    for (const h of [a, b]) {
      const events = await waitFor(`${h.id} at seq ${reference.last}`, async () => {
        const j = await journal(h.db);
        return j.length >= reference.last ? j : undefined;
      });
      assert.equal(events.length, reference.last);
      assert.deepEqual(digestsOf(events), reference.digests);
    }
    // A host that joins now starts from the snapshot the active stored in the object store, not from event 1.
    const c = startHost(dir, cluster.url, 'SAME', 'c', ['--snapshot-catch-up', '100']);
    hosts.push(c);
    const late = async () => {
      const r = await readStore(c.db, (s) => ({ state: latestState(s), first: [...s.events(0)][0]?.seq ?? null }));
      return r?.state.seq === reference.last ? r : undefined;
    };
    const joined = await waitFor('the late host at the last seq', late);
    assert.notEqual(joined.first, 1, 'the late host did not fold the history from event 1');
    if (stateDigest(joined.state) !== reference.digests.at(-1)) {
      // Which parts differ, and from which seq the late host started: enough to tell a lossy snapshot from a fold.
      const leaves = (x: ClusterState) => new Map(stateParts(x).map((p) => [p.name, hashPart(p).leaf]));
      const mine = leaves(joined.state);
      const want = leaves(reference.state);
      const differ = [...new Set([...mine.keys(), ...want.keys()])].filter((n) => mine.get(n) !== want.get(n));
      assert.fail(
        `the late host (its journal from seq ${joined.first}) ends with another digest; parts that differ: ${differ.join(', ')}\n${tail(join(c.db, 'mgr.log'))}`,
      );
    }
    await Promise.all([a, b, c].map((h) => stopProcess(h.proc, 'SIGTERM')));
  });

  it('a standby takes over when the active is SIGKILLed mid-replay; its modules get the remaining cues', async (t) => {
    const { dir, active, standby } = await twoHosts(t, 'FAIL');
    const uri = `http://${active.id}.example:8080/`;
    // The standby's StandbyModule is started again when the map changes; it reads the active's URI.
    assert.equal((await cmd(standby, 'mgr', 'services', '--format', 'json')).stdout.includes(uri), true);
    // At 20 times the trace's clock the replay lasts ~12 s: most of it, OSD map epochs included, comes after the kill.
    const replay = runCli([
      'replay',
      PATCH_TRACE,
      '--log',
      cluster.url,
      '--stream',
      'FAIL',
      '--db',
      join(dir, 'r'),
      '--speed',
      '20',
    ]);
    await waitFor('the active past seq 150', async () =>
      (await journal(active.db)).length > 150 ? true : undefined,
    ).catch((e) => {
      const logs = [active, standby].map(
        (x) => `${x.id}:\n${tail(join(x.db, 'mgr.log'))}${tail(join(dir, `${x.id}.stderr`))}`,
      );
      throw new Error(`${(e as Error).message}; the logs end:\n${logs.join('')}`);
    });
    await stopProcess(active.proc, 'SIGKILL');
    const killedAt = performance.now();
    await answeringAsActive(standby, active);
    const tookMs = performance.now() - killedAt;
    t.diagnostic(`SIGKILL to the new active's first served command: ${tookMs.toFixed(0)} ms (lease 2000 ms)`);
    assert.ok(tookMs < 10_000);
    const r = await replay;
    assert.equal(r.code, 0, r.stderr);
    const events = await waitFor('the new active at the last seq', async () => {
      const j = await journal(standby.db);
      return j.length >= reference.last ? j : undefined;
    });
    assert.deepEqual(digestsOf(events), reference.digests);
    const cues = readFileSync(`${standby.out}.cues`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; epoch: number | null });
    assert.ok(cues.some((c) => c.type === 'osd_map'));
    assert.equal(cues.filter((c) => c.type === 'osd_map').at(-1)!.epoch, reference.epoch);
    const dump = JSON.parse((await cmd(standby, 'mgr', 'dump', '--format', 'json')).stdout) as {
      active_name: string;
      services: Record<string, string>;
    };
    assert.equal(dump.active_name, standby.id);
    assert.equal(dump.services.probe, `http://${standby.id}.example:8080/`);
    assert.ok(activeUris(standby).includes(uri));
    await stopProcess(standby.proc, 'SIGTERM');
  });

  it('mgr fail swaps the roles: the old active turns standby, and each StandbyModule names the other', async (t) => {
    const { active, standby, a, b } = await twoHosts(t, 'SWAP');
    const uriOf = (h: Host) => `http://${h.id}.example:8080/`;
    await waitFor("the standby's StandbyModule naming the active", () =>
      activeUris(standby).includes(uriOf(active)) ? true : undefined,
    );
    // In-process clients: a `mgrkit cmd` takes most of a second to start, longer than the handover.
    const client = await AdminClient.connect(active.socket);
    const t0 = performance.now();
    const failed = await client.send({ prefix: 'mgr fail' });
    client.close();
    assert.equal(failed.retval, 0, failed.stderr);
    await answeringAsActive(standby, active);
    t.diagnostic(`mgr fail sent to the new active's first served command: ${(performance.now() - t0).toFixed(0)} ms`);
    await waitFor("the old active's StandbyModule naming the new active", () =>
      activeUris(active).includes(uriOf(standby)) ? true : undefined,
    );
    for (const h of [active, standby]) {
      const dump = JSON.parse((await cmd(h, 'mgr', 'dump', '--format', 'json')).stdout) as {
        active_name: string;
        standbys: Array<{ name: string }>;
      };
      assert.equal(dump.active_name, standby.id, `mgr dump on ${h.id}`);
      assert.deepEqual(
        dump.standbys.map((s) => s.name),
        [active.id],
        `mgr dump on ${h.id}`,
      );
    }
    await Promise.all([a, b].map((h) => stopProcess(h.proc, 'SIGTERM')));
  });

  it('settings and config-key entries written on the active are on the next active', async (t) => {
    const { active, standby } = await twoHosts(t, 'CONF');
    const set = await cmd(active, 'config', 'set', 'mgr', 'mgr/probe/log_level', 'debug');
    assert.equal(set.code, 0, set.stderr);
    const setKey = await cmd(active, 'config-key', 'set', 'mgrkit/test', 'kept');
    assert.equal(setKey.code, 0, setKey.stderr);
    await waitFor('the standby holding the config-key entry', async () =>
      (await cmd(standby, 'config-key', 'get', 'mgrkit/test')).stdout.trim() === 'kept' ? true : undefined,
    );
    // A standby passes a module command on to the active once it knows which one that is (until then: -EAGAIN).
    await waitFor("the standby's manager map naming the active", async () => {
      const r = await cmd(standby, 'mgr', 'dump', '--format', 'json');
      return r.code === 0 && (JSON.parse(r.stdout) as { active_name: string }).active_name === active.id
        ? true
        : undefined;
    });
    const passed = await cmd(standby, 'probe', 'whoami');
    assert.equal(passed.code, 0, passed.stderr);
    assert.equal(passed.stdout.trim(), active.id, 'answered by the active through the standby');
    await stopProcess(active.proc, 'SIGKILL');
    // A client given both sockets goes on to the live one when the first refuses the connection.
    const both = `${active.socket},${standby.socket}`;
    await waitFor('the standby answering as the active', async () =>
      (await runCli(['cmd', '--socket', both, 'probe', 'whoami'])).stdout.trim() === standby.id ? true : undefined,
    );
    const level = await cmd(standby, 'config', 'get', 'mgr', 'mgr/probe/log_level');
    assert.equal(level.stdout.trim(), 'debug', level.stderr);
    const key = await cmd(standby, 'config-key', 'get', 'mgrkit/test');
    assert.equal(key.stdout.trim(), 'kept', key.stderr);
    await stopProcess(standby.proc, 'SIGTERM');
  });

  it("the active's --source: its bad lines are in health, as for a host on its own", async (t) => {
    const dir = setup(t);
    const good = gunzipSync(readFileSync(WHOLE_TRACE)).toString('utf8').split('\n').slice(0, 40);
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, [...good, 'not json at all', ''].join('\n'));
    const h = startHost(dir, cluster.url, 'BADLINE', 'a', ['--source', trace, '--speed', 'max']);
    hosts.push(h);
    const check = await waitFor(
      'MGR_SOURCE_BAD_LINES in health',
      async () => {
        const r = await cmd(h, 'health', 'detail', '--format', 'json');
        return r.code === 0
          ? (
              JSON.parse(r.stdout) as {
                checks: Record<string, { summary: unknown; detail: Array<{ message: string }> }>;
              }
            ).checks.MGR_SOURCE_BAD_LINES
          : undefined;
      },
      60_000,
    );
    assert.deepEqual(check.summary, { message: `1 line of source '${trace}' rejected`, count: 1 });
    assert.match(check.detail[0]!.message, new RegExp(`^last: ${trace}:41: `));
    await stopProcess(h.proc, 'SIGTERM');
  });

  it('loses nothing when one of the three NATS servers is killed mid-replay', async (t) => {
    const { dir, a, b } = await twoHosts(t, 'FAULT');
    const replay = runCli([
      'replay',
      PATCH_TRACE,
      '--log',
      cluster.url,
      '--stream',
      'FAULT',
      '--db',
      join(dir, 'r'),
      '--speed',
      '200',
    ]);
    await waitFor('the log past seq 150', async () => ((await journal(a.db)).length > 150 ? true : undefined));
    await cluster.kill(2);
    const r = await replay;
    assert.equal(r.code, 0, r.stderr);
    for (const h of [a, b]) {
      const events = await waitFor(`${h.id} at the last seq`, async () => {
        const j = await journal(h.db);
        return j.length >= reference.last ? j : undefined;
      }).catch((e) => {
        throw new Error(
          `${(e as Error).message}; its log ends:\n${tail(join(h.db, 'mgr.log'))}${tail(h.out.replace(/\.probe$/, '.stderr'))}`,
        );
      });
      assert.deepEqual(digestsOf(events), reference.digests);
    }
    await Promise.all([stopProcess(a.proc, 'SIGTERM'), stopProcess(b.proc, 'SIGTERM')]);
    await cluster.restart(2);
  });
});
