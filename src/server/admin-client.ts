import { connect, type Socket } from 'node:net';
import type { AdminReply } from './admin-socket.ts';
import { stringifyWireJson } from './wire-json.ts';

/** A connection to a host's admin socket; requests on it are answered in order. */
export class AdminClient {
  private readonly socket: Socket;
  private buffered = '';
  private waiting: Array<{ resolve: (r: AdminReply) => void; reject: (e: Error) => void }> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffered += d;
      for (let nl = this.buffered.indexOf('\n'); nl !== -1; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiting.shift();
        try {
          w?.resolve(JSON.parse(line) as AdminReply);
        } catch (e) {
          // a reply that is not JSON fails its request, not the process
          w?.reject(new Error(`the host answered with a line that is not JSON: ${(e as Error).message}`));
        }
      }
    });
    const fail = (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the host closed the connection')));
  }

  static connect(path: string): Promise<AdminClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new AdminClient(s)));
      s.once('error', reject);
    });
  }

  /**
   * Sends one command (`{prefix, ...args}`), with its `-i` input and the client's name. Bigints go with all their
   * digits and non-finite floats as `NaN`/`Infinity`, as Ceph's Python client sends them.
   */
  send(cmd: Record<string, unknown>, options: { inbuf?: string; entity?: string } = {}): Promise<AdminReply> {
    return this.sendRaw(
      stringifyWireJson({ cmd, inbuf: options.inbuf ?? '', entity: options.entity ?? 'client.admin' }),
    );
  }

  /** Sends one raw request line (tests of malformed input). */
  sendRaw(line: string): Promise<AdminReply> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(`${line}\n`);
    });
  }

  close(): void {
    this.socket.end();
  }
}
