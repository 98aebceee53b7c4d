import type { ClusterState } from '../cluster-state.ts';
import { tableValues } from '../keyed-table.ts';
import { once } from './memo.ts';

/** Where a device is attached: the host, the kernel's name for it, and a path (empty, see {@link devicesView}). */
export interface Attachment {
  readonly host: string;
  readonly dev: string;
  readonly path: string;
}

/** One storage device as ceph-mgr's `DeviceState::dump` prints it. */
export interface Device {
  readonly devid: string;
  readonly location: readonly Attachment[];
  /** The daemons using it, `"osd.0"` style. */
  readonly daemons: readonly string[];
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `dev=id` pairs of a metadata field split on `,`, `;` and blanks, as Ceph's `for_each_pair`. */
function pairs(text: string): Array<[string, string]> {
  return text
    .split(/[,; ]+/)
    .filter((t) => t !== '')
    .map((t) => {
      const eq = t.indexOf('=');
      return eq < 0 ? [t, ''] : [t.slice(0, eq), t.slice(eq + 1)];
    });
}

/**
 * `get('devices')`: `{devices: [...]}`, the devices the daemons' metadata names (`device_ids`: `sda=<devid>,...`), each
 * with where it is attached and which daemons use it, as ceph-mgr's `DaemonStateIndex` holds them: by devid, the
 * daemons by type then id. Ceph looks a device's path up in `device_paths` by its devid where that field is keyed by
 * device name, so the path comes out empty unless the two coincide; so it does here. Life expectancy and wear level,
 * which Ceph adds from its own store, are not in the trace.
 */
export function devicesView(s: ClusterState): { readonly devices: readonly Device[] } {
  return once('devices', s.daemons, () => {
    const found = new Map<string, { location: Map<string, Attachment>; daemons: Set<string> }>();
    const daemons = tableValues(s.daemons).sort((a, b) => byText(a.type, b.type) || byText(a.id, b.id));
    for (const d of daemons) {
      const ids = d.metadata.device_ids;
      if (ids === undefined) continue;
      const paths = new Map(pairs(d.metadata.device_paths ?? ''));
      const mine = new Map<string, string>();
      for (const [dev, id] of pairs(ids)) if (id !== '' && !mine.has(id)) mine.set(id, dev);
      for (const [id, dev] of mine) {
        let device = found.get(id);
        if (device === undefined) {
          device = { location: new Map(), daemons: new Set() };
          found.set(id, device);
        }
        device.daemons.add(`${d.type}.${d.id}`);
        const at = { host: d.hostname, dev, path: paths.get(id) ?? '' };
        device.location.set(`${at.host}\0${at.dev}\0${at.path}`, at);
      }
    }
    return {
      devices: [...found]
        .sort((a, b) => byText(a[0], b[0]))
        .map(([devid, d]) => ({
          devid,
          location: [...d.location.values()].sort(
            (a, b) => byText(a.host, b.host) || byText(a.dev, b.dev) || byText(a.path, b.path),
          ),
          daemons: [...d.daemons],
        })),
    };
  });
}
