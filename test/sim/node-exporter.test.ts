import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { MgrError } from '../../src/errors.ts';
import { nodeExposition } from '../../src/sim/node-exposition.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { serveNodeExporter } from '../../src/sources/node-exporter-server.ts';
import { liveSim, parseSimSpec } from '../../src/sources/sim-source.ts';
import { freePort, type Parsed, parseExposition, promBinary } from '../modules/prometheus-helpers.ts';

/** The cluster `npm run check:alerts` runs, at a shorter duration. */
const CHECKED = { osds: 10, mons: 3, pgs: 128, seed: 1, fs: 'cephfs', mds: 2, rgw: 2 } as const;
/** The alert check's speed: Prometheus's `[1m]` and `[2d]` are on the wall clock, 20 times slower than the cluster's. */
const SPEED = 20;

/** Every family's samples by a key of their labels. */
function series(p: Parsed, name: string): Map<string, number> {
  const f = p.families.get(name);
  assert.ok(f, `${name} is served`);
  return new Map(f.samples.map((s) => [JSON.stringify(s.labels), s.value]));
}

function value(p: Parsed, name: string, labels: Record<string, string>): number {
  const s = p.families.get(name)?.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  assert.ok(s, `${name}${JSON.stringify(labels)} is served`);
  return s.value;
}

/** The exposition at each stream time `step` ms apart, from the start to `untilMs`, with the events made. */
function run(
  sim: SimulatedCluster,
  untilMs: number,
  stepMs: number,
): { t: number; p: Parsed; events: ClusterEvent[] }[] {
  const out: { t: number; p: Parsed; events: ClusterEvent[] }[] = [];
  for (let t = sim.startMs; t <= sim.startMs + untilMs; t += stepMs) {
    const events = sim.advanceTo(t);
    out.push({ t: t - sim.startMs, p: parseExposition(nodeExposition(sim.nodes, sim.now)), events });
  }
  return out;
}

