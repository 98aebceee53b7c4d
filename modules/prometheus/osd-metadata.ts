import { labelSet, sampleLine } from './exposition.ts';
import { staticFamily } from './families.ts';
import type { ClusterReader, Section } from './reader.ts';
import { hostOfAddr } from './sections.ts';

interface OsdEntry {
  osd: number;
  public_addr?: string;
  cluster_addr?: string;
}

/** What one OSD's lines were built from, and the lines. */
interface OsdRecord {
  entry: OsdEntry;
  deviceClass: string;
  /** This OSD's perf counter table: another object means its daemon state (metadata included) changed. */
  table: unknown;
  meta: Readonly<Record<string, string>> | null;
  line: string;
  /** `[ceph_daemon, device, db_device, wal_device, instance, devices, device_ids]`, or null. */
  disk: readonly string[] | null;
}

const META = staticFamily('osd_metadata');
const DISK_HUMAN = staticFamily('disk_occupation_human');

const classesMemo = new WeakMap<object, Map<number, string>>();

/** Device class by OSD id, once per CRUSH map (Ceph searches the device list once per OSD). */
function deviceClasses(crush: { devices?: Array<{ id: number; class?: string }> } | null): Map<number, string> {
  if (crush === null) return new Map();
  let m = classesMemo.get(crush);
  if (m === undefined) {
    m = new Map((crush.devices ?? []).map((d) => [d.id, d.class ?? '']));
    classesMemo.set(crush, m);
  }
  return m;
}

/** The devices an OSD stores its data, DB and WAL on, from its metadata, as Ceph reads them; null if unknown. */
function diskOf(daemon: string, meta: Readonly<Record<string, string>>): string[] | null {
  const store = meta.osd_objectstore ?? '';
  let dev: string | undefined;
  let wal = '';
  let db = '';
  if (store === 'filestore') {
    dev = meta.backend_filestore_dev_node;
    wal = meta.osd_journal ?? '';
  } else if (store === 'bluestore') {
    dev = meta.bluestore_bdev_dev_node;
    wal = meta.bluefs_wal_dev_node ?? '';
    db = meta.bluefs_db_dev_node ?? '';
  }
  if (dev === 'unknown') dev = undefined;
  const host = meta.hostname;
  if (!dev || !host) return null;
  return [daemon, dev, db, wal, host, meta.devices || 'N/A', meta.device_ids || 'N/A'];
}

/**
 * `ceph_osd_metadata` for every OSD of the OSD map, with or without daemon metadata (real ceph-mgr drops the OSDs
 * it has no metadata for), and `ceph_disk_occupation[_human]` for those whose metadata names their devices. Each
 * OSD's line is kept until its map entry, CRUSH class or daemon state changes, so a new snapshot costs a walk over
 * the OSDs, not a rebuild of their lines.
 */
export function osdMetadataSection(): Section {
  const records = new Map<number, OsdRecord>();
  return {
    method: 'get_metadata_and_osd_status',
    families: ['osd_metadata', 'disk_occupation', 'disk_occupation_human'],
    inputs: (r) => [r.get('osd_map'), r.get('osd_map_crush'), r.get_all_perf_counters()],
    build(r: ClusterReader, out) {
      const map = r.get('osd_map') as unknown as { osds: OsdEntry[] } | null;
      if (map === null) return;
      const classes = deviceClasses(r.get('osd_map_crush') as never);
      const tables = r.get_all_perf_counters() as Readonly<Record<string, unknown>>;
      let metaText = '';
      const disks: (readonly string[])[] = [];
      const seen = new Set<number>();
      for (const entry of map.osds) {
        const id = entry.osd;
        seen.add(id);
        const daemon = `osd.${id}`;
        const table = tables[daemon];
        const deviceClass = classes.get(id) ?? '';
        let rec = records.get(id);
        if (rec === undefined || rec.entry !== entry || rec.deviceClass !== deviceClass || rec.table !== table) {
          const meta = r.get_metadata('osd', String(id));
          if (rec === undefined || rec.entry !== entry || rec.deviceClass !== deviceClass || rec.meta !== meta) {
            const m = meta ?? {};
            const line = sampleLine(
              META.name,
              labelSet(META.labels, [
                m.back_iface ?? '',
                daemon,
                hostOfAddr(entry.cluster_addr),
                deviceClass,
                m.front_iface ?? '',
                m.hostname ?? '',
                m.osd_objectstore ?? '',
                hostOfAddr(entry.public_addr),
                m.ceph_version ?? '',
              ]),
              1,
            );
            rec = { entry, deviceClass, table, meta, line, disk: meta === null ? null : diskOf(daemon, meta) };
            records.set(id, rec);
          } else {
            rec.table = table;
          }
        }
        metaText += rec.line;
        if (rec.disk !== null) disks.push(rec.disk);
      }
      for (const id of records.keys()) if (!seen.has(id)) records.delete(id);
      out.append('osd_metadata', metaText);
      // Ceph's `group_by(['device', 'instance'], {'ceph_daemon': ', '.join})`: one sample per device of a host.
      const groups = new Map<string, string[][]>();
      for (const d of disks) {
        out.add('disk_occupation', d, 1);
        const key = `${d[1]}\u0000${d[4]}`;
        const g = groups.get(key);
        if (g === undefined) groups.set(key, [[...d]]);
        else g.push([...d]);
      }
      for (const g of groups.values()) {
        const daemons = g.map((d) => d[0]!).join(', ');
        out.append('disk_occupation_human', sampleLine(DISK_HUMAN.name, labelSet(DISK_HUMAN.labels, [daemons, g[0]![1]!, g[0]![4]!]), 1));
      }
    },
  };
}
