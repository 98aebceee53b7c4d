import type { OsdCounters } from './osd-daemon.ts';
import { hashUnit } from './rng.ts';
import { driveOfOsd, drivePath, type Topology } from './topology.ts';

/** Logical CPUs of a host: one Xeon Silver 4214 (12 cores, 24 threads), as the daemons' metadata says. */
export const NODE_CPUS = 24;
/** The modes of `node_cpu_seconds_total`, in node_exporter's order. */
export const CPU_MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] as const;
/**
 * A host's interfaces: the loopback, the public network (the OSDs' `front_iface`) and the cluster network (their
 * `back_iface`), as the OSDs' metadata names them.
 */
export const NICS = ['lo', 'eth0', 'eth1'] as const;
export type Nic = (typeof NICS)[number];
/** The MTU every host's NICs are set to (jumbo frames, as Ceph's networks usually run). */
export const JUMBO_MTU = 9000;
/** The per-interface counters of `/proc/net/dev` the exporter serves, in this order. */
export const NIC_FIELDS = [
  'rxBytes',
  'rxPackets',
  'rxDrop',
  'rxErrs',
  'txBytes',
  'txPackets',
  'txDrop',
  'txErrs',
] as const;
/** The per-device counters of `/proc/diskstats` the exporter serves, in this order (times in seconds). */
export const DISK_FIELDS = [
  'reads',
  'readsMerged',
  'readBytes',
  'readTime',
  'writes',
  'writesMerged',
  'writtenBytes',
  'writeTime',
  'ioTime',
  'ioWeighted',
] as const;
/** The root file system's size (an XFS on the system disk's third partition). */
export const ROOT_FS_BYTES = 200 * 2 ** 30;

const NF = NIC_FIELDS.length;
const DF = DISK_FIELDS.length;
const MODES = CPU_MODES.length;
const KiB = 1024;
/** Bytes of a TCP/IP header on a full frame, and of a bare ACK on the wire. */
const HEADERS = 52;
const ACK_BYTES = 66;

/** What the hosts' node exporters read off the cluster at each tick. */
export interface NodeLoad {
  readonly counters: OsdCounters;
  /** Whether OSD `o`'s process runs and the map has it up. */
  reporting(o: number): boolean;
  /** Copies of each write (the pools' size). */
  readonly poolSize: number;
  /** How many monitors run (`mon.a` on the first host, `mon.b` on the second, ...). */
  readonly mons: number;
}

/** A root file system filling: used share from `baseline` to `target` over `rampMs` from `from`. */
interface RootFill {
  readonly from: number;
  readonly rampMs: number;
  readonly target: number;
}

/** One host: its counters since boot (CPU by CPU and mode, NIC by field, disk by field) and what the scenario did. */
export interface NodeHost {
  readonly bootMs: number;
  readonly cpu: Float64Array;
  readonly nics: Float64Array;
  readonly mtu: Record<Nic, number>;
  readonly faults: Record<Nic, { drop: number; errs: number }>;
  /** `sda`, then `sdb`... (a drive each), then `dm-0`... (an OSD's volume on drive k). */
  readonly disks: Float64Array;
  readonly ioNow: Float64Array;
  /** Share of the root file system in use before anything fills it. */
  readonly rootBaseline: number;
  fill: RootFill | null;
  /** Load averages over 1, 5 and 15 minutes. */
  readonly load: Float64Array;
  osdsRunning: number;
}

/**
 * The cluster's hosts as their node exporters see them: CPU time, memory, each interface's traffic, each drive's IO
 * and the root file system. Counters grow with stream time ({@link advance}, once a monitor tick) from what the
 * cluster did in it: each OSD's client IO reads and writes its drive and the replicas' drives, the writes go over
 * the public network to the primary and over the cluster network to the replicas, recovery moves data the same way,
 * and the CPUs work in proportion. Everything follows from the seed and the cluster's IO, without random draws.
 *
 * The scenario can fill a host's root file system, make a NIC drop and corrupt packets, or set a NIC's MTU.
 */
export class NodeHosts {
  readonly hosts: NodeHost[];
  /** How many monitors ran at the last tick (one on each of the first hosts). */
  mons = 0;
  private last = Number.NaN;
  private readonly prev: { r: Float64Array; w: Float64Array; i: Float64Array; o: Float64Array; rec: Float64Array };