describe("the simulated hosts' node exporters", () => {
  it("serve node_exporter's families, types and labels, one instance a host", () => {
    const sim = new SimulatedCluster({ ...CHECKED, duration: 600, scenario: false });
    sim.advanceTo(sim.startMs + 30_000);
    const text = nodeExposition(sim.nodes, sim.now);
    const p = parseExposition(text);
    assert.deepEqual(p.problems, []);
    const types: Record<string, string> = {
      node_cpu_seconds_total: 'counter',
      node_disk_reads_completed_total: 'counter',
      node_disk_writes_completed_total: 'counter',
      node_disk_read_bytes_total: 'counter',
      node_disk_written_bytes_total: 'counter',
      node_disk_io_time_seconds_total: 'counter',
      node_disk_read_time_seconds_total: 'counter',
      node_disk_write_time_seconds_total: 'counter',
      node_filesystem_avail_bytes: 'gauge',
      node_filesystem_free_bytes: 'gauge',
      node_filesystem_size_bytes: 'gauge',
      node_memory_MemTotal_bytes: 'gauge',
      node_memory_MemFree_bytes: 'gauge',
      node_memory_Buffers_bytes: 'gauge',
      node_memory_Cached_bytes: 'gauge',
      node_memory_Slab_bytes: 'gauge',
      node_network_receive_bytes_total: 'counter',
      node_network_transmit_bytes_total: 'counter',
      node_network_receive_packets_total: 'counter',
      node_network_transmit_packets_total: 'counter',
      node_network_receive_drop_total: 'counter',
      node_network_transmit_drop_total: 'counter',
      node_network_receive_errs_total: 'counter',
      node_network_transmit_errs_total: 'counter',
      node_network_mtu_bytes: 'gauge',
      node_network_up: 'gauge',
      node_uname_info: 'gauge',
    };
    for (const [name, type] of Object.entries(types)) {
      assert.equal(p.families.get(name)?.type, type, name);
      assert.ok(p.families.get(name)!.help !== '', `${name} has a help line`);
    }
    assert.equal(p.families.get('node_cpu_seconds_total')!.help, 'Seconds the CPUs spent in each mode.');
    assert.deepEqual([...p.families.get('node_filesystem_avail_bytes')!.labelNames].sort(), [
      'device',
      'fstype',
      'instance',
      'mountpoint',
    ]);
    const hosts = sim.topo.hostNames;
    for (const f of p.families.values()) {
      const instances = new Set(f.samples.map((s) => s.labels.instance));
      assert.deepEqual([...instances].sort(), hosts.map((h) => `${h}:9100`).sort(), f.name);
    }
    for (const s of p.families.get('node_uname_info')!.samples) {
      assert.equal(s.labels.instance, `${s.labels.nodename}:9100`);
      assert.equal(s.labels.sysname, 'Linux');
    }
    const cpus = new Set(p.families.get('node_cpu_seconds_total')!.samples.map((s) => s.labels.cpu));
    assert.equal(cpus.size, 24);
    const promtool = promBinary('promtool');
    if (promtool !== null) {
      const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // 3: lint findings only, here node_exporter's own /proc/meminfo names (node_memory_MemTotal_bytes, ...).
      assert.ok(r.status === 0 || r.status === 3, `${r.stdout}${r.stderr}`);
      for (const line of `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '')) {
        assert.match(line, /^node_memory_\w+_bytes metric names should be written in 'snake_case' not 'camelCase'$/);
      }
    }
  });

  it("name the drives as the OSDs' metadata does, so the dashboards' joins on host and device find them", () => {
    const sim = new SimulatedCluster({ ...CHECKED, duration: 600, scenario: false });
    const events = sim.advanceTo(sim.startMs + 10_000);
    const p = parseExposition(nodeExposition(sim.nodes, sim.now));
    const disks = series(p, 'node_disk_io_time_seconds_total');
    const has = (instance: string, device: string) =>
      [...disks.keys()].some((k) => {
        const l = JSON.parse(k) as Record<string, string>;
        // The dashboards: label_replace(..., "instance", "$1", "instance", "([^:.]*).*") on both sides.
        return l.instance!.replace(/^([^:.]*).*$/, '$1') === instance && l.device === device;
      });
    let osds = 0;
    for (const e of events) {
      if (e.kind !== 'daemon_open' || !e.daemon.startsWith('osd.')) continue;
      osds++;
      const m = e.metadata!;
      // ceph_disk_occupation_human's device is bluestore_bdev_dev_node, its instance the hostname.
      assert.ok(has(m.hostname!, m.bluestore_bdev_dev_node!.replace(/^\/dev\//, '')), `${e.daemon}'s volume`);
      assert.ok(has(m.hostname!, m.devices!), `${e.daemon}'s drive`);
    }
    assert.equal(osds, CHECKED.osds);
  });

  it("only grow their counters, with the cluster's stream time and IO", () => {
    const sim = new SimulatedCluster({ ...CHECKED, duration: 1200, scenario: ['osd-fail'] });
    const samples = run(sim, 600_000, 20_000);
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1]!.p, samples[i]!.p];
      for (const f of b.families.values()) {
        if (f.type !== 'counter') continue;
        const before = series(a, f.name);
        for (const [k, v] of series(b, f.name)) {
          assert.ok(v >= before.get(k)!, `${f.name}${k} went from ${before.get(k)} to ${v}`);
        }
      }
    }
    const [first, last] = [samples[0]!.p, samples.at(-1)!.p];
    const grew = (name: string, labels: Record<string, string>) =>
      value(last, name, labels) - value(first, name, labels);
    const elapsed = (samples.at(-1)!.t - samples[0]!.t) / 1000;
    for (const host of sim.topo.hostNames) {
      const instance = `${host}:9100`;
      assert.ok(grew('node_disk_written_bytes_total', { instance, device: 'dm-0' }) > 0);
      assert.ok(grew('node_network_transmit_bytes_total', { instance, device: 'eth1' }) > 0);
      assert.ok(grew('node_network_receive_bytes_total', { instance, device: 'eth0' }) > 0);
      // A CPU's modes add up to the time that passed.
      let cpu0 = 0;
      for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user']) {
        cpu0 += grew('node_cpu_seconds_total', { instance, cpu: '0', mode });
      }
      assert.ok(Math.abs(cpu0 - elapsed) < 1, `cpu0 ${cpu0} s in ${elapsed} s`);
      const busy = 1 - grew('node_cpu_seconds_total', { instance, cpu: '0', mode: 'idle' }) / elapsed;
      assert.ok(busy > 0 && busy < 0.5, `cpu0 busy ${busy}`);
    }
  });

  it('play host-disk-fill, nic-errors and mtu-mismatch: each condition holds in its window and clears after', () => {
    const duration = 3600;
    const D = duration * 1000;
    const sim = new SimulatedCluster({
      ...CHECKED,
      duration,
      scenario: ['host-disk-fill', 'nic-errors', 'mtu-mismatch'],
    });
    const samples = run(sim, D, 20_000);
    const [n1, n2, n3] = sim.topo.hostNames.map((h) => `${h}:9100`) as [string, string, string];
    const inside = (t: number, from: number, to: number) => t >= from * D && t < to * D;

    // host-disk-fill: node_filesystem_avail_bytes / size * 100 < 5 on node01's "/" from the end of the ramp to 16%.
    const root = { mountpoint: '/' };
    const freeShare = samples.map(({ t, p }) => ({
      t,
      byHost: [n1, n2, n3].map(
        (instance) =>
          value(p, 'node_filesystem_avail_bytes', { ...root, instance }) /
          value(p, 'node_filesystem_size_bytes', { ...root, instance }),
      ),
    }));
    for (const { t, byHost } of freeShare) {
      const full = byHost[0]! < 0.05;
      if (inside(t, 0.086, 0.16)) assert.ok(full, `node01's / at ${t / D}: ${byHost[0]}`);
      if (t < 0.08 * D || t >= 0.16 * D) assert.ok(!full, `node01's / at ${t / D}: ${byHost[0]}`);
      assert.ok(byHost[1]! > 0.5 && byHost[2]! > 0.5);
    }
    // CephNodeDiskspaceWarning: predict_linear(node_filesystem_free_bytes[2d], 5 days) < 0, the range and the 5 days
    // on the wall clock, which runs 20 times slower than the cluster's.
    const predicted = (instance: string, upTo: number) => {
      const pts = samples
        .filter((s) => s.t <= upTo)
        .map((s) => [s.t / 1000 / SPEED, value(s.p, 'node_filesystem_free_bytes', { ...root, instance })] as const);
      const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
      const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
      let sxx = 0;
      let sxy = 0;
      for (const [x, y] of pts) {
        sxx += (x - mx) ** 2;
        sxy += (x - mx) * (y - my);
      }
      const slope = sxx === 0 ? 0 : sxy / sxx;
      return my + slope * (upTo / 1000 / SPEED - mx) + slope * 5 * 86_400;
    };
    const warned = samples.filter(({ t }) => t > 0 && predicted(n1, t) < 0).map(({ t }) => t / D);
    assert.ok(
      warned.length > 0 && warned[0]! >= 0.06 && warned[0]! < 0.07,
      `first predicted to run out at ${warned[0]}`,
    );
    assert.ok(warned.at(-1)! < 0.5, `and no longer after ${warned.at(-1)}`);
    for (const t of [0.1, 0.5, 1].map((f) => f * D)) {
      assert.ok(predicted(n2, t) > 0 && predicted(n3, t) > 0);
    }

    // nic-errors: node02's eth0 drops >= 0.5% (and >= 10 a wall-clock second) and garbles >= 0.01% of its packets.
    const nic = (p: Parsed, instance: string, device: string) => {
      const l = { instance, device };
      return {
        drop: value(p, 'node_network_receive_drop_total', l) + value(p, 'node_network_transmit_drop_total', l),
        errs: value(p, 'node_network_receive_errs_total', l) + value(p, 'node_network_transmit_errs_total', l),
        packets: value(p, 'node_network_receive_packets_total', l) + value(p, 'node_network_transmit_packets_total', l),
      };
    };
    let faulty = 0;
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1]!, samples[i]!];
      for (const instance of [n1, n2, n3]) {
        for (const device of ['eth0', 'eth1']) {
          const [x, y] = [nic(a.p, instance, device), nic(b.p, instance, device)];
          const packets = y.packets - x.packets;
          const drop = (y.drop - x.drop) / packets;
          const errs = (y.errs - x.errs) / packets;
          const during = instance === n2 && device === 'eth0' && inside(a.t, 0.34, 0.46) && inside(b.t, 0.34, 0.46);
          if (during) {
            faulty++;
            assert.ok(drop >= 0.005 && errs >= 0.0001, `at ${b.t / D}: drop ${drop}, errs ${errs}`);
            assert.ok(((y.drop - x.drop) / (b.t - a.t)) * 1000 * SPEED >= 10, 'drops a wall-clock second');
          } else if (b.t <= 0.34 * D || a.t >= 0.46 * D || instance !== n2 || device !== 'eth0') {
            assert.equal(y.drop - x.drop, 0, `${instance} ${device} drops at ${b.t / D}`);
            assert.equal(y.errs - x.errs, 0, `${instance} ${device} errors at ${b.t / D}`);
          }
        }
      }
    }
    assert.ok(faulty > 0);

    // mtu-mismatch: CephNodeInconsistentMTU's query, per device: the hosts whose MTU is the max or min when that
    // differs from the median.
    for (const { t, p } of samples) {
      const odd: string[] = [];
      for (const device of ['eth0', 'eth1']) {
        const mtus = [n1, n2, n3].map((instance) => {
          const up = value(p, 'node_network_up', { instance, device });
          return up > 0 ? value(p, 'node_network_mtu_bytes', { instance, device }) : Number.NaN;
        });
        const sorted = [...mtus].sort((a, b) => a - b);
        const median = sorted[1]!;
        [n1, n2, n3].forEach((instance, k) => {
          if (mtus[k] !== median && (mtus[k] === sorted[0] || mtus[k] === sorted[2])) odd.push(`${instance} ${device}`);
        });
      }
      assert.deepEqual(odd, inside(t, 0.58, 0.68) ? [`${n3} eth1`] : [], `at ${t / D}`);
    }
  });

  it('mtu-mismatch needs 3 hosts', () => {
    assert.throws(
      () => new SimulatedCluster({ osds: 4, hosts: 2, scenario: ['mtu-mismatch'] }),
      /mtu-mismatch: needs 3 hosts or more/,
    );
  });
});

