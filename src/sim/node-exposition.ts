import { daemonMetadata } from './host-metadata.ts';
import { CPU_MODES, DISK_FIELDS, NIC_FIELDS, NICS, NODE_CPUS, type NodeHosts, ROOT_FS_BYTES } from './node-hosts.ts';
import { hashUnit } from './rng.ts';

/** The port a node exporter listens on, which its `instance` label carries. */
export const NODE_EXPORTER_PORT = 9100;

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** A 25 GbE port, in bytes a second. */
const NIC_SPEED_BYTES = 3.125e9;

/** A number as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes it, as node_exporter's samples have them. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [m, x] = v.toExponential().split('e') as [string, string];
  const exp = Number(x);
  if (exp < -4 || exp >= 6) return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** One family's lines: HELP, TYPE and its samples. */
class Family {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    type: 'counter' | 'gauge',
    help: string,
  ) {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  add(labels: Readonly<Record<string, string>>, value: number): void {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${esc(v)}"`)
      .join(',');
    this.lines.push(`${this.name}{${l}} ${goFloat(value)}`);
  }
}

/** A host's file systems: the system disk's partitions and the tmpfs node_exporter reports. */
interface Fs {
  readonly device: string;
  readonly fstype: string;
  readonly mountpoint: string;
  readonly size: number;
  readonly free: number;
  readonly files: number;
}

/** Memory a host's daemons hold: each running OSD its `osd_memory_target` (4 GiB) and more, a monitor its store. */
function memory(nodes: NodeHosts, h: number, now: number, total: number): Record<string, number> {
  const host = nodes.hosts[h]!;
  const wave = Math.sin((2 * Math.PI * now) / (3_600_000 * (1 + hashUnit(h, 0x3e3))) + 6 * hashUnit(h, 0x3e4));
  const anon = 3.2 * GiB + host.osdsRunning * 4.4 * GiB + (h < nodes.mons ? 1.6 * GiB : 0) + wave * 60 * MiB;
  const slab = (2.2 + 0.3 * hashUnit(h, 0x3e5)) * GiB;
  const buffers = (180 + 40 * hashUnit(h, 0x3e6)) * MiB;
  const cached = (6 + 4 * hashUnit(h, 0x3e7)) * GiB + wave * 200 * MiB;
  const pageTables = 150 * MiB;
  const kernelStack = 30 * MiB;
  const free = total - anon - slab - buffers - cached - pageTables - kernelStack;
  const r = (v: number) => Math.round(v / 4096) * 4096;
  return {
    Active: r(anon * 0.9 + cached * 0.5),
    AnonPages: r(anon),
    Buffers: r(buffers),
    Cached: r(cached),
    CommitLimit: r(total / 2),
    Committed_AS: r(anon * 1.3),
    Dirty: r(2 * MiB * (1.2 + wave)),
    Inactive: r(anon * 0.1 + cached * 0.5 + buffers),
    KernelStack: r(kernelStack),
    Mapped: r(300 * MiB),
    MemAvailable: r(free + cached * 0.9 + buffers + slab * 0.55),
    MemFree: r(free),
    MemTotal: total,
    PageTables: r(pageTables),
    SReclaimable: r(slab * 0.7),
    SUnreclaim: r(slab * 0.3),
    Shmem: r(40 * MiB),
    Slab: r(slab),
    SwapCached: 0,
    SwapFree: 0,
    SwapTotal: 0,
    VmallocTotal: 35184372087808,
    Writeback: 0,
  };
}

