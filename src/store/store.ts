import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';
import type { JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import { type ClusterState, DIGEST_FORMAT, STATE_FORMAT } from '../state/cluster-state.ts';
import type { Lanes } from '../state/lane-hash.ts';
import { assembleState, hashPart, type PartSource, type StateTop, stateParts, stateTop } from '../state/state-parts.ts';
import { quietLmdbCommitErrors } from './lmdb-console.ts';
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
  /** The digest sum of the state each event made (`FoldResult.accepted`), kept so that any seq's digest is a read. */
  readonly sums?: readonly Lanes[];
}

/** What a store keeps of each seq's state for its digest: the stream clock and the digest sum. */
export interface DigestPoint {
  readonly stamp: number;
  readonly sum: Lanes;
}

/** Bytes per seq in the `digest-sums` database: the stream clock (float64) and four 32-bit lanes, little-endian. */
const DIGEST_POINT_BYTES = 24;

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

/**
 * How a snapshot is stored: 2, an index of parts (each part keyed by its leaf hash in the `parts-2` database, LZ4
 * compressed, so an unchanged part is written once and shared by every snapshot holding it), PG parts stored as
 * their JSON text and hashed as it. A snapshot stored otherwise (layout 1, whose PG parts were hashed as canonical JSON; the whole state
 * in one value, before that) is not used: the journal is folded instead.
 */
export const SNAPSHOT_LAYOUT = 2;

/** What the `snapshots` database holds for a seq: the state's top and its parts' names and leaf hashes, by name. */
export interface SnapshotIndex {
  readonly layout: number;
  readonly format: number;
  readonly top: StateTop;
  readonly parts: ReadonlyArray<readonly [name: string, leaf: string]>;
}

/** A part not read yet of a state handed out: read from its bytes, copied out of LMDB when the store closes. */
interface PendingPart {
  readonly leaf: string;
  bytes?: Buffer;
}

/** A journal entry: the event itself, or `[seq, t, text]` for one kept as the JSON text it came in. */
type JournalEntry = JournaledEvent | readonly [seq: number, t: number, text: string];

function packSums(events: readonly JournaledEvent[], sums: readonly Lanes[]): Buffer {
  if (sums.length !== events.length) {
    throw new MgrError(
      'MGR_ERR_STORE_APPEND',
      `a commit of ${events.length} events carries ${sums.length} digest sums`,
    );
  }
  const buf = Buffer.allocUnsafe(events.length * DIGEST_POINT_BYTES);
  for (let i = 0; i < events.length; i++) {
    const at = i * DIGEST_POINT_BYTES;
    const sum = sums[i]!;
    buf.writeDoubleLE(events[i]!.t, at);
    for (let j = 0; j < 4; j++) buf.writeUInt32LE(sum[j]!, at + 8 + 4 * j);
  }
  return buf;
}

function fromEntry(entry: JournalEntry): JournaledEvent {
  if (!Array.isArray(entry)) return entry as JournaledEvent;
  const [seq, t, text] = entry as readonly [number, number, string];
  return { ...(JSON.parse(text) as object), seq, t } as JournaledEvent;
}

/**
 * The LMDB environment of a host: the event journal (seq → event), snapshots (seq → index of parts, each part
 * stored once by its leaf hash), and source cursors.
 * A commit is one LMDB transaction, so after a crash either all of a batch is there or none of it.
 */
