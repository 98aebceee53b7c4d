import { Worker } from 'node:worker_threads';
import { MgrError } from '../errors.ts';
import type { ParsedLine } from './parse-line.ts';
import type { ParseRequest } from './parse-worker.ts';
import { decodeParsedBatch, type ParsedBatch } from './parsed-batch.ts';

type Reply =
  | { readonly id: number; readonly batch: ParsedBatch }
  | { readonly id: number; readonly error: string }
  | { readonly ready: true };

interface Pending {
  resolve(lines: ParsedLine[]): void;
  reject(error: unknown): void;
}

/**
 * The worker's code, beside this file: compiled (dist), or the TypeScript source, which the worker loads through
 * tsx, registered first (a worker inherits neither the loader hooks its parent registered nor, on Node 20, hooks an
 * `--import` would register before its entry is loaded).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url));
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); });`, { eval: true });
}

/**
 * Threads that parse and validate batches of lines (`parseTraceLine` on each), so that the main thread, which
 * folds, only decodes the outcome. Replies come back in any order between workers; each `parse` resolves with its
 * own batch's. An idle worker does not keep the process alive; `close` ends them.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: MgrError | null = null;
  private loaded = 0;
  private onReady: (() => void) | undefined;
  private onFailure: ((e: MgrError) => void) | undefined;
  /** Resolves once every worker has loaded its code; rejects if one fails first. */
  readonly ready: Promise<void>;

  constructor(size = 1) {
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFailure = reject;
    });
    this.ready.catch(() => undefined);
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = startWorker();
      worker.unref();
      worker.on('message', (reply: Reply) => this.settle(i, reply));
      worker.on('error', (e) => this.fail(new MgrError('MGR_ERR_PARSE_WORKER', `parse worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (this.pending.size > 0) this.fail(new MgrError('MGR_ERR_PARSE_WORKER', `parse worker exited (${code})`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** Batches sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Parses lines of one file, numbered `lines`; resolves with one outcome per line, in order. */
  parse(file: string, texts: string[], lines: number[]): Promise<ParsedLine[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    // A worker keeps the process alive only while it holds a batch: the ingest waiting on it has nothing else.
    if (this.load[w]!++ === 0) this.workers[w]!.ref();
    const request: ParseRequest = { id, file, texts, lines };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage(request);
    });
  }

  /** Ends the workers; batches not yet answered are refused. */
  async close(): Promise<void> {
    this.fail(new MgrError('MGR_ERR_PARSE_WORKER', 'the parse pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(worker: number, reply: Reply): void {
    if ('ready' in reply) {
      if (++this.loaded === this.workers.length) this.onReady?.();
      return;
    }
    if (--this.load[worker]! === 0) this.workers[worker]!.unref();
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if ('error' in reply) p.reject(new MgrError('MGR_ERR_PARSE_WORKER', `parse worker failed: ${reply.error}`));
    else {
      try {
        p.resolve(decodeParsedBatch(reply.batch));
      } catch (e) {
        p.reject(e);
      }
    }
  }

  private fail(error: MgrError): void {
    this.failure ??= error;
    this.onFailure?.(error);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
