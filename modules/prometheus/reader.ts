import type { MgrModule } from 'mgrkit';
import { type FamilySpec, labelSet, sampleLine } from './exposition.ts';
import type { CollectMethod } from './families.ts';
import { staticFamily } from './families.ts';

/** What the exporter reads of the cluster: the module API's accessors (a module passes itself). */
export type ClusterReader = Pick<
  MgrModule,
  | 'get'
  | 'get_metadata'
  | 'get_all_perf_counters'
  | 'get_perf_schema'
  | 'get_latest_counter'
  | 'get_daemon_health_metrics'
  | 'release_name'
>;

/** The samples one section wrote, by family key: the family's sample lines, as text or as encoded pieces. */
export type SectionTexts = Map<string, string | readonly Buffer[]>;

/**
 * Collects sample lines by fixed family key while a section builds. Lines are kept in arrays and joined once at the
 * end: text grown by `+=` is a rope, and flattening a rope of thousands of pieces costs more than building it.
 */
export class Sink {
  private readonly lines = new Map<string, string[]>();
  private readonly encoded = new Map<string, readonly Buffer[]>();
  private readonly specs = new Map<string, FamilySpec>();

  private listOf(key: string): string[] {
    let l = this.lines.get(key);
    if (l === undefined) {
      if (!this.specs.has(key)) this.specs.set(key, staticFamily(key));
      l = [];
      this.lines.set(key, l);
    }
    return l;
  }

  /** Declares a family as written by this section even if it gets no sample. */
  touch(key: string): void {
    this.listOf(key);
  }

  add(key: string, labelValues: readonly (string | number)[], value: number | boolean | null | undefined): void {
    const l = this.listOf(key);
    const spec = this.specs.get(key)!;
    l.push(sampleLine(spec.name, labelSet(spec.labels, labelValues), value));
  }

  /** Lines already formatted for the family `key`. */
  append(key: string, lines: string): void {
    this.listOf(key).push(lines);
  }

  /** The lines of the family `key`, already encoded, as pieces to concatenate: they are all its lines. */
  pieces(key: string, pieces: readonly Buffer[]): void {
    this.listOf(key);
    this.encoded.set(key, pieces);
  }

  /** Each family's lines as one flat string, or the pieces given for it. */
  texts(): SectionTexts {
    return new Map([...this.lines].map(([k, l]) => [k, this.encoded.get(k) ?? l.join('')]));
  }
}

/**
 * One step of the collection: the families it writes are rebuilt only when one of its inputs is another object
 * than last time. The inputs are what the accessors return, which mgrkit memoises per part of the snapshot, so
 * "the same object" means "that part of the cluster state did not change".
 */
export interface Section {
  /** Ceph's name for the step (the `method` label of the collect-duration counters). */
  readonly method: CollectMethod;
  /** The fixed families it writes (declared even when empty). */
  readonly families: readonly string[];
  inputs(r: ClusterReader): readonly unknown[];
  build(r: ClusterReader, out: Sink, inputs: readonly unknown[]): void;
}