export class Store {
  readonly dir: string;
  private readonly root: RootDatabase;
  private readonly journal: Database<JournalEntry, number>;
  /** `undefined` only in a store written before this layout and opened read-only (its whole snapshots are not read). */
  private readonly snapshots: Database<SnapshotIndex, number> | undefined;
  private readonly parts: Database<unknown, string> | undefined;
  private readonly pending = new Set<WeakRef<PendingPart>>();
  private closed = false;
  private readonly cursors: Database<SourceCursor, string>;
  /**
   * Per commit, keyed by its first seq: the {@link DigestPoint} of each of its events, one after the other (the
   * `digest-sums-<DIGEST_FORMAT>` database).
   */
  private readonly sums: Database<Buffer, number>;
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
    // Not `snapshots`, which held whole states before this layout: an old store is refolded from its journal without
    // decoding any of them.
    this.snapshots = root.openDB<SnapshotIndex, number>({ name: 'snapshot-index', keyEncoding: 'uint32' });
    // Decoded frozen: a snapshot's parts are handed out as they are, with no freezing walk over them. Not `parts`,
    // which held layout 1's: compressed (LZ4, in the writer), since a PG part's JSON text is 3 times its msgpack.
    this.parts = root.openDB<unknown, string>({ name: 'parts-2', freezeData: true, compression: true } as {
      name: string;
    });
    this.cursors = root.openDB<SourceCursor, string>({ name: 'cursors' });
    // Named for the digest's definition: sums kept under another are not read (such states are folded instead).
    this.sums = root.openDB<Buffer, number>({
      name: `digest-sums-${DIGEST_FORMAT}`,
      keyEncoding: 'uint32',
      encoding: 'binary',
    });
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
      quietLmdbCommitErrors();
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
      const parts = c.snapshot === undefined ? [] : stateParts(c.snapshot);
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
        if (c.sums !== undefined && first !== undefined) this.sums.put(first.seq, packSums(c.events, c.sums));
        if (c.cursor) this.cursors.put(c.cursor.key, c.cursor.value);
        if (c.snapshot) {
          // Each part is hashed (unless unchanged since a snapshot already hashed, known by identity) and written
          // in turn, so that no more than one part's text is held at a time.
          const leaves: Array<readonly [string, string]> = [];
          for (const part of parts) {
            const { leaf, text } = hashPart(part);
            leaves.push([part.name, leaf]);
            if (!this.parts!.doesExist(leaf)) {
              this.parts!.put(leaf, part.asText ? (text ?? JSON.stringify(part.content())) : part.content());
              this.partsWritten++;
            }
          }
          const index: SnapshotIndex = {
            layout: SNAPSHOT_LAYOUT,
            format: STATE_FORMAT,
            top: stateTop(c.snapshot),
            parts: leaves,
          };
          this.snapshots!.put(c.snapshot.seq, index);
        }
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
    for (const key of this.snapshots?.getKeys({ start: seq, reverse: true, limit: 1 }) ?? []) return key;
    return 0;
  }

  /** The seq of the newest snapshot (0 when none). */
  lastSnapshotSeq(): number {
    for (const key of this.snapshots?.getKeys({ reverse: true, limit: 1 }) ?? []) return key;
    return 0;
  }

  /** The index of the newest snapshot at or before `seq` in this layout and state format, or `undefined`. */
  snapshotIndexAtOrBefore(seq: number): { seq: number; index: SnapshotIndex } | undefined {
    for (const { key, value } of this.snapshots?.getRange({ start: seq, reverse: true }) ?? []) {
      const index = value as Partial<SnapshotIndex>;
      if (index.layout === SNAPSHOT_LAYOUT && index.format === STATE_FORMAT)
        return { seq: key, index: value as SnapshotIndex };
    }
    return undefined;
  }

  /**
   * The newest snapshot at or before `seq` in the current layout and state format, frozen, or `undefined`. Its maps
   * are read at once, each other part on first use (see `assembleState`), even after the store is closed.
   */
  snapshotAtOrBefore(seq: number): ClusterState | undefined {
    const found = this.snapshotIndexAtOrBefore(seq);
    if (found === undefined) return undefined;
    return assembleState(
      found.index.top,
      found.index.parts.map(([name, leaf]) => this.partSource(name, leaf)),
    );
  }

  /** How many parts the store holds (each written once, however many snapshots share it). */
  partCount(): number {
    return this.parts?.getCount() ?? 0;
  }

  /** Parts written by this process's commits. */
  partsWritten = 0;

  private partSource(name: string, leaf: string): PartSource {
    const pending: PendingPart = { leaf };
    const ref = new WeakRef(pending);
    this.pending.add(ref);
    if (this.pending.size > 100_000) for (const r of this.pending) if (r.deref() === undefined) this.pending.delete(r);
    return {
      name,
      leaf,
      load: () => {
        this.pending.delete(ref);
        const stored =
          pending.bytes !== undefined
            ? (this.parts as unknown as { decoder: { decode(b: Buffer): unknown } }).decoder.decode(pending.bytes)
            : this.closed
              ? undefined
              : this.parts?.get(leaf);
        // A part stored as its JSON text (`StatePart.asText`).
        const value = typeof stored === 'string' ? JSON.parse(stored) : stored;
        if (value === undefined) {
          throw new MgrError(
            'MGR_ERR_STORE_CORRUPT',
            this.closed
              ? `part ${name} (${leaf}) of a snapshot was not read before ${this.dir} was closed`
              : `part ${name} (${leaf}) of a snapshot is missing from ${this.dir}`,
          );
        }
        return value;
      },
    };
  }

  /** Journal events with `after < seq <= upTo`, in order. */
  *events(after: number, upTo = Number.MAX_SAFE_INTEGER): Generator<JournaledEvent> {
    // uint32 keys: the exclusive end bound must itself fit.
    const end = Math.min(upTo, 0xfffffffe);
    for (const { value } of this.journal.getRange({ start: after + 1, end: end + 1 })) yield fromEntry(value);
  }

  /**
   * The stream clock and digest sum of the state after event `seq`, as the fold that journaled it kept them, or
   * `undefined` where the store has none (events journaled before stores kept them, a state joined from a snapshot).
   */
  digestPoint(seq: number): DigestPoint | undefined {
    for (const { key, value } of this.sums.getRange({ start: seq, reverse: true, limit: 1 })) {
      const at = (seq - key) * DIGEST_POINT_BYTES;
      if (at + DIGEST_POINT_BYTES > value.length) return undefined;
      return {
        stamp: value.readDoubleLE(at),
        sum: [
          value.readUInt32LE(at + 8),
          value.readUInt32LE(at + 12),
          value.readUInt32LE(at + 16),
          value.readUInt32LE(at + 20),
        ],
      };
    }
    return undefined;
  }

  cursor(key: string): SourceCursor | undefined {
    return this.cursors.get(key);
  }

  /**
   * Closes the store. The parts of snapshots handed out and not read yet are copied out first, to be read after it
   * is gone; with `dropUnread`, for a caller done with every state it read (a command about to print and exit), they
   * are not, and reading one later is `MGR_ERR_STORE_CORRUPT`.
   */
  async close(options: { readonly dropUnread?: boolean } = {}): Promise<void> {
    if (options.dropUnread !== true) {
      for (const ref of this.pending) {
        const p = ref.deref();
        if (p !== undefined) p.bytes = this.parts?.getBinary(p.leaf);
      }
    }
    this.pending.clear();
    this.closed = true;
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
