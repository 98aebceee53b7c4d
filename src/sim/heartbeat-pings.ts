import type { PingInterface, PingTimesEntry } from '../../schemas/daemon/pg-stats.ts';
import type { HealthCheck } from '../../schemas/maps/health.ts';
import { hashUnit } from './rng.ts';
import type { Topology } from './topology.ts';

/** The two networks an OSD's heartbeats go over: `back` the cluster network, `front` the public one. */
export type HeartbeatInterface = 'back' | 'front';

/** An OSD averages its pings to a peer over intervals of this length (Ceph's `hb_avg_time_period`, 60 s). */
const INTERVAL_MS = 60_000;
/** It keeps this many intervals: the 1, 5 and 15 minute figures are the means of the last 1, 5 and 15. */
const SLOTS = 15;
/** `osd_heartbeat_grace` (20 s): a peer's figures older than 60 times it are ignored. */
const GRACE_S = 20;
/** `mon_warn_on_slow_ping_ratio` (0.05) of the grace, in µs: `mon_warn_on_slow_ping_time` 0 means this. */
export const SLOW_PING_THRESHOLD_US = GRACE_S * 1e6 * 0.05;
/** At most this many detail lines per check; then one saying the list was cut (`PGMap::get_health_checks`). */
const MAX_PING_DETAIL = 10;

/** One peer's figures in µs as the OSD keeps them (`osd_stat_t::Interfaces`). */
interface PeerPing {
  readonly peer: number;
  /** Seconds since the epoch of the last finished interval. */
  readonly lastUpdate: number;
  /** Averages over 1, 5 and 15 minutes, back then front. */
  readonly back: readonly [number, number, number];
  readonly front: readonly [number, number, number];
}

interface Segment {
  readonly since: number;
  readonly ms: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ctime_r` without its newline, as `dump_ping_time` prints `"last update"` (the daemons' clocks are UTC). */
function ctime(sec: number): string {
  const d = new Date(sec * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`
  );
}

