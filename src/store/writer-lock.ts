import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { MgrError } from '../errors.ts';

/** Who holds a store's writer lock, kept in the store folder for the message a refused writer prints. */
interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

const HOLDER_FILE = 'writer.json';
const NAMELESS_RETRIES = 20;
const NAMELESS_RETRY_MS = 25;
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** The store folder's path with every link resolved, whether or not the folder exists yet. */
function canonicalPath(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(canonicalPath(parent), basename(abs));
  }
}

function readHolder(dir: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.command === 'string' ? (h as Holder) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function busy(dir: string): MgrError {
  const h = readHolder(dir);
  const who = h ? `pid ${h.pid} (${h.command})` : 'another process';
  return new MgrError(
    'MGR_ERR_STORE_BUSY',
    `store ${dir} is being written by ${who}; stop it first, or read the store beside it (get, call, digest)`,
    { file: dir },
  );
}

/**
 * One writer per store. On Linux the lock is an abstract Unix socket named after the store's canonical path: the
 * kernel hands it out atomically and takes it back when the holder dies, however it dies, so a crashed writer's
 * lock is free at once and two processes can never both take over a stale one. Elsewhere it is a file created
 * exclusively, taken over when the pid in it is no longer alive.
 */
export class WriterLock {
  private constructor(
    private readonly dir: string,
    private readonly server: Server | null,
    private readonly file: string | null,
  ) {}

  /** Takes the lock of the store in `dir` for this process, or throws `MGR_ERR_STORE_BUSY` naming the holder. */
  static acquire(dir: string): WriterLock {
    const path = canonicalPath(dir);
    const lock = process.platform === 'linux' ? WriterLock.bindSocket(dir, path) : WriterLock.createFile(dir);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      lock.release();
      throw e;
    }
    const holder: Holder = { pid: process.pid, command: commandLine(), since: new Date().toISOString() };
    try {
      writeFileSync(join(dir, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
    } catch {
      // Only the refusal message of a second writer reads it: a full disk must not stop the writer itself.
    }
    return lock;
  }

  private static bindSocket(dir: string, path: string): WriterLock {
    const name = `\0mgrkit-store-writer:${createHash('sha256').update(path).digest('hex').slice(0, 40)}`;
    // The holder names itself in writer.json just after it binds, and removes it just before it lets go: a refusal
    // that finds no holder named came in one of those gaps, so it looks again (the lock may be free by then).
    for (let attempt = 0; ; attempt++) {
      const server = createServer();
      server.on('error', () => {});
      // Node binds a path synchronously inside listen() and only reports the outcome later: `listening` already
      // tells whether the name was taken, so the lock is taken without awaiting anything.
      server.listen(name);
      if (server.listening) {
        server.unref();
        return new WriterLock(dir, server, null);
      }
      server.close();
      if (readHolder(dir) !== undefined || attempt >= NAMELESS_RETRIES) throw busy(dir);
      Atomics.wait(SLEEPER, 0, 0, NAMELESS_RETRY_MS);
    }
  }

  private static createFile(dir: string): WriterLock {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'writer.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        closeSync(openSync(file, 'wx'));
        writeFileSync(file, String(process.pid));
        return new WriterLock(dir, null, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number(readFileSync(file, 'utf8'));
        if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) break;
        rmSync(file, { force: true });
      }
    }
    throw busy(dir);
  }

  /** Gives the lock back (also done by the kernel when the process ends). */
  release(): void {
    if (readHolder(this.dir)?.pid === process.pid) rmSync(join(this.dir, HOLDER_FILE), { force: true });
    this.server?.close();
    if (this.file) rmSync(this.file, { force: true });
  }
}

function commandLine(): string {
  const args = process.argv.slice(1).map((a) => (a.endsWith('mgrkit.js') ? 'mgrkit' : a));
  const text = args.join(' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
