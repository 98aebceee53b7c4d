import { familyHeader, labelSet, sampleLine } from './exposition.ts';
import { COLLECT_METHODS, type CollectMethod, STATIC_FAMILIES, staticFamily } from './families.ts';
import type { HealthHistory } from './health-history.ts';
import { osdMetadataSection } from './osd-metadata.ts';
import { PerfCounterFamilies } from './perf-counters.ts';
import type { RbdStats } from './rbd-stats.ts';
import { type ClusterReader, type Section, type SectionTexts, Sink } from './reader.ts';
import { fixedSections, healthOf } from './sections.ts';

/** Where the collector reports trouble: a pino-like logger. */
export interface CollectorLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const EMPTY_BUFFER = Buffer.alloc(0);
const HEADERS = new Map([...STATIC_FAMILIES].map(([k, spec]) => [k, Buffer.from(familyHeader(spec))]));
const DURATION_SUM = staticFamily('prometheus_collect_duration_seconds_sum');
const DURATION_COUNT = staticFamily('prometheus_collect_duration_seconds_count');

/**
 * A section's families' lines, encoded (and as text when they were given as text): the body is the concatenation
 * of such pieces.
 */
type SectionBuffers = Map<string, { readonly text: string | null; readonly bytes: readonly Buffer[] }>;

interface Built {
  inputs: readonly unknown[];
  texts: SectionBuffers;
}

