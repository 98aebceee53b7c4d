import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';
import type { JournaledEvent } from '../../schemas/event.ts';
import { type ClusterState, STATE_FORMAT } from '../state/cluster-state.ts';
import { deepFreeze } from '../state/deep-freeze.ts';

/** How far a source has been consumed, kept with the events it produced so that a re-run resumes exactly. */
export interface SourceCursor {
  readonly source: string;
  readonly line: number;
  readonly offset: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** One atomic write: events for the journal, the cursor of the source they came from, and maybe a snapshot. */
export interface Commit {
  readonly events: readonly JournaledEvent[];
  /**
   * The JSON text each event was parsed from, where there is one (a trace line): kept as it is, with the event's
   * seq and time beside it, since encoding the parsed event again costs more than its parse did.
   */
  readonly texts?: ReadonlyArray<string | undefined>;
  readonly cursor?: { readonly key: string; readonly value: SourceCursor };
  readonly snapshot?: ClusterState;
}

export interface StoreOptions {
  readonly readOnly?: boolean;
}

/** A journal entry: the event itself, or `[seq, t, text]` for one kept as the JSON text it came in. */
type JournalEntry = JournaledEvent | readonly [seq: number, t: number, text: string];

function fromEntry(entry: JournalEntry): JournaledEvent {
  if (!Array.isArray(entry)) return entry as JournaledEvent;
  const [seq, t, text] = entry as readonly [number, number, string];
  return { ...(JSON.parse(text) as object), seq, t } as JournaledEvent;
}

/**
 * The LMDB environment of a host: the event journal (seq → event), snapshots (seq → state), and source cursors.
 * A commit is one LMDB transaction, so after a crash either all of a batch is there or none of it.
 */
export class Store {
  readonly dir: string;
  private readonly root: RootDatabase;
  private readonly journal: Database<JournalEntry, number>;
  private readonly snapshots: Database<ClusterState, number>;
  private readonly cursors: Database<SourceCursor, string>;
  /** The host's settings, written through by `ConfigStore`. */
  readonly config: Database<string, string>;
  /** The config-key store, written through by `KvStore`. */
  readonly kv: Database<string, string>;
  /** The objects of modules' `this.rados` (ordered keys: pool id, key space, object name...), kept by `ObjectStore`. */
  readonly rados: Database<unknown, Key>;

  private constructor(dir: string, root: RootDatabase) {
    this.dir = dir;
    this.root = root;
    this.journal = root.openDB<JournalEntry, number>({ name: 'journal', keyEncoding: 'uint32' });
    this.snapshots = root.openDB<ClusterState, number>({ name: 'snapshots', keyEncoding: 'uint32' });
    this.cursors = root.openDB<SourceCursor, string>({ name: 'cursors' });
    this.config = root.openDB<string, string>({ name: 'config', encoding: 'string' });
    this.kv = root.openDB<string, string>({ name: 'kv', encoding: 'string' });
    this.rados = root.openDB<unknown, Key>({ name: 'rados' });
  }

  /** Opens (creating unless read-only) the store in `dir`. */
  static open(dir: string, options: StoreOptions = {}): Store {
    if (!options.readOnly) mkdirSync(dir, { recursive: true });
    const root = open({ path: join(dir, 'store.mdb'), maxDbs: 16, readOnly: options.readOnly ?? false });
    return new Store(dir, root);
  }

  /** Writes a commit in one transaction; resolves once LMDB has it durably. */
  async commit(c: Commit): Promise<void> {
    await this.root.transaction(() => {
      for (let i = 0; i < c.events.length; i++) {
        const e = c.events[i]!;
        const text = c.texts?.[i];
        this.journal.put(e.seq, text === undefined ? e : [e.seq, e.t, text]);
      }
      if (c.cursor) this.cursors.put(c.cursor.key, c.cursor.value);
      if (c.snapshot) this.snapshots.put(c.snapshot.seq, c.snapshot);
    });
  }

  /** The seq of the last event in the journal (0 when empty). */
  lastSeq(): number {
    for (const key of this.journal.getKeys({ reverse: true, limit: 1 })) return key;
    return 0;
  }

  /** The seq of the first event in the journal (0 when empty). */
  firstSeq(): number {
    for (const key of this.journal.getKeys({ limit: 1 })) return key;
    return 0;
  }

  /** The seq of the newest snapshot at or before `seq` (0 when none), without reading the snapshot. */
  snapshotSeqAtOrBefore(seq: number): number {
    for (const key of this.snapshots.getKeys({ start: seq, reverse: true, limit: 1 })) return key;
    return 0;
  }

  /** The seq of the newest snapshot (0 when none). */
  lastSnapshotSeq(): number {
    for (const key of this.snapshots.getKeys({ reverse: true, limit: 1 })) return key;
    return 0;
  }

  /** The newest snapshot at or before `seq` in the current state format, deeply frozen, or `undefined`. */
  snapshotAtOrBefore(seq: number): ClusterState | undefined {
    for (const { value } of this.snapshots.getRange({ start: seq, reverse: true })) {
      // Not immer's deep freeze: on a state just decoded (nothing frozen yet) it takes twice as long.
      if (value.format === STATE_FORMAT) return deepFreeze(value);
    }
    return undefined;
  }

  /** Journal events with `after < seq <= upTo`, in order. */
  *events(after: number, upTo = Number.MAX_SAFE_INTEGER): Generator<JournaledEvent> {
    // uint32 keys: the exclusive end bound must itself fit.
    const end = Math.min(upTo, 0xfffffffe);
    for (const { value } of this.journal.getRange({ start: after + 1, end: end + 1 })) yield fromEntry(value);
  }

  cursor(key: string): SourceCursor | undefined {
    return this.cursors.get(key);
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