/** Ceph's `fixed_u_to_string(v, 3)`: µs as ms with three decimals. */
function msec(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

/**
 * The OSDs' heartbeat round-trip times, back and front, to each heartbeat peer, as `osd_stat_t` reports them
 * (`network_ping_times`) and as the monitors' `PGMap` turns them into `OSD_SLOW_PING_TIME_BACK` / `_FRONT`. A ping
 * takes the pair's own LAN time plus the delay each end's host adds on that network (a scenario step makes a host's
 * NIC slow, as `tc qdisc ... netem delay` would); an OSD averages its pings per minute and keeps 15 minutes of
 * them, so a delay shows in the 1 minute figure after a minute and lingers in the 5 and 15 minute ones after it
 * ends. Nothing is reported before the first delay is set: a run without one has the events it had before.
 */
export class HeartbeatPings {
  private readonly delays = new Map<string, Segment[]>();
  /** When each OSD's heartbeat state began (its boot). */
  private readonly since = new Map<number, number>();
  /** What each OSD last reported, as the monitors keep it. */
  private readonly reported = new Map<number, PeerPing[]>();
  private active = false;

  constructor(
    private readonly topo: Topology,
    private readonly seed: number,
    private readonly startMs: number,
  ) {}

  /** Whether the OSDs report ping times (from the first delay on). */
  get reporting(): boolean {
    return this.active;
  }

  /** From `now` on, host `host`'s `iface` network adds `ms` to every packet it sends (0: none again). */
  setDelay(host: number, iface: HeartbeatInterface, ms: number, now: number): void {
    this.active = true;
    const key = `${host}/${iface}`;
    const list = this.delays.get(key) ?? [{ since: Number.NEGATIVE_INFINITY, ms: 0 }];
    list.push({ since: now, ms });
    this.delays.set(key, list);
  }

  /** OSD `o` (re)started at `now`: its heartbeat history starts over, and the monitors keep what it said last. */
  booted(o: number, now: number): void {
    this.since.set(o, now);
  }

  /** OSD `o` is out: the monitors zero its stats. */
  forget(o: number): void {
    this.reported.delete(o);
  }

  /** The delay in ms of host `h`'s `iface` integrated over [a, b) (ms·ms). */
  private delayIntegral(h: number, iface: HeartbeatInterface, a: number, b: number): number {
    const list = this.delays.get(`${h}/${iface}`);
    if (list === undefined) return 0;
    let sum = 0;
    for (let i = 0; i < list.length; i++) {
      const from = Math.max(a, list[i]!.since);
      const to = Math.min(b, list[i + 1]?.since ?? Number.POSITIVE_INFINITY);
      if (to > from) sum += list[i]!.ms * (to - from);
    }
    return sum;
  }

  private delayAt(h: number, iface: HeartbeatInterface, t: number): number {
    const list = this.delays.get(`${h}/${iface}`);
    if (list === undefined) return 0;
    let ms = 0;
    for (const s of list) if (s.since <= t) ms = s.ms;
    return ms;
  }

  /** The pair's LAN round trip in µs in interval `k` (0.25 to 0.75 ms, varying a little interval to interval). */
  private baseUs(o: number, p: number, iface: HeartbeatInterface, k: number): number {
    const i = iface === 'back' ? 1 : 2;
    return 250 + 500 * hashUnit(this.seed, o * 4099 + p, i) * (0.85 + 0.3 * hashUnit(this.seed ^ k, o, p, i));
  }

  /**
   * Interval `k`'s [average, min, max] in µs of OSD `o`'s pings to `p` on `iface`, from `s0`. A ping between two
   * hosts waits at each end's NIC; one within a host never leaves it.
   */
  private interval(o: number, p: number, iface: HeartbeatInterface, s0: number, k: number): [number, number, number] {
    const a = s0 + k * INTERVAL_MS;
    const b = a + INTERVAL_MS;
    const base = this.baseUs(o, p, iface, k);
    const ho = this.topo.osdHost[o]!;
    const hp = this.topo.osdHost[p]!;
    if (ho === hp) return [Math.floor(base), Math.floor(base * 0.6), Math.floor(base * 2.4)];
    const extra = (this.delayIntegral(ho, iface, a, b) + this.delayIntegral(hp, iface, a, b)) / INTERVAL_MS;
    const first = this.delayAt(ho, iface, a) + this.delayAt(hp, iface, a);
    const end = this.delayAt(ho, iface, b - 1) + this.delayAt(hp, iface, b - 1);
    return [
      Math.floor(base + extra * 1000),
      Math.floor(base * 0.6 + Math.min(first, end) * 1000),
      Math.floor(base * 2.4 + Math.max(first, end) * 1000),
    ];
  }

  /**
   * OSD `o`'s `network_ping_times` to `peers` as it reports them at `t` (and as the monitors then keep them), or
   * undefined while no delay was ever set. A peer gets an entry once a first interval has passed.
   */
  report(o: number, peers: readonly number[], t: number): PingTimesEntry[] | undefined {
    if (!this.active) return undefined;
    const s0 = (this.since.get(o) ?? this.startMs) + ((o * 1000) % INTERVAL_MS);
    const done = Math.floor((t - s0) / INTERVAL_MS);
    const kept: PeerPing[] = [];
    const out: PingTimesEntry[] = [];
    if (done < 1) {
      this.reported.set(o, kept);
      return out;
    }
    const lastUpdate = Math.floor((s0 + done * INTERVAL_MS) / 1000);
    for (const p of peers) {
      const sides: PingInterface[] = [];
      const avgs: Array<[number, number, number]> = [];
      for (const iface of ['back', 'front'] as const) {
        // The first interval fills every slot, as the OSD does when it has none yet.
        const slots: Array<[number, number, number]> = [];
        for (let i = 0; i < SLOTS; i++) slots.push(this.interval(o, p, iface, s0, Math.max(0, done - 1 - i)));
        const avg: number[] = [];
        const min: number[] = [];
        const max: number[] = [];
        for (const n of [1, 5, 15]) {
          const w = slots.slice(0, n);
          avg.push(Math.floor(w.reduce((s, x) => s + x[0], 0) / n));
          min.push(Math.min(...w.map((x) => x[1])));
          max.push(Math.max(...w.map((x) => x[2])));
        }
        avgs.push(avg as [number, number, number]);
        const ho = this.topo.osdHost[o]!;
        const hp = this.topo.osdHost[p]!;
        const lastMs = hp === ho ? 0 : this.delayAt(ho, iface, t) + this.delayAt(hp, iface, t);
        const last = Math.floor(this.baseUs(o, p, iface, done) * (0.7 + hashUnit(this.seed, o, p, t)) + lastMs * 1000);
        const win = (v: number[]) => ({ '1min': v[0]! / 1000, '5min': v[1]! / 1000, '15min': v[2]! / 1000 });
        sides.push({ interface: iface, average: win(avg), min: win(min), max: win(max), last: last / 1000 });
      }
      kept.push({ peer: p, lastUpdate, back: avgs[0]!, front: avgs[1]! });
      out.push({ osd: p, 'last update': ctime(lastUpdate), interfaces: sides });
    }
    this.reported.set(o, kept);
    return out;
  }

  /**
   * `OSD_SLOW_PING_TIME_BACK` and `OSD_SLOW_PING_TIME_FRONT` from what the OSDs last reported, as
   * `PGMap::get_health_checks` words them: a pair counts when its worst of the three averages passes the threshold;
   * the slowest first, ten lines at most. `parentage` gives an OSD's CRUSH ancestors but its host and the root.
   */
  checks(now: number, isDown: (o: number) => boolean, parentage: (o: number) => string): Record<string, HealthCheck> {
    interface Item {
      us: number;
      from: number;
      to: number;
      improving: boolean;
    }
    const back: Item[] = [];
    const front: Item[] = [];
    for (const [from, peers] of [...this.reported].sort((a, b) => a[0] - b[0])) {
      for (const j of peers) {
        if (Math.floor(now / 1000) - j.lastUpdate > GRACE_S * 60) continue;
        const b = Math.max(...j.back);
        if (b > SLOW_PING_THRESHOLD_US) {
          back.push({ us: b, from, to: j.peer, improving: j.back[0] < j.back[1] && j.back[1] < j.back[2] });
        }
        const f = Math.max(...j.front);
        // Ceph compares the front 5 minute figure with the back 15 minute one here.
        if (f > SLOW_PING_THRESHOLD_US) {
          front.push({ us: f, from, to: j.peer, improving: j.front[0] < j.front[1] && j.front[1] < j.back[2] });
        }
      }
    }
    const out: Record<string, HealthCheck> = {};
    const name = (o: number) => `osd.${o} [${parentage(o)}]${isDown(o) ? ' (down)' : ''}`;
    for (const [code, iface, items] of [
      ['OSD_SLOW_PING_TIME_BACK', 'back', back],
      ['OSD_SLOW_PING_TIME_FRONT', 'front', front],
    ] as const) {
      if (items.length === 0) continue;
      items.sort((a, b) => b.us - a.us || b.from - a.from || b.to - a.to);
      const detail = items
        .slice(0, MAX_PING_DETAIL)
        .map(
          (i) =>
            `Slow OSD heartbeats on ${iface} from ${name(i.from)} to ${name(i.to)} ${msec(i.us)} msec` +
            (i.improving ? ' possibly improving' : ''),
        );
      if (items.length > MAX_PING_DETAIL) {
        detail.push('Truncated long network list.  Use ceph daemon mgr.# dump_osd_network for more information');
      }
      out[code] = {
        severity: 'HEALTH_WARN',
        summary: { message: `Slow OSD heartbeats on ${iface} (longest ${msec(items[0]!.us)}ms)`, count: items.length },
        detail: detail.map((message) => ({ message })),
        muted: false,
      };
    }
    return out;
  }
}