function sameInputs(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the last call of `metrics()` did, for the benchmark and the logs. */
export interface CollectStats {
  /** False when the cached body was served as it was. */
  readonly rebuilt: boolean;
  /** The sections built anew (Ceph's method names; perf counters as `get_perf_counters`). */
  readonly sections: readonly string[];
  readonly ms: number;
  readonly bytes: number;
}

/**
 * Builds the `/metrics` body from the cluster state and keeps it as one Buffer until the state it was built from
 * changes: a scrape between two snapshots is a buffer write, the first one after a snapshot rebuilds only the
 * sections whose inputs (the accessors' memoised views) are other objects than last time. Nothing is ever served
 * from an older snapshot than the current one (no time-to-live cache, unlike Ceph's).
 */
export class Collector {
  private readonly sections: Section[];
  private readonly built = new Map<Section, Built>();
  private readonly perf: PerfCounterFamilies;
  private perfBuilt: { input: unknown; pieces: readonly Buffer[] } | null = null;
  private readonly durations = new Map<CollectMethod, { sum: number; count: number }>(
    COLLECT_METHODS.map((m) => [m, { sum: 0, count: 0 }]),
  );
  private body: Buffer | null = null;
  private fingerprint: unknown[] = [];
  private checkedHealth: unknown = undefined;
  private readonly failures = new Map<string, string>();
  last: CollectStats = { rebuilt: false, sections: [], ms: 0, bytes: 0 };

  constructor(
    private readonly reader: ClusterReader,
    private readonly history: HealthHistory,
    private readonly log: CollectorLog,
    /** The per-image RBD statistics, collected (from the OSD perf query) on every call, after the perf counters. */
    private readonly rbd?: RbdStats,
  ) {
    const warnedStates = new Set<string>();
    this.sections = [
      ...fixedSections(history, (state) => {
        if (warnedStates.has(state)) return;
        warnedStates.add(state);
        log.warn({ state }, 'skipping pg in unknown state');
      }),
      osdMetadataSection(),
    ];
    const reserved = new Set([...STATIC_FAMILIES.values()].map((f) => f.name));
    this.perf = new PerfCounterFamilies(reserved, (message) => log.warn({ message }, 'perf counter not exported'));
  }

  /**
   * Records the current health checks in the history (so a check raised and cleared between two scrapes still
   * shows in `ceph_health_detail`): called on every health notification and before each collection.
   */
  observeHealth(): void {
    const text = this.reader.get('health');
    if (text === this.checkedHealth) return;
    this.checkedHealth = text;
    const health = healthOf(this.reader);
    if (health !== null) this.history.check(health.checks ?? {});
  }

  /** The body for the current snapshot. */
  metrics(): Buffer {
    const t0 = performance.now();
    try {
      this.observeHealth();
    } catch (e) {
      this.log.error({ err: e }, 'cannot record the health checks');
    }
    const inputs = this.sections.map((s) => this.inputsOf(s));
    const perfInput = this.inputsOf(null)[0];
    const rbd = this.rbdText();
    const flat = [...inputs.flat(), perfInput, rbd];
    if (this.body !== null && sameInputs(this.fingerprint, flat)) {
      this.last = { rebuilt: false, sections: [], ms: performance.now() - t0, bytes: this.body.length };
      return this.body;
    }
    const rebuilt: string[] = [];
    const texts = new Map<string, Buffer[]>();
    this.sections.forEach((section, i) => {
      let b = this.built.get(section);
      if (b === undefined || !sameInputs(b.inputs, inputs[i]!)) {
        b = {
          inputs: inputs[i]!,
          texts: this.run(section, section.method, () => this.buildSection(section, inputs[i]!, b?.texts)),
        };
        this.built.set(section, b);
        rebuilt.push(section.method);
      }
      for (const [k, v] of b.texts) {
        const l = texts.get(k);
        if (l === undefined) texts.set(k, [...v.bytes]);
        else for (const piece of v.bytes) l.push(piece);
      }
    });
    if (this.perfBuilt === null || this.perfBuilt.input !== perfInput) {
      const pieces = this.run(null, 'get_perf_counters', () => this.perf.build(this.reader));
      this.perfBuilt = { input: perfInput, pieces };
      rebuilt.push('get_perf_counters');
    }
    texts.set('prometheus_collect_duration_seconds_sum', [Buffer.from(this.durationLines('sum'))]);
    texts.set('prometheus_collect_duration_seconds_count', [Buffer.from(this.durationLines('count'))]);
    const pieces: Buffer[] = [];
    for (const [key, header] of HEADERS) {
      pieces.push(header);
      for (const piece of texts.get(key) ?? []) pieces.push(piece);
    }
    for (const piece of this.perfBuilt.pieces) pieces.push(piece);
    pieces.push(rbd);
    // Pieces kept encoded from one snapshot to the next: the body is one copy of them, no text is re-encoded.
    this.body = Buffer.concat(pieces);
    this.fingerprint = flat;
    this.last = { rebuilt: true, sections: rebuilt, ms: performance.now() - t0, bytes: this.body.length };
    return this.body;
  }

  /** The RBD statistics' families (the same Buffer while they do not change); empty when they fail, logged once. */
  private rbdText(): Buffer {
    if (this.rbd === undefined) return EMPTY_BUFFER;
    try {
      const b = this.rbd.collect();
      this.failures.delete('get_rbd_stats');
      return b;
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (this.failures.get('get_rbd_stats') !== message) {
        this.failures.set('get_rbd_stats', message);
        this.log.error({ err: e, method: 'get_rbd_stats' }, 'metric collection step failed; its families are empty');
      }
      return EMPTY_BUFFER;
    }
  }

  /**
   * A section's inputs; if reading them throws, a fresh object stands in, so the section is built (and fails, and
   * is logged) again rather than served from before.
   */
  private inputsOf(section: Section | null): readonly unknown[] {
    try {
      return section === null ? [this.reader.get_all_perf_counters()] : section.inputs(this.reader);
    } catch (e) {
      return [{ failed: e }];
    }
  }

  private buildSection(
    section: Section,
    inputs: readonly unknown[],
    before: SectionBuffers | undefined,
  ): SectionBuffers {
    const sink = new Sink();
    for (const f of section.families) sink.touch(f);
    section.build(this.reader, sink, inputs);
    return encoded(sink.texts(), before);
  }

  /** Runs one step, timing it; a step that throws leaves its families empty and is logged once per message. */
  private run<T>(section: Section | null, method: CollectMethod, fn: () => T): T {
    const t0 = performance.now();
    try {
      const v = fn();
      this.failures.delete(method);
      return v;
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      if (this.failures.get(method) !== message) {
        this.failures.set(method, message);
        this.log.error({ err: e, method }, 'metric collection step failed; its families are empty');
      }
      return (section === null ? [] : new Map(section.families.map((f) => [f, { text: '', bytes: [] }]))) as T;
    } finally {
      const d = this.durations.get(method)!;
      d.sum += (performance.now() - t0) / 1000;
      d.count++;
    }
  }

  private durationLines(which: 'sum' | 'count'): string {
    const spec = which === 'sum' ? DURATION_SUM : DURATION_COUNT;
    let s = '';
    for (const [method, d] of this.durations) s += sampleLine(spec.name, labelSet(spec.labels, [method]), d[which]);
    return s;
  }
}

/** The texts encoded; a family whose text is the same as in `before` keeps its bytes. */
function encoded(texts: SectionTexts, before: SectionBuffers | undefined): SectionBuffers {
  const out: SectionBuffers = new Map();
  for (const [k, text] of texts) {
    if (typeof text !== 'string') {
      out.set(k, { text: null, bytes: text });
      continue;
    }
    const held = before?.get(k);
    out.set(
      k,
      held !== undefined && held.text === text ? held : { text, bytes: text === '' ? [] : [Buffer.from(text)] },
    );
  }
  return out;
}
