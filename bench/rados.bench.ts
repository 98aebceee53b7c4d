import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';
import { MgrHost } from '../src/host/host.ts';
import { describeModule } from '../src/host/loader.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { MgrModule } from '../src/module/mgr-module.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { Store } from '../src/store/store.ts';

/** Objects per second, written then read back, one at a time and all in flight at once. */
export interface RadosRate {
  writeSeq: number;
  readSeq: number;
  writeBatch: number;
  readBatch: number;
}

export interface RadosBench {
  objects: number;
  payloadBytes: number;
  /** Through one `Ioctx` of a module's `this.rados` (`write_full`, `read`). */
  ioctx: RadosRate;
  /** Baseline in the same run: the same payloads put and got straight in an LMDB environment of its own. */
  lmdb: RadosRate;
}

class Bencher extends MgrModule {}

/** What is measured: a put resolving once committed, and a get. */
interface Backend {
  put(key: string, data: Buffer): Promise<unknown>;
  get(key: string): Promise<Buffer> | Buffer;
}

/** Read passes over the objects before measuring, so that the rates are of compiled code, not of the first calls. */
const WARM_UP_PASSES = 3;

async function perSecond(objects: number, run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return objects / ((performance.now() - t0) / 1000);
}

async function rates(b: Backend, payloads: readonly Buffer[]): Promise<RadosRate> {
  const n = payloads.length;
  const check = async (key: string, i: number) => {
    if (!(await b.get(key)).equals(payloads[i]!)) throw new Error(`${key} read back wrong`);
  };
  await Promise.all(payloads.map((p, i) => b.put(`warm.${i}`, p)));
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) for (let i = 0; i < n; i++) await check(`warm.${i}`, i);
  return {
    writeSeq: await perSecond(n, async () => {
      for (let i = 0; i < n; i++) await b.put(`seq.${i}`, payloads[i]!);
    }),
    readSeq: await perSecond(n, async () => {
      for (let i = 0; i < n; i++) await check(`seq.${i}`, i);
    }),
    writeBatch: await perSecond(n, () => Promise.all(payloads.map((p, i) => b.put(`all.${i}`, p)))),
    readBatch: await perSecond(n, () => Promise.all(payloads.map((_, i) => check(`all.${i}`, i)))),
  };
}

/**
 * A 1,000-object write and read-back through one ioctx, each object awaited before the next (as python-rados's
 * synchronous calls go) and all in flight together, beside raw LMDB puts and gets of the same payloads with the
 * same durability (each put resolves once committed).
 */
export async function benchRados(objects = 1000, payloadBytes = 4096): Promise<RadosBench> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bench-rados-'));
  const payloads = Array.from({ length: objects }, (_, i) => Buffer.alloc(payloadBytes, i & 0xff));
  const store = Store.open(join(dir, 'store'));
  const host = await MgrHost.create({
    preloaded: [describeModule('bencher', '<bench>', Bencher, null)],
    builtinModules: false,
    logger: createRootLogger({ file: '/dev/null' }),
    store,
  });
  host.modules.use(['bencher']);
  host.start();
  // A simulated cluster's first events bring an OSD map with pools and the monitors' connection.
  const sim = new SimulatedCluster({ osds: 3, scenario: false });
  const folded = foldBatch(
    createEmptyState(),
    sim.advanceTo(sim.startMs).map((event, ref) => ({ event, ref })),
  );
  host.feed.publish(
    folded.state,
    folded.accepted.map((a) => a.event),
  );
  const ioctx = await host.modules.instance<Bencher>('bencher')!.rados.open_ioctx('rbd');
  const ioctxRate = await rates(
    { put: (key, data) => ioctx.write_full(key, data), get: (key) => ioctx.read(key, payloadBytes) },
    payloads,
  );
  await host.stop();
  await store.close();

  const root = open({ path: join(dir, 'raw.mdb'), maxDbs: 1 });
  const db = root.openDB<Buffer, string>({ name: 'raw' });
  const lmdbRate = await rates({ put: (key, data) => db.put(key, data), get: (key) => db.get(key)! }, payloads);
  await root.close();
  rmSync(dir, { recursive: true, force: true });
  return { objects, payloadBytes, ioctx: ioctxRate, lmdb: lmdbRate };
}

export function printRados(b: RadosBench): void {
  const n = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`.padStart(12);
  console.log(
    `\nRADOS objects: ${b.objects.toLocaleString('en-US')} objects of ${b.payloadBytes} B written, then read back (objects/s; baseline: raw LMDB puts and gets of the same payloads)`,
  );
  console.log(`${''.padEnd(24)} ${'write'.padStart(12)} ${'read'.padStart(12)}`);
  const row = (name: string, w: number, r: number) => console.log(`${name.padEnd(24)} ${n(w)} ${n(r)}`);
  row('ioctx, one at a time', b.ioctx.writeSeq, b.ioctx.readSeq);
  row('lmdb, one at a time', b.lmdb.writeSeq, b.lmdb.readSeq);
  row('ioctx, all in flight', b.ioctx.writeBatch, b.ioctx.readBatch);
  row('lmdb, all in flight', b.lmdb.writeBatch, b.lmdb.readBatch);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printRados(await benchRados());
