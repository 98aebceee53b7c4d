import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the recorder (inside the real ceph-mgr) and mgrkit, to cut the bridge where a test wants:
 * it forwards both ways, sees each line the recorder sends, and can drop one (and the connection with it) or refuse
 * new connections for a while.
 */
export class BridgeProxy {
  readonly port: number;
  /** New connections are cut at once while set. */
  refusing = false;
  /** Lines mgrkit sent the recorder (its requests, its challenge). */
  readonly toRecorder: string[] = [];
  connections = 0;
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private cutOn: ((line: string) => boolean) | null = null;

  private constructor(server: Server, port: number) {
    this.server = server;
    this.port = port;
  }

  static async start(targetPort: number): Promise<BridgeProxy> {
    let proxy: BridgeProxy | undefined;
    const server = createServer((client) => proxy!.relay(client, targetPort));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new BridgeProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** The next line from the recorder that `match` accepts is not passed on, and both sides are cut there. */
  cutWhenRecorderSends(match: (line: string) => boolean): void {
    this.cutOn = match;
  }

  /** Cuts every open connection. */
  cutAll(): void {
    for (const s of this.open) s.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private relay(client: Socket, targetPort: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    this.open.add(client);
    this.open.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', () => {
        this.open.delete(s);
        cut();
      });
    }
    let fromMgrkit = '';
    upstream.on('data', (d: Buffer) => {
      fromMgrkit += d.toString('utf8');
      const lines = fromMgrkit.split('\n');
      fromMgrkit = lines.pop()!;
      this.toRecorder.push(...lines);
      client.write(d);
    });
    let fromRecorder = '';
    client.on('data', (d: Buffer) => {
      fromRecorder += d.toString('utf8');
      const lines = fromRecorder.split('\n');
      fromRecorder = lines.pop()!;
      const out: string[] = [];
      for (const line of lines) {
        if (this.cutOn?.(line)) {
          this.cutOn = null;
          if (out.length > 0) upstream.write(`${out.join('\n')}\n`, cut);
          else cut();
          return;
        }
        out.push(line);
      }
      if (out.length > 0) upstream.write(`${out.join('\n')}\n`);
    });
  }
}