function filesystems(nodes: NodeHosts, h: number, now: number, memTotal: number): Fs[] {
  const { topo } = nodes;
  const rootFree = ROOT_FS_BYTES * (1 - nodes.rootUsed(h, now));
  const out: Fs[] = [
    { device: '/dev/sda1', fstype: 'vfat', mountpoint: '/boot/efi', size: 627_900_416, free: 620_412_928, files: 0 },
    { device: '/dev/sda2', fstype: 'xfs', mountpoint: '/boot', size: 1_063_256_064, free: 797_118_464, files: 524_288 },
    { device: '/dev/sda3', fstype: 'xfs', mountpoint: '/', size: ROOT_FS_BYTES, free: rootFree, files: 104_857_600 },
    {
      device: 'tmpfs',
      fstype: 'tmpfs',
      mountpoint: '/run',
      size: memTotal / 2,
      free: memTotal / 2 - 42 * MiB,
      files: 0,
    },
  ];
  // ceph-volume mounts a tmpfs at each OSD's data directory.
  const { start, items } = topo.hostOsds;
  for (let i = start[h]!; i < start[h + 1]!; i++) {
    const o = items[i]!;
    out.push({
      device: 'tmpfs',
      fstype: 'tmpfs',
      mountpoint: `/var/lib/ceph/osd/ceph-${o}`,
      size: memTotal / 2,
      free: memTotal / 2 - 28 * 1024,
      files: 0,
    });
  }
  return out.sort((a, b) => (a.mountpoint < b.mountpoint ? -1 : 1));
}

/**
 * What every host's node exporter serves at `now`, in one Prometheus text exposition: node_exporter's metric
 * names, types, help lines and labels, each series with the `instance` label of its host's exporter
 * (`node01:9100`), as a Prometheus scraping them all with `honor_labels` stores them. The drives are named as the
 * OSDs' metadata names them (`sdb`, and `dm-0` for the volume `bluestore_bdev_dev_node` names), so that the
 * dashboards' joins from `ceph_disk_occupation_human` to `node_disk_*` (by host and device) find them.
 */