  constructor(
    readonly topo: Topology,
    startMs: number,
    seed: number,
  ) {
    const n = topo.capacity;
    this.prev = {
      r: new Float64Array(n),
      w: new Float64Array(n),
      i: new Float64Array(n),
      o: new Float64Array(n),
      rec: new Float64Array(n),
    };
    this.hosts = topo.hostNames.map((_, h) => {
      const drives = topo.hostDrives[h]!;
      // Hosts were booted between 20 and 120 days before the cluster's clock starts.
      const bootMs = startMs - Math.round((20 + 100 * hashUnit(seed, h, 0xb0)) * 86_400_000);
      const host: NodeHost = {
        bootMs,
        cpu: new Float64Array(NODE_CPUS * MODES),
        nics: new Float64Array(NICS.length * NF),
        mtu: { lo: 65536, eth0: JUMBO_MTU, eth1: JUMBO_MTU },
        faults: { lo: { drop: 0, errs: 0 }, eth0: { drop: 0, errs: 0 }, eth1: { drop: 0, errs: 0 } },
        disks: new Float64Array((1 + 2 * drives) * DF),
        ioNow: new Float64Array(1 + 2 * drives),
        rootBaseline: 0.18 + 0.2 * hashUnit(seed, h, 0xf5),
        fill: null,
        load: new Float64Array(3),
        osdsRunning: 0,
      };
      this.boot(host, h, (startMs - bootMs) / 1000, seed);
      return host;
    });
  }

  /** Where the counters stand when the cluster's clock starts: what the host did since it booted, at a quiet rate. */
  private boot(host: NodeHost, h: number, upS: number, seed: number): void {
    for (let c = 0; c < NODE_CPUS; c++) {
      const busy = upS * (0.02 + 0.02 * hashUnit(seed, h, c));
      const at = c * MODES;
      host.cpu[at + 7] = busy * 0.62;
      host.cpu[at + 6] = busy * 0.28;
      host.cpu[at + 4] = busy * 0.07;
      host.cpu[at + 1] = busy * 0.02;
      host.cpu[at + 2] = busy * 0.005;
      host.cpu[at + 3] = busy * 0.005;
      host.cpu[at] = upS - busy;
    }
    for (let k = 0; k < NICS.length; k++) {
      const rate = k === 0 ? 40 * KiB : 2e6 * (0.5 + hashUnit(seed, h, k));
      const pkt = k === 0 ? 1 * KiB : 4 * KiB;
      host.nics[k * NF] = upS * rate;
      host.nics[k * NF + 1] = (upS * rate) / pkt;
      host.nics[k * NF + 4] = upS * rate;
      host.nics[k * NF + 5] = (upS * rate) / pkt;
    }
    const drives = this.topo.hostDrives[h]!;
    const used = this.topo.hostOsds.start[h + 1]! - this.topo.hostOsds.start[h]!;
    this.diskIo(host, 0, upS, upS * 6 * KiB, upS * 64 * KiB, false);
    for (let k = 0; k < used; k++) {
      const rate = 0.5 + hashUnit(seed, h, k, 0xd1);
      this.diskIo(host, 1 + k, upS, upS * rate * 2e6, upS * rate * 3e6, false);
      this.diskIo(host, 1 + drives + k, upS, upS * rate * 2e6, upS * rate * 3e6, true);
    }
  }

  /** How many drives host `h` has (`sdb`, ...), and so where its `dm-` devices start. */
  drives(h: number): number {
    return this.topo.hostDrives[h]!;
  }

