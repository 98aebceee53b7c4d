import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import type { CounterValue, PerfSchema } from '../../schemas/daemon/perf.ts';

/** An RGW's perf counters: its `rgw` set and its objecter's. */
export const RGW_PERF_SCHEMA: PerfSchema = CEPH_PERF_SCHEMA.rgw!;

const KiB = 1024;
const NS_PER_MS = 1e6;
/** An S3 workload's mix: shares of the requests, mean object sizes and time to first byte. */
const GET_SHARE = 0.6;
const PUT_SHARE = 0.25;
const FAILED_SHARE = 0.005;
const GET_BYTES = 256 * KiB;
/** The mean size of an object a PUT writes. */
export const PUT_BYTES = 1024 * KiB;
const GET_MS = 12;
const PUT_MS = 35;
/** Metadata cache lookups a request makes, and the share that hits. */
const CACHE_LOOKUPS = 3.2;
const CACHE_HIT = 0.93;

/** What one RGW has served since it started (perf counters start at zero with the process). */
export class RgwCounters {
  private req = 0;
  private get = 0;
  private put = 0;
  private getBytes = 0;
  private putBytes = 0;
  private failed = 0;
  private lookups = 0;
  private deletes = 0;
  private rate = 0;

  /** Serves `n` S3 requests over `seconds`; returns how many were PUTs (objects written, each {@link PUT_BYTES}). */
  serve(n: number, seconds: number): number {
    this.rate = n / Math.max(1, seconds);
    const get = Math.round(n * GET_SHARE);
    const put = Math.round(n * PUT_SHARE);
    this.req += n;
    this.get += get;
    this.put += put;
    this.getBytes += get * GET_BYTES;
    this.putBytes += put * PUT_BYTES;
    this.failed += Math.round(n * FAILED_SHARE);
    this.lookups += Math.round(n * CACHE_LOOKUPS);
    this.deletes += Math.round(n * 0.02);
    return put;
  }

  /** The counters as the daemon reports them: every path of {@link RGW_PERF_SCHEMA}. */
  report(): Record<string, CounterValue> {
    const out: Record<string, CounterValue> = {};
    for (const path of Object.keys(RGW_PERF_SCHEMA)) out[path] = 0;
    const hits = Math.round(this.lookups * CACHE_HIT);
    return Object.assign(out, {
      'rgw.req': this.req,
      'rgw.failed_req': this.failed,
      'rgw.get': this.get,
      'rgw.get_b': this.getBytes,
      'rgw.get_initial_lat': { avgcount: this.get, sum: Math.round(this.get * GET_MS * NS_PER_MS) },
      'rgw.put': this.put,
      'rgw.put_b': this.putBytes,
      'rgw.put_initial_lat': { avgcount: this.put, sum: Math.round(this.put * PUT_MS * NS_PER_MS) },
      // Little's law: requests in progress are the rate times the time each takes.
      'rgw.qlen': 0,
      'rgw.qactive': Math.round(this.rate * 0.02),
      'rgw.cache_hit': hits,
      'rgw.cache_miss': this.lookups - hits,
      'rgw.gc_retire_object': this.deletes,
      // Each GET reads its head and a stripe or two; a PUT writes head, data and the bucket index.
      'objecter.op_r': Math.round(this.get * 1.3 + this.req * 0.4),
      'objecter.op_w': Math.round(this.put * 2.5 + this.deletes),
    });
  }
}