export function nodeExposition(nodes: NodeHosts, now: number): string {
  const { topo } = nodes;
  const fam = new Map<string, Family>();
  const get = (name: string, type: 'counter' | 'gauge', help: string) => {
    let f = fam.get(name);
    if (f === undefined) {
      f = new Family(name, type, help);
      fam.set(name, f);
    }
    return f;
  };
  const DISK: Record<(typeof DISK_FIELDS)[number], [string, string]> = {
    reads: ['node_disk_reads_completed_total', 'The total number of reads completed successfully.'],
    readsMerged: ['node_disk_reads_merged_total', 'The total number of reads merged.'],
    readBytes: ['node_disk_read_bytes_total', 'The total number of bytes read successfully.'],
    readTime: ['node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.'],
    writes: ['node_disk_writes_completed_total', 'The total number of writes completed successfully.'],
    writesMerged: ['node_disk_writes_merged_total', 'The number of writes merged.'],
    writtenBytes: ['node_disk_written_bytes_total', 'The total number of bytes written successfully.'],
    writeTime: ['node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.'],
    ioTime: ['node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.'],
    ioWeighted: ['node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.'],
  };
  const seconds = new Set(['readTime', 'writeTime', 'ioTime', 'ioWeighted']);
  const NIC: Record<(typeof NIC_FIELDS)[number], string> = {
    rxBytes: 'receive_bytes',
    rxPackets: 'receive_packets',
    rxDrop: 'receive_drop',
    rxErrs: 'receive_errs',
    txBytes: 'transmit_bytes',
    txPackets: 'transmit_packets',
    txDrop: 'transmit_drop',
    txErrs: 'transmit_errs',
  };
  for (let h = 0; h < topo.hosts; h++) {
    const host = nodes.hosts[h]!;
    const name = topo.hostNames[h]!;
    const instance = `${name}:${NODE_EXPORTER_PORT}`;
    const meta = daemonMetadata(name, {});
    const memTotal = Number(meta.mem_total_kb) * 1024;
    const only = { instance };
    get('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.').add(only, host.bootMs / 1000);
    const cpu = get('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
    for (let c = 0; c < NODE_CPUS; c++) {
      for (let m = 0; m < CPU_MODES.length; m++) {
        const v = Math.floor(host.cpu[c * CPU_MODES.length + m]! * 100) / 100;
        cpu.add({ cpu: String(c), instance, mode: CPU_MODES[m]! }, v);
      }
    }
    const disks = nodes.diskNames(h);
    get('node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.');
    for (const [device, d] of disks) fam.get('node_disk_io_now')!.add({ device, instance }, host.ioNow[d]!);
    DISK_FIELDS.forEach((field, i) => {
      const [metric, help] = DISK[field];
      const f = get(metric, 'counter', help);
      for (const [device, d] of disks) {
        const raw = host.disks[d * DISK_FIELDS.length + i]!;
        f.add({ device, instance }, seconds.has(field) ? Math.floor(raw * 1000) / 1000 : Math.floor(raw));
      }
    });
    for (const fs of filesystems(nodes, h, now, memTotal)) {
      const labels = { device: fs.device, fstype: fs.fstype, instance, mountpoint: fs.mountpoint };
      const free = Math.floor(fs.free / 4096) * 4096;
      get('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.').add(
        labels,
        free,
      );
      get(
        'node_filesystem_device_error',
        'gauge',
        'Whether an error occurred while getting statistics for the given device.',
      ).add(labels, 0);
      get('node_filesystem_files', 'gauge', 'Filesystem total file nodes.').add(labels, fs.files);
      get('node_filesystem_files_free', 'gauge', 'Filesystem total free file nodes.').add(
        labels,
        Math.round(fs.files * (fs.free / fs.size)),
      );
      get('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.').add(labels, free);
      get('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.').add(labels, 0);
      get('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.').add(labels, fs.size);
    }
    const load = (v: number) => Math.round(v * 100) / 100;
    get('node_load1', 'gauge', '1m load average.').add(only, load(host.load[0]!));
    get('node_load15', 'gauge', '15m load average.').add(only, load(host.load[2]!));
    get('node_load5', 'gauge', '5m load average.').add(only, load(host.load[1]!));
    for (const [field, v] of Object.entries(memory(nodes, h, now, memTotal))) {
      const metric = `node_memory_${field}_bytes`;
      get(metric, 'gauge', `Memory information field ${field}_bytes.`).add(only, v);
    }
    const info = get('node_network_info', 'gauge', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.');
    NICS.forEach((device, k) => {
      const mac = device === 'lo' ? '00:00:00:00:00:00' : macOf(h, k);
      info.add(
        {
          address: mac,
          adminstate: 'up',
          broadcast: device === 'lo' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff',
          device,
          duplex: device === 'lo' ? '' : 'full',
          ifalias: '',
          instance,
          operstate: device === 'lo' ? 'unknown' : 'up',
        },
        1,
      );
      get('node_network_mtu_bytes', 'gauge', 'Network device property: mtu_bytes').add(
        { device, instance },
        host.mtu[device],
      );
      NIC_FIELDS.forEach((field, i) => {
        const metric = `node_network_${NIC[field]}_total`;
        get(metric, 'counter', `Network device statistic ${NIC[field]}.`).add(
          { device, instance },
          Math.floor(host.nics[k * NIC_FIELDS.length + i]!),
        );
      });
      if (device !== 'lo') {
        get('node_network_speed_bytes', 'gauge', 'Network device property: speed_bytes').add(
          { device, instance },
          NIC_SPEED_BYTES,
        );
      }
      get('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.").add(
        { device, instance },
        device === 'lo' ? 0 : 1,
      );
    });
    get('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).').add(only, now / 1000);
    get('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.').add(
      {
        domainname: '(none)',
        instance,
        machine: meta.arch ?? 'x86_64',
        nodename: name,
        release: meta.kernel_version ?? '',
        sysname: meta.os ?? 'Linux',
        version: meta.kernel_description ?? '',
      },
      1,
    );
  }
  const out: string[] = [];
  for (const key of [...fam.keys()].sort()) out.push(...fam.get(key)!.lines);
  return `${out.join('\n')}\n`;
}

/** A NIC's MAC address, from the host and port (a locally administered prefix). */
function macOf(h: number, k: number): string {
  const b = [0x02, 0x1b, 0x21, (h >> 8) & 0xff, h & 0xff, k];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
