import type { Socket } from 'node:net';
import type { CommandTuple } from '../commands/result.ts';
import { type AdminReply, type AdminRequest, errorReply, parseRequest } from './admin-request.ts';
import type { AdminSocketLimits } from './admin-socket-limits.ts';

export type AdminHandler = (req: AdminRequest) => Promise<CommandTuple>;

/**
 * One client: its unread request bytes (kept raw, cut into lines only when the previous request is answered), the
 * request being answered, and back-pressure both ways.
 */
export class AdminConnection {
  private inbox: Buffer[] = [];
  /** Bytes of inbox[0] already taken. */
  private head = 0;
  /** Chunks of the inbox known to hold no newline. */
  private scanned = 0;
  queuedBytes = 0;
  paused = false;
  private busy = false;
  private closed = false;
  /** The client has sent all it will send: answer what is queued, then close. */
  private inputEnded = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly handle: AdminHandler,
    private readonly limits: AdminSocketLimits,
    private readonly totals: { answered: number; dropped: number },
  ) {
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.release());
    socket.on('drain', () => this.pump());
    socket.on('end', () => {
      if (this.closed) return;
      this.inputEnded = true;
      // a last request without its newline still counts
      this.inbox.push(Buffer.from('\n'));
      this.queuedBytes += 1;
      this.pump();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.inbox.push(chunk);
      this.queuedBytes += chunk.length;
      this.pump();
    });
  }

  get unreadReplyBytes(): number {
    return this.closed ? 0 : this.socket.writableLength;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Everything the client left behind goes with it, including requests not yet answered. */
  private release(): void {
    this.closed = true;
    this.inbox = [];
    this.queuedBytes = 0;
    this.head = 0;
    this.scanned = 0;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** The next complete line, without its newline; null if none has arrived whole. */
  private takeLine(): Buffer | null {
    for (let i = this.scanned; i < this.inbox.length; i++) {
      const chunk = this.inbox[i]!;
      const nl = chunk.indexOf(0x0a, i === 0 ? this.head : 0);
      if (nl === -1) {
        this.scanned = i + 1;
        continue;
      }
      const parts = this.inbox.slice(0, i + 1).map((c, k) => c.subarray(k === 0 ? this.head : 0));
      parts[i] = chunk.subarray(i === 0 ? this.head : 0, nl);
      const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const taken = line.length + 1;
      this.inbox = this.inbox.slice(i);
      this.head = nl + 1;
      if (this.head === chunk.length) {
        this.inbox.shift();
        this.head = 0;
      }
      this.scanned = 0;
      this.queuedBytes -= taken;
      return line;
    }
    return null;
  }

  private backPressured(): boolean {
    return this.socket.writableLength > this.limits.replyHighWater;
  }

  /** Answers the next request if it can, and reads from the client only while that holds a bounded amount. */
  private pump(): void {
    while (!this.closed && !this.busy) {
      if (this.backPressured()) {
        this.watchStall();
        break;
      }
      this.clearStall();
      const line = this.takeLine();
      if (line === null) {
        if (this.queuedBytes > this.limits.maxRequestBytes) {
          this.tooLarge();
          return;
        }
        if (this.inputEnded) {
          this.socket.end();
          return;
        }
        break;
      }
      if (line.length > this.limits.maxRequestBytes) {
        this.tooLarge();
        return;
      }
      const text = line.toString('utf8');
      if (text.trim() === '') continue;
      this.busy = true;
      void this.answer(text).then((reply) => {
        this.busy = false;
        if (this.closed) return;
        this.totals.answered++;
        this.socket.write(`${JSON.stringify(reply)}\n`);
        this.pump();
      });
    }
    this.steerReading();
  }

  /**
   * While a request is being answered, or replies wait unread, only `readAhead` bytes more are read; with nothing
   * to do, reading goes on (up to a request's limit) until a whole request is in.
   */
  private steerReading(): void {
    if (this.closed) return;
    const waiting = this.busy || this.backPressured();
    const stop = waiting && this.queuedBytes >= this.limits.readAhead;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async answer(line: string): Promise<AdminReply> {
    try {
      const parsed = parseRequest(line, this.limits.maxRequestDepth);
      if ('retval' in parsed) return parsed;
      const [retval, stdout, stderr] = await this.handle(parsed);
      return { retval, stdout, stderr };
    } catch (e) {
      // the handler is meant never to throw; if it does, the client gets an error and the socket goes on
      return errorReply('MGR_ERR_COMMAND_FAILED', e instanceof Error ? e.message : String(e));
    }
  }

  private tooLarge(): void {
    this.release();
    const reply = errorReply('MGR_ERR_REQUEST_TOO_LARGE', `request larger than ${this.limits.maxRequestBytes} bytes`);
    this.socket.end(`${JSON.stringify(reply)}\n`);
  }

  /** A client whose unread replies do not shrink for `stallMs` is dropped. */
  private watchStall(): void {
    if (this.stallTimer !== undefined) return;
    let seen = this.socket.writableLength;
    const check = () => {
      const now = this.socket.writableLength;
      if (this.closed || !this.backPressured()) {
        this.stallTimer = undefined;
        return;
      }
      if (now < seen) {
        seen = now;
        this.stallTimer = setTimeout(check, this.limits.stallMs).unref();
        return;
      }
      this.totals.dropped++;
      this.socket.destroy();
    };
    this.stallTimer = setTimeout(check, this.limits.stallMs).unref();
  }

  private clearStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}
