import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { inspect, types } from 'node:util';
import { promiseHooks } from 'node:v8';
import vm from 'node:vm';
import type { Logger } from 'pino';
import { formatObject } from '../commands/object-format.ts';
import { type CommandTuple, errorResult } from '../commands/result.ts';
import { MgrError } from '../errors.ts';

export interface ModuleEvaluatorOptions {
  /** How long code may run before it returns, and then how long its promise may take to settle (ms). */
  readonly timeoutMs?: number;
  /** Where errors of callbacks the code left behind (timers, stray rejections) are reported. */
  readonly log?: Logger;
}

/** What Node's REPL shows: `inspect` with proxies shown as such. */
const INSPECT = { showProxy: true } as const;
const SCRIPT = { filename: '<eval>' } as const;

// Promises the evaluated code creates (its own, and those of the module methods it calls) are marked, so that one it
// leaves rejected and unhandled is reported instead of ending the host, as Node ends a process by default.
const inEval = new AsyncLocalStorage<true>();
const fromEval = new WeakMap<Promise<unknown>, Logger | undefined>();
let evaluating = 0;
let stopHook: (() => void) | undefined;
let listening = false;

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  if (fromEval.has(promise)) {
    fromEval.get(promise)?.warn({ err: reason }, 'evaluated code left a promise rejected and unhandled');
    return;
  }
  // Not ours: as if this listener were not there.
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

async function tracked<T>(log: Logger | undefined, fn: () => Promise<T>): Promise<T> {
  if (!listening) {
    process.on('unhandledRejection', onUnhandledRejection);
    listening = true;
  }
  if (evaluating++ === 0) {
    const stop = promiseHooks.onInit((p) => {
      if (inEval.getStore() === true) {
        fromEval.set(p, log);
      }
    });
    stopHook = () => stop();
  }
  try {
    return await inEval.run(true, fn);
  } finally {
    if (--evaluating === 0) stopHook?.();
  }
}

/** `Uncaught Error: message`, as Node's REPL reports what the code threw. */
function uncaught(e: unknown): string {
  if (types.isNativeError(e) || (typeof e === 'object' && e !== null && 'message' in e && 'name' in e)) {
    const err = e as { name: unknown; message: unknown; code?: unknown };
    const code = typeof err.code === 'string' ? ` [${err.code}]` : '';
    return `Uncaught ${String(err.name)}${code}: ${String(err.message)}`;
  }
  return `Uncaught ${inspect(e, INSPECT)}`;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

function settled<T>(p: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the promise did not settle within ${ms / 1000} s`)), ms);
  });
  return Promise.race([Promise.resolve(p), late]).finally(() => clearTimeout(timer));
}

/**
 * Compiles input as Node's REPL reads it: `{a: 1}` is an object rather than a block, and `await` works at the top
 * (an expression keeps its value; statements run in an async function, so their declarations stay local).
 */
export function compileInput(source: string): vm.Script {
  const code = source.trim() === '' ? 'undefined' : source;
  if (/^\s*\{/.test(code) && /\}[\s;]*$/.test(code)) {
    try {
      return new vm.Script(`(${code.replace(/[\s;]*$/, '')})`, SCRIPT);
    } catch {
      // a block after all
    }
  }
  try {
    return new vm.Script(code, SCRIPT);
  } catch (e) {
    if (!/\bawait\b/.test(code)) throw e;
    for (const wrapped of [`(async () => (\n${code.replace(/[\s;]*$/, '')}\n))()`, `(async () => {\n${code}\n})()`]) {
      try {
        return new vm.Script(wrapped, SCRIPT);
      } catch {
        // try the next form
      }
    }
    throw e;
  }
}

/**
 * A JavaScript interpreter bound to one module, as Ceph's selftest keeps a Python one: `mgr` is the module, and
 * what one input defines the next one sees. Inputs run one at a time; whatever the code does wrong comes back as an
 * `-EINVAL` result, never as an exception in the host.
 */
export class ModuleEvaluator {
  private readonly context: vm.Context;
  private readonly timeoutMs: number;
  private readonly log: Logger | undefined;
  private output: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(mgr: object, options: ModuleEvaluatorOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.log = options.log;
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        this.output.push(String(chunk));
        done();
      },
    });
    const log = this.log;
    // Callbacks the code leaves behind neither keep the host alive nor end it when they throw.
    const guard =
      (fn: unknown) =>
      (...args: unknown[]) => {
        try {
          return inEval.run(true, () => (fn as (...a: unknown[]) => unknown)(...args));
        } catch (e) {
          log?.warn({ err: e }, 'a callback of evaluated code raised');
          return undefined;
        }
      };
    const timer =
      <T extends { unref?: () => unknown }>(start: (cb: () => void, ms?: number) => T) =>
      (fn: unknown, ms?: number, ...args: unknown[]): T => {
        const t = start(() => guard(fn)(...args), ms);
        t.unref?.();
        return t;
      };
    this.context = vm.createContext({
      mgr,
      console: new Console({ stdout: stream, stderr: stream }),
      require: createRequire(import.meta.url),
      setTimeout: timer(setTimeout),
      setInterval: timer(setInterval),
      setImmediate: timer((cb) => setImmediate(cb)),
      clearTimeout,
      clearInterval,
      clearImmediate,
      queueMicrotask: (fn: unknown) => queueMicrotask(guard(fn)),
      Buffer,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      structuredClone,
      performance,
    });
  }

  /**
   * Runs `source` and answers what Node's REPL would print: the console output, then the value (awaited when it is
   * a promise) as `util.inspect` shows it, or in `format` (`json`, `json-pretty`, `yaml`). What the code throws is
   * `-EINVAL` with `Uncaught <name>: <message>`.
   */
  evaluate(source: string, format?: string): Promise<CommandTuple> {
    const run = this.queue.then(() => tracked(this.log, () => this.run(source, format)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(source: string, format: string | undefined): Promise<CommandTuple> {
    const out: string[] = [];
    this.output = out;
    try {
      const script = compileInput(source);
      let value: unknown = script.runInContext(this.context, { timeout: this.timeoutMs, displayErrors: false });
      if (isThenable(value)) value = await settled(value, this.timeoutMs);
      const text = format === undefined || format === 'plain' ? inspect(value, INSPECT) : formatObject(value, format);
      return [0, `${out.join('')}${text}\n`, ''];
    } catch (e) {
      return errorResult(new MgrError('MGR_ERR_COMMAND_FAILED', uncaught(e)), out.join(''));
    }
  }
}
