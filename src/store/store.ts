import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';
import type { JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import { type ClusterState, STATE_FORMAT } from '../state/cluster-state.ts';
import { deepFreeze } from '../state/deep-freeze.ts';
import { storeWriteError } from './write-failure.ts';
import { WriterLock } from './writer-lock.ts';

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
  /** Open to read beside a writer: no lock is taken and nothing can be written. */
  readonly readOnly?: boolean;
  /** Empty the store once its writer lock is held (never before: a live writer's store is not touched). */
  readonly reset?: boolean;
}

/** A table of strings by key (settings, config-keys) whose writes report failures as the store's own. */
export interface StringTable {
  getRange(): Iterable<{ key: string; value: string }>;
  put(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Whether the store's last write went through, for whoever shows the store's health. */
export type WriteStatus = { readonly ok: true } | { readonly ok: false; readonly error: MgrError };

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
  readonly config: StringTable;
  /** The config-key store, written through by `KvStore`. */
  readonly kv: StringTable;
  /** The objects of modules' `this.rados` (ordered keys: pool id, key space, object name...), kept by `ObjectStore`. */
  readonly rados: Database<unknown, Key>;

  private readonly lock: WriterLock | null;
  private readonly statusListeners = new Set<(s: WriteStatus) => void>();
  private failing = false;

  private constructor(dir: string, root: RootDatabase, lock: WriterLock | null) {
    this.dir = dir;
    this.root = root;
    this.lock = lock;
    this.journal = root.openDB<JournalEntry, number>({ name: 'journal', keyEncoding: 'uint32' });
    this.snapshots = root.openDB<ClusterState, number>({ name: 'snapshots', keyEncoding: 'uint32' });
    this.cursors = root.openDB<SourceCursor, string>({ name: 'cursors' });
    this.config = this.stringTable(root.openDB<string, string>({ name: 'config', encoding: 'string' }));
    this.kv = this.stringTable(root.openDB<string, string>({ name: 'kv', encoding: 'string' }));
    this.rados = root.openDB<unknown, Key>({ name: 'rados' });
  }

  /**
   * Opens the store in `dir`. A writer (the default) first takes the store's writer lock, held until `close()`, and
   * creates the store if needed; a second writer is refused with `MGR_ERR_STORE_BUSY` before anything is read,
   * emptied or written. Readers (`readOnly`) take no lock and work beside a writer.
   */
  static open(dir: string, options: StoreOptions = {}): Store {
    if (options.readOnly)
      return new Store(dir, open({ path: join(dir, 'store.mdb'), maxDbs: 16, readOnly: true }), null);
    const lock = WriterLock.acquire(dir);
    try {
      if (options.reset) {
        rmSync(join(dir, 'store.mdb'), { force: true });
        rmSync(join(dir, 'store.mdb-lock'), { force: true });
      }
      mkdirSync(dir, { recursive: true });
      // Without event-turn batching: lmdb-js leaves such a batch's own promise rejected and unhandled when its commit
      // fails, which would end the process on a full disk.
      return new Store(dir, open({ path: join(dir, 'store.mdb'), maxDbs: 16, eventTurnBatching: false }), lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Told whenever a write fails, and again when writes go through after a failure. */
  onWriteStatus(listener: (s: WriteStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Runs a write, turning a failure into `MGR_ERR_STORE_NO_SPACE`/`MGR_ERR_STORE_WRITE` and reporting it. */
  private async write<T>(op: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await op();
    } catch (e) {
      const error = await storeWriteError(e, this.dir);
      // An append refused for its seq is a caller's mistake, not the disk's: the store itself is fine.
      if (error.code !== 'MGR_ERR_STORE_APPEND') {
        this.failing = true;
        for (const l of this.statusListeners) l({ ok: false, error });
      }
      throw error;
    }
    if (this.failing) {
      this.failing = false;
      for (const l of this.statusListeners) l({ ok: true });
    }
    return result;
  }

  private stringTable(db: Database<string, string>): StringTable {
    return {
      getRange: () => db.getRange(),
      put: (key, value) => this.write(async () => void (await db.put(key, value))),
      remove: (key) => this.write(async () => void (await db.remove(key))),
    };
  }

  /**
   * Writes a commit in one transaction; resolves once LMDB has it durably. The journal only grows: the first event
   * must follow the journal's last (or the newest snapshot, where that is further on), or nothing of the commit is
   * written (`MGR_ERR_STORE_APPEND`).
   */
  commit(c: Commit): Promise<void> {
    return this.write(async () => {
      await this.root.transaction(() => {
        const first = c.events[0];
        if (first !== undefined) {
          // A manager that joined a group from a snapshot keeps no journal before it: the journal goes on after it.
          const last = Math.max(this.lastSeq(), this.lastSnapshotSeq());
          if (first.seq !== last + 1) {
            throw new MgrError(
              'MGR_ERR_STORE_APPEND',
              `journal of ${this.dir} holds seq ${last}: an append must start at ${last + 1}, not ${first.seq}`,
            );
          }
        }
        for (let i = 0; i < c.events.length; i++) {
          const e = c.events[i]!;
          if (i > 0 && e.seq !== c.events[i - 1]!.seq + 1) {
            throw new MgrError('MGR_ERR_STORE_APPEND', `events of one commit out of order at seq ${e.seq}`);
          }
          const text = c.texts?.[i];
          this.journal.put(e.seq, text === undefined ? e : [e.seq, e.t, text]);
        }
        if (c.cursor) this.cursors.put(c.cursor.key, c.cursor.value);
        if (c.snapshot) this.snapshots.put(c.snapshot.seq, c.snapshot);
      });
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
    try {
      const closed = this.root.close();
      // After a failed commit lmdb-js waits for a flush that never comes: the failed batch was not written, what
      // was committed before it already is, so closing does not wait for that flush.
      if (this.failing) await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      else await closed;
    } finally {
      this.lock?.release();
    }
  }
}
