import type { HealthCheck } from '../../schemas/maps/health.ts';
import type { ClogPriority } from './cluster-log.ts';
import { cppDouble } from './cpp-double.ts';
import { hash32 } from './rng.ts';

/** What the leader's time checks read and write. */
export interface TimecheckHost {
  /** The ranks in quorum, in order: the first leads. */
  quorum(): readonly number[];
  /** A monitor option, as a number (`mon_clock_drift_allowed`, `mon_timecheck_interval`, ...). */
  option(name: string): number;
  schedule(at: number, run: (now: number) => void): void;
  clog(now: number, priority: ClogPriority, message: string): void;
  /** The skews changed: the leader's health is due. */
  changed(): void;
}

/** `ceph time-sync-status -f json`. */
export interface TimeSyncStatus {
  time_skew_status?: Record<string, { skew: number; latency: number; health: string; details?: string }>;
  timechecks: { epoch: number; round: number; round_status: 'finished' | 'on-going' };
}

interface Clock {
  /** Seconds ahead of true time at `since`. */
  offset: number;
  since: number;
  /** How fast it drifts, in parts per million (0 while NTP keeps it). */
  ppm: number;
}

/** A mon clock's offset after `ms` of drifting at `ppm`. */
const drifted = (c: Clock, now: number) => c.offset + (c.ppm * 1e-6 * (now - c.since)) / 1000;

/**
 * The leader's time checks (`Monitor::timecheck_*`): every `mon_timecheck_interval` (300 s) it pings the other
 * monitors in quorum, and from each pong takes the round trip (`latency`, a moving average) and the bounded skew
 * (their clock minus its own, less the latency; 0 when within it). A skew past `mon_clock_drift_allowed` is logged
 * and makes `MON_CLOCK_SKEW`; while one is seen the rounds come every `mon_timecheck_skew_interval` times the rounds
 * since the last clean one (30 s, 60 s, ... up to the interval), and one clean round clears the check. An election
 * starts over: the skews are forgotten and a round runs at once.
 */
export class MonTimecheck {
  private readonly clocks: Clock[];
  private readonly baseLatency: number[];
  private skews = new Map<number, number>();
  private latencies = new Map<number, number>();
  private round = 0;
  private roundsSinceClean = 0;
  /** Bumped to cancel the pending round (`timecheck_reset_event`). */
  private generation = 0;

  constructor(
    private readonly names: readonly string[],
    private readonly seed: number,
    private readonly host: TimecheckHost,
    quorumSince: number,
    now: number,
  ) {
    this.clocks = names.map(() => ({ offset: 0, since: now, ppm: 0 }));
    this.baseLatency = names.map((_, r) => 0.0007 + (hash32(seed, 0x71c, r) % 900) / 1e6);
    // The quorum formed at `quorumSince` and has run a round every interval since: the next is the first due.
    const interval = host.option('mon_timecheck_interval') * 1000;
    const done = Math.max(0, Math.floor((now - quorumSince) / interval));
    this.round = 2 * done;
    if (names.length > 1) this.arm(quorumSince + (done + 1) * interval);
  }

  /**
   * Monitor `rank`'s clock starts drifting at `ppm` parts per million from now (its time sync stopped), or with
   * `null` is stepped back to true time (it resumed). False for a rank the cluster does not have.
   */
  drift(rank: number, ppm: number | null, now: number): boolean {
    const c = this.clocks[rank];
    if (c === undefined) return false;
    this.clocks[rank] = ppm === null ? { offset: 0, since: now, ppm: 0 } : { offset: drifted(c, now), since: now, ppm };
    return true;
  }

  /** A new quorum formed (`timecheck_start` on the winner): the skews are forgotten and a round runs now. */
  election(now: number): void {
    const had = Object.keys(this.healthChecks()).length > 0;
    this.skews = new Map();
    this.latencies = new Map();
    this.round = 0;
    this.roundsSinceClean = 0;
    if (had) this.host.changed();
    if (this.names.length > 1) this.startRound(now);
  }