describe('node_exporter=HOST:PORT', () => {
  it('is a sim option, and a bad value is an error naming it', () => {
    assert.equal(parseSimSpec('sim:osds=3,node_exporter=127.0.0.1:9100').nodeExporter, '127.0.0.1:9100');
    assert.equal(parseSimSpec('sim:osds=3,node-exporter=[::1]:0').nodeExporter, '[::1]:0');
    for (const bad of ['127.0.0.1', '127.0.0.1:99999', ':9100', 'host:port']) {
      assert.throws(
        () => parseSimSpec(`sim:osds=3,node_exporter=${bad}`),
        (e: unknown) =>
          e instanceof MgrError &&
          e.message.includes(`node_exporter=${bad}: expected HOST:PORT`) &&
          !e.message.includes('\n'),
      );
    }
  });

  it("names the host steps in a process that has only the sim source (mgrkit run's), as its thread knows them", () => {
    const code =
      "import('./src/sources/sim-source.ts').then((m) => " +
      "console.log(JSON.stringify(m.parseSimSpec('sim:osds=6,scenario=host-disk-fill+nic-errors+mtu-mismatch').scenario)))";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['host-disk-fill', 'nic-errors', 'mtu-mismatch']);
  });

  it('serves /metrics; a port in use is an error naming the option', async (t) => {
    const { server, port } = await serveNodeExporter('127.0.0.1:0', () => '# HELP x y\n# TYPE x gauge\nx 1\n');
    t.after(() => server.close());
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.equal(await r.text(), '# HELP x y\n# TYPE x gauge\nx 1\n');
    assert.equal((await fetch(`http://127.0.0.1:${port}/nothing`)).status, 404);
    await assert.rejects(
      serveNodeExporter(`127.0.0.1:${port}`, () => ''),
      /node_exporter=127\.0\.0\.1:\d+: cannot listen: the address is in use/,
    );
  });

  it("a live simulated cluster serves every host's series there", async (t) => {
    const port = await freePort();
    const sim = liveSim({ ...parseSimSpec(`sim:osds=6,seed=2,scenario=off,node_exporter=127.0.0.1:${port}`) }, 20);
    t.after(() => sim.stop());
    let body = '';
    const end = Date.now() + 30_000;
    while (body === '') {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/metrics`);
        if (r.ok) body = await r.text();
      } catch {
        if (Date.now() > end) throw new Error('the node exporters did not answer');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const p = parseExposition(body);
    assert.deepEqual(p.problems, []);
    const names = p.families
      .get('node_uname_info')!
      .samples.map((s) => s.labels.nodename)
      .sort();
    assert.deepEqual(names, ['node01', 'node02', 'node03']);
  });

  it('a port the cluster cannot bind fails its source, naming the option', async (t) => {
    const { server, port } = await serveNodeExporter('127.0.0.1:0', () => '');
    t.after(() => server.close());
    const sim = liveSim(parseSimSpec(`sim:osds=3,scenario=off,node_exporter=127.0.0.1:${port}`), 20);
    t.after(() => sim.stop());
    const failed = await new Promise<Error>((resolve) => {
      sim.source(() => undefined).subscribe({ error: resolve, complete: () => resolve(new Error('completed')) });
    });
    assert.match(
      failed.message,
      new RegExp(
        `the simulated cluster failed: node_exporter=127\\.0\\.0\\.1:${port}: cannot listen: the address is in use`,
      ),
    );
  });
});
