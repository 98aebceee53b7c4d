import { recordEntries } from 'mgrkit';
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
  daemon: string;
  entry: OsdEntry;
  deviceClass: string;
  meta: Readonly<Record<string, string>> | null;
  line: string;
  /** `[ceph_daemon, device, db_device, wal_device, instance, devices, device_ids]`, or null. */
  disk: readonly string[] | null;
}

const META = staticFamily('osd_metadata');
const DISK = staticFamily('disk_occupation');
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

/** The metadata line and disk of one OSD, from its map entry, CRUSH class and daemon metadata. */
function osdRecord(
  entry: OsdEntry,
  deviceClass: string,
  meta: Readonly<Record<string, string>> | null,
  daemon: string,
): OsdRecord {
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
  return { daemon, entry, deviceClass, meta, line, disk: meta === null ? null : diskOf(daemon, meta) };
}

/**
 * `ceph_osd_metadata` for every OSD of the OSD map, with or without daemon metadata (real ceph-mgr drops the OSDs
 * it has no metadata for), and `ceph_disk_occupation[_human]` for those whose metadata names their devices.
 *
 * Each OSD's line is kept until its map entry, CRUSH class or metadata changes. While the OSD map and CRUSH map stay
 * the same, only daemons whose counter table is new (one table per daemon state: the daemon reported or
 * reconnected) can have new metadata, so a snapshot costs a look at those, not a walk over every OSD.
 */
export function osdMetadataSection(): Section {
  const records = new Map<number, OsdRecord>();
  const knownTables = new WeakSet<object>();
  /** The tables of the last refresh, in their order: the same table at the same place needs no lookup. */
  let previous: readonly object[] = [];
  let last: { map: unknown; crush: unknown; texts: Map<string, string> } | null = null;

  const walk = (r: ClusterReader, map: { osds: OsdEntry[] }, crush: unknown): void => {
    const classes = deviceClasses(crush as never);
    const seen = new Set<number>();
    for (const entry of map.osds) {
      const id = entry.osd;
      seen.add(id);
      const rec = records.get(id);
      const deviceClass = classes.get(id) ?? '';
      const meta = r.get_metadata('osd', String(id));
      if (rec === undefined || rec.entry !== entry || rec.deviceClass !== deviceClass || rec.meta !== meta) {
        records.set(id, osdRecord(entry, deviceClass, meta, rec?.daemon ?? `osd.${id}`));
      }
    }
    for (const id of records.keys()) if (!seen.has(id)) records.delete(id);
  };

  /** True if an OSD whose daemon state changed has other metadata now. */
  const refresh = (r: ClusterReader, tables: Readonly<Record<string, object>>): boolean => {
    const { keys: names, values } = recordEntries(tables);
    const before = previous;
    previous = values;
    let changed = false;
    for (let i = 0; i < values.length; i++) {
      const table = values[i]!;
      if (before[i] === table || knownTables.has(table)) continue;
      knownTables.add(table);
      const name = names[i]!;
      if (!name.startsWith('osd.')) continue;
      const id = Number(name.slice(4));
      const rec = records.get(id);
      if (rec === undefined) continue;
      const meta = r.get_metadata('osd', String(id));
      if (meta === rec.meta) continue;
      records.set(id, osdRecord(rec.entry, rec.deviceClass, meta, rec.daemon));
      changed = true;
    }
    return changed;
  };

  const render = (map: { osds: OsdEntry[] }): Map<string, string> => {
    const metaLines: string[] = [];
    const diskLines: string[] = [];
    const groups = new Map<string, (readonly string[])[]>();
    for (const entry of map.osds) {
      const rec = records.get(entry.osd)!;
      metaLines.push(rec.line);
      const d = rec.disk;
      if (d === null) continue;
      diskLines.push(sampleLine(DISK.name, labelSet(DISK.labels, d), 1));
      const key = `${d[1]}\u0000${d[4]}`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [d]);
      else g.push(d);
    }
    // Ceph's `group_by(['device', 'instance'], {'ceph_daemon': ', '.join})`: one sample per device of a host.
    const human: string[] = [];
    for (const g of groups.values()) {
      const labels = [g.map((d) => d[0]!).join(', '), g[0]![1]!, g[0]![4]!];
      human.push(sampleLine(DISK_HUMAN.name, labelSet(DISK_HUMAN.labels, labels), 1));
    }
    return new Map([
      ['osd_metadata', metaLines.join('')],
      ['disk_occupation', diskLines.join('')],
      ['disk_occupation_human', human.join('')],
    ]);
  };

  return {
    method: 'get_metadata_and_osd_status',
    families: ['osd_metadata', 'disk_occupation', 'disk_occupation_human'],
    inputs: (r) => [r.get('osd_map'), r.get('osd_map_crush'), r.get_all_perf_counters()],
    build(r: ClusterReader, out) {
      const map = r.get('osd_map') as unknown as { osds: OsdEntry[] } | null;
      if (map === null) return;
      const crush = r.get('osd_map_crush');
      const tables = r.get_all_perf_counters() as Readonly<Record<string, object>>;
      if (last === null || last.map !== map || last.crush !== crush) {
        for (const t of recordEntries(tables).values) knownTables.add(t);
        walk(r, map, crush);
        last = { map, crush, texts: render(map) };
      } else if (refresh(r, tables)) {
        last = { map, crush, texts: render(map) };
      }
      for (const [k, v] of last.texts) out.append(k, v);
    },
  };
}
