import type { MgrModule } from 'mgrkit';
import { type FamilySpec, labelSet, sampleLine } from './exposition.ts';
import type { CollectMethod } from './families.ts';
import { staticFamily } from './families.ts';

/** What the exporter reads of the cluster: the module API's accessors (a module passes itself). */
export type ClusterReader = Pick<
  MgrModule,
  'get' | 'get_metadata' | 'get_all_perf_counters' | 'get_daemon_health_metrics' | 'release_name'
>;

/** The samples one section wrote, by family key: each value is the family's sample lines. */
export type SectionTexts = Map<string, string>;

/** Collects sample lines by fixed family key while a section builds. */
export class Sink {
  readonly texts: SectionTexts = new Map();
  private readonly specs = new Map<string, FamilySpec>();

  private spec(key: string): FamilySpec {
    let s = this.specs.get(key);
    if (s === undefined) {
      s = staticFamily(key);
      this.specs.set(key, s);
    }
    return s;
  }

  /** Declares a family as written by this section even if it gets no sample (so it is not left to another). */
  touch(key: string): void {
    this.spec(key);
    if (!this.texts.has(key)) this.texts.set(key, '');
  }

  add(key: string, labelValues: readonly (string | number)[], value: number | boolean | null | undefined): void {
    const spec = this.spec(key);
    const line = sampleLine(spec.name, labelSet(spec.labels, labelValues), value);
    this.texts.set(key, (this.texts.get(key) ?? '') + line);
  }

  /** Lines already formatted for the family `key`. */
  append(key: string, lines: string): void {
    this.spec(key);
    this.texts.set(key, (this.texts.get(key) ?? '') + lines);
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