  /** `MON_CLOCK_SKEW` as the leader's `check_for_clock_skew` words it, when a skew is past the allowed drift. */
  healthChecks(): Record<string, HealthCheck> {
    const allowed = this.host.option('mon_clock_drift_allowed');
    const warned: number[] = [];
    const details: string[] = [];
    for (const [rank, skew] of [...this.skews].sort((a, b) => a[0] - b[0])) {
      const status = this.status(skew, allowed);
      if (status === undefined) continue;
      warned.push(rank);
      details.push(`mon.${this.names[rank]} ${status} (latency ${cppDouble(this.latencies.get(rank) ?? 0)}s)`);
    }
    if (warned.length === 0) return {};
    return {
      MON_CLOCK_SKEW: {
        severity: 'HEALTH_WARN',
        summary: {
          message: `clock skew detected on ${warned.map((r) => `mon.${this.names[r]}`).join(', ')}`,
          count: details.length,
        },
        detail: details.map((message) => ({ message })),
        muted: false,
      },
    };
  }

  /** `ceph time-sync-status`: the skews and latencies of the last round, and the round counter. */
  syncStatus(electionEpoch: number): TimeSyncStatus {
    const allowed = this.host.option('mon_clock_drift_allowed');
    const fixed = (x: number) => Number(x.toFixed(6));
    const out: TimeSyncStatus = {
      timechecks: {
        epoch: electionEpoch,
        round: this.round,
        round_status: this.round % 2 === 1 ? 'on-going' : 'finished',
      },
    };
    if (this.skews.size > 0) {
      out.time_skew_status = Object.fromEntries(
        [...this.skews]
          .sort((a, b) => a[0] - b[0])
          .map(([rank, skew]) => {
            const details = this.status(skew, allowed);
            const entry = {
              skew: fixed(skew),
              latency: fixed(this.latencies.get(rank) ?? 0),
              health: details === undefined ? 'HEALTH_OK' : 'HEALTH_WARN',
              ...(details === undefined ? {} : { details }),
            };
            return [this.names[rank]!, entry];
          }),
      );
    }
    return out.time_skew_status === undefined ? out : { time_skew_status: out.time_skew_status, ...out };
  }

  /** `timecheck_status`: "clock skew 0.298s > max 0.05s" past the allowed drift, else undefined. */
  private status(skew: number, allowed: number): string | undefined {
    const abs = Math.abs(skew);
    return abs > allowed ? `clock skew ${cppDouble(abs)}s > max ${cppDouble(allowed)}s` : undefined;
  }

  private arm(at: number): void {
    const gen = ++this.generation;
    this.host.schedule(at, (now) => {
      if (gen === this.generation) this.startRound(now);
    });
  }

  private startRound(now: number): void {
    const quorum = this.host.quorum();
    const leader = quorum[0];
    if (leader === undefined || quorum.length < 2) {
      this.armAfter(now);
      return;
    }
    const allowed = this.host.option('mon_clock_drift_allowed');
    this.round++;
    const before = JSON.stringify(this.healthChecks());
    const leaderClock = drifted(this.clocks[leader]!, now);
    this.skews.set(leader, 0);
    this.latencies.set(leader, 0);
    for (const peer of quorum.slice(1)) {
      const jitter = 0.85 + (hash32(this.seed, peer, this.round, Math.floor(now / 1000)) % 300) / 1000;
      const latency = this.baseLatency[peer]! * jitter;
      const avg = this.latencies.get(peer);
      this.latencies.set(peer, avg === undefined ? latency : avg * 0.8 + latency * 0.2);
      // Their clock at the pong (half the round trip in) against the leader's as it arrives.
      const delta = drifted(this.clocks[peer]!, now) - leaderClock - latency / 2;
      let bound = Math.abs(delta) - latency;
      if (bound < 0) bound = 0;
      else if (delta < 0) bound = -bound;
      const status = this.status(bound, allowed);
      if (status !== undefined) this.host.clog(now, '[WRN]', `${peer} ${status}`);
      this.skews.set(peer, bound);
    }
    this.round++;
    const found = [...this.skews.values()].some((s) => this.status(s, allowed) !== undefined);
    if (found) {
      this.roundsSinceClean++;
      this.armAfter(now);
    } else if (this.roundsSinceClean > 0) {
      // One more round soon, to make sure the skew is gone and not a passing success.
      this.roundsSinceClean = 1;
      this.armAfter(now);
      this.roundsSinceClean = 0;
    } else this.armAfter(now);
    if (JSON.stringify(this.healthChecks()) !== before) this.host.changed();
  }

  private armAfter(now: number): void {
    const interval = this.host.option('mon_timecheck_interval');
    let delay = this.host.option('mon_timecheck_skew_interval') * this.roundsSinceClean;
    if (delay <= 0 || delay > interval) delay = interval;
    this.arm(now + Math.round(delay * 1000));
  }
}
