import type { ClogEntry } from '../../schemas/daemon/clog-entry.ts';
import type { EntityAddrVec } from '../../schemas/maps/mon-map.ts';
import { cephStamp } from '../cluster/ceph-time.ts';

/** A cluster log priority as Ceph prints it. */
export type ClogPriority = '[DBG]' | '[INF]' | '[WRN]' | '[ERR]';

/** JSON as Python's `json.dumps` writes it (`", "` and `": "` separators): how the audit log quotes commands. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const body = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`);
    return `{${body.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The monitors' cluster log: entries from `mon.a` with a running sequence number, on the `cluster` channel (what
 * happened) or the `audit` channel (who asked for what).
 */
export class ClusterLog {
  private seq: number;

  constructor(
    private readonly addrs: EntityAddrVec,
    firstSeq = 1,
  ) {
    this.seq = firstSeq;
  }

  /** A cluster-channel entry. */
  cluster(now: number, priority: ClogPriority, message: string): ClogEntry {
    return this.entry(now, 'cluster', priority, message);
  }

  /**
   * The audit pair Ceph logs for a command: `dispatch` when it arrives and `finished` when it is done. `from` is the
   * sender (`client.? 10.1.0.9:0/3162742`), `entity` its name (`client.admin`).
   */
  audit(now: number, from: string, entity: string, cmd: Record<string, unknown>): [ClogEntry, ClogEntry] {
    const text = pythonJson([cmd]);
    const head = `from='${from}' entity='${entity}' cmd=`;
    return [
      this.entry(now, 'audit', '[INF]', `${head}${text}: dispatch`),
      this.entry(now, 'audit', '[INF]', `${head}'${text}': finished`),
    ];
  }

  private entry(now: number, channel: string, priority: ClogPriority, message: string): ClogEntry {
    return {
      name: 'mon.a',
      rank: 'mon.0',
      stamp: cephStamp(now),
      seq: this.seq++,
      channel,
      priority,
      message,
      addrs: structuredClone(this.addrs),
    };
  }
}