  /** The devices host `h`'s node exporter reports, with their index in its disk table. */
  diskNames(h: number): Array<[name: string, index: number]> {
    const drives = this.drives(h);
    const used = this.topo.hostOsds.start[h + 1]! - this.topo.hostOsds.start[h]!;
    const out: Array<[string, number]> = [['sda', 0]];
    for (let k = 0; k < drives; k++) out.push([drivePath(k).slice(5), 1 + k]);
    for (let k = 0; k < used; k++) out.push([`dm-${k}`, 1 + drives + k]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The share of host `h`'s root file system in use at `now`. */
  rootUsed(h: number, now: number): number {
    const host = this.hosts[h]!;
    const f = host.fill;
    if (f === null || now < f.from) return host.rootBaseline;
    const done = f.rampMs <= 0 ? 1 : Math.min(1, (now - f.from) / f.rampMs);
    return host.rootBaseline + (f.target - host.rootBaseline) * done;
  }

  /** Host `h`'s root file system fills from `now` to `target` of its space over `rampMs`; `null`: freed again. */
  fillRoot(h: number, target: number | null, rampMs: number, now: number): void {
    this.hosts[h]!.fill = target === null ? null : { from: now, rampMs, target };
  }

  /** NIC `nic` of host `h` drops `drop` and garbles `errs` of the packets it handles from now on (0: none). */
  setNicFaults(h: number, nic: Nic, drop: number, errs: number): void {
    this.hosts[h]!.faults[nic] = { drop, errs };
  }

  /** NIC `nic` of host `h` runs with `mtu` from now on. */
  setMtu(h: number, nic: Nic, mtu: number): void {
    this.hosts[h]!.mtu[nic] = mtu;
  }

  /** Moves every host's counters on to `now`, from what the cluster did since the last call. */
  advance(now: number, load: NodeLoad): void {
    this.mons = load.mons;
    if (Number.isNaN(this.last)) {
      this.last = now;
      this.snapshot(load.counters, now);
      return;
    }
    const dt = (now - this.last) / 1000;
    if (dt <= 0) return;
    const { topo } = this;
    const c = load.counters;
    const p = this.prev;
    const n = topo.osds;
    let running = 0;
    let replicaBytes = 0;
    let replicaOps = 0;
    let recovered = 0;
    for (let o = 0; o < n; o++) {
      if (load.reporting(o)) running++;
      replicaBytes += (c.inBytes[o]! - p.i[o]!) * (load.poolSize - 1);
      replicaOps += (c.opW[o]! - p.w[o]!) * (load.poolSize - 1);
      recovered += c.recoveryBytes[o]! - p.rec[o]!;
    }
    const share = running > 0 ? 1 / running : 0;
    const hostOps = new Float64Array(topo.hosts);
    const pub = new Float64Array(topo.hosts * 2);
    const clu = new Float64Array(topo.hosts * 2);
    for (const host of this.hosts) host.osdsRunning = 0;
    for (let o = 0; o < n; o++) {
      const h = topo.osdHost[o]!;
      const host = this.hosts[h]!;
      const dR = c.opR[o]! - p.r[o]!;
      const dW = c.opW[o]! - p.w[o]!;
      const dIn = c.inBytes[o]! - p.i[o]!;
      const dOut = c.outBytes[o]! - p.o[o]!;
      const dRec = c.recoveryBytes[o]! - p.rec[o]!;
      // What the clients send a primary and it answers, on the public network.
      pub[2 * h]! += dIn + dR * 200;
      pub[2 * h + 1]! += dOut + dW * 200;
      // The primary sends each write on to the replicas, and recovery pushes its objects, over the cluster network.
      clu[2 * h + 1]! += dIn * (load.poolSize - 1) + dRec;
      const k = driveOfOsd(topo, o);
      const drives = this.drives(h);
      if (!load.reporting(o)) {
        host.ioNow[1 + k] = 0;
        host.ioNow[1 + drives + k] = 0;
        continue;
      }
      host.osdsRunning++;
      clu[2 * h]! += (replicaBytes + recovered) * share;
      hostOps[h]! += dR + dW + replicaOps * share;
      const written = (dIn + (replicaBytes + recovered) * share) * 1.12 + dt * 24 * KiB;
      const read = dOut * 0.75 + dRec + dt * 4 * KiB;
      this.diskIo(host, 1 + k, dt, read, written, false);
      this.diskIo(host, 1 + drives + k, dt, read, written, true);
    }
    for (let h = 0; h < topo.hosts; h++) {
      const host = this.hosts[h]!;
      const hb = host.osdsRunning * 2 * KiB * dt;
      const mon = h < load.mons ? 60 * KiB * dt : 0;
      this.nicIo(host, 'eth0', pub[2 * h]! + hb + mon + 8 * KiB * dt, pub[2 * h + 1]! + hb + mon + 8 * KiB * dt);
      this.nicIo(host, 'eth1', clu[2 * h]! + hb, clu[2 * h + 1]! + hb);
      this.nicIo(host, 'lo', 48 * KiB * dt, 48 * KiB * dt);
      const grown = Math.max(0, this.rootUsed(h, now) - this.rootUsed(h, this.last)) * ROOT_FS_BYTES;
      this.diskIo(host, 0, dt, 6 * KiB * dt, 64 * KiB * dt + grown, false);
      const netBytes = pub[2 * h]! + pub[2 * h + 1]! + clu[2 * h]! + clu[2 * h + 1]!;
      this.cpuTime(host, h, dt, hostOps[h]!, netBytes, h < load.mons);
    }
    this.snapshot(c, now);
  }

  private snapshot(c: OsdCounters, now: number): void {
    const p = this.prev;
    p.r.set(c.opR.subarray(0, p.r.length));
    p.w.set(c.opW.subarray(0, p.w.length));
    p.i.set(c.inBytes.subarray(0, p.i.length));
    p.o.set(c.outBytes.subarray(0, p.o.length));
    p.rec.set(c.recoveryBytes.subarray(0, p.rec.length));
    this.last = now;
  }

  /** `read` and `written` bytes on disk `d` of `host` over `dt` s: an HDD's service times; `mapped` for a dm device. */
  private diskIo(host: NodeHost, d: number, dt: number, read: number, written: number, mapped: boolean): void {
    const at = d * DF;
    const reads = read / (96 * KiB);
    const writes = written / (40 * KiB);
    const v = host.disks;
    v[at]! += reads;
    v[at + 1]! += mapped ? 0 : reads * 0.04;
    v[at + 2]! += read;
    v[at + 3]! += reads * 6.5e-3;
    v[at + 4]! += writes;
    v[at + 5]! += mapped ? 0 : writes * 0.25;
    v[at + 6]! += written;
    v[at + 7]! += writes * 2.2e-3;
    const busy = Math.min(dt, reads * 5e-3 + writes * 1.5e-3);
    v[at + 8]! += busy;
    v[at + 9]! += reads * 6.5e-3 + writes * 2.2e-3;
    host.ioNow[d] = dt > 0 ? Math.round((busy / dt) * 2) : 0;
  }

  /** `rx` and `tx` bytes of data through `nic`, in frames of its MTU, each way acknowledged. */
  private nicIo(host: NodeHost, nic: Nic, rx: number, tx: number): void {
    const k = NICS.indexOf(nic);
    const at = k * NF;
    const payload = host.mtu[nic] - HEADERS;
    const rxData = rx / payload;
    const txData = tx / payload;
    const rxPk = rxData + txData / 2;
    const txPk = txData + rxData / 2;
    const v = host.nics;
    v[at]! += rx + rxData * HEADERS + (txData / 2) * ACK_BYTES;
    v[at + 1]! += rxPk;
    v[at + 4]! += tx + txData * HEADERS + (rxData / 2) * ACK_BYTES;
    v[at + 5]! += txPk;
    const f = host.faults[nic];
    v[at + 2]! += (rxPk + txPk) * f.drop;
    v[at + 3]! += (rxPk + txPk) * f.errs;
  }

  /** The CPUs' time over `dt` s: the daemons' own, a share a client op, and the network's soft interrupts. */
  private cpuTime(host: NodeHost, h: number, dt: number, ops: number, netBytes: number, mon: boolean): void {
    const work = dt * (0.08 + 0.05 * host.osdsRunning + (mon ? 0.06 : 0)) + ops * 1.2e-3;
    const soft = netBytes * 1.5e-10;
    const io = dt * 0.01 * host.osdsRunning;
    const busy = work + soft + io;
    let total = 0;
    for (let c = 0; c < NODE_CPUS; c++) total += 0.5 + hashUnit(h, c, 0xc9);
    for (let c = 0; c < NODE_CPUS; c++) {
      const w = (0.5 + hashUnit(h, c, 0xc9)) / total;
      const scale = Math.min(1, (0.95 * dt) / Math.max(1e-12, busy * w));
      const at = c * MODES;
      const v = host.cpu;
      v[at + 7]! += work * w * scale * 0.66;
      v[at + 6]! += work * w * scale * 0.3;
      v[at + 3]! += work * w * scale * 0.01;
      v[at + 2]! += work * w * scale * 0.03;
      v[at + 4]! += soft * w * scale;
      v[at + 1]! += io * w * scale;
      v[at]! += dt - busy * w * scale;
    }
    const running = busy / dt;
    for (const [i, span] of [60, 300, 900].entries()) {
      const e = Math.exp(-dt / span);
      host.load[i] = host.load[i]! * e + running * (1 - e);
    }
  }
}
