import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitFor } from '../helpers.ts';

/** Debian's nats-server, or the one on PATH; null when neither is there. */
export function natsServerBinary(): string | null {
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  return null;
}

/** Why a suite that needs nats-server skips, or false when it can run. */
export const NATS_SKIP: string | false =
  natsServerBinary() === null ? 'nats-server is not installed (Debian: apt-get install -y nats-server)' : false;

interface Node {
  readonly name: string;
  readonly client: number;
  readonly route: number;
  readonly http: number;
  readonly config: string;
  proc: ChildProcess | null;
}

/**
 * A JetStream cluster of Debian's nats-server on loopback ports, in a temporary folder: one config file, store
 * directory and log per node. Started nodes are stopped by PID; `kill` takes one down (SIGKILL) mid-test.
 */
export class NatsCluster {
  readonly dir: string;
  private readonly nodes: Node[];

  private constructor(dir: string, nodes: Node[]) {
    this.dir = dir;
    this.nodes = nodes;
  }

  /** Starts `size` nodes (3 by default) and waits until JetStream has a meta leader. */
  static async start(size = 3): Promise<NatsCluster> {
    const bin = natsServerBinary();
    if (bin === null) throw new Error('nats-server is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'mgrkit-nats-'));
    const nodes: Node[] = [];
    // A port just freed may be handed out again by the next ask: each of the cluster's ports must be its own (two
    // servers given one client port left a 2-node cluster that never elected a JetStream leader).
    const taken = new Set<number>();
    const port = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    };
    for (let i = 1; i <= size; i++) {
      nodes.push({
        name: `n${i}`,
        client: await port(),
        route: await port(),
        http: await port(),
        config: join(dir, `n${i}.conf`),
        proc: null,
      });
    }
    for (const n of nodes) {
      mkdirSync(join(dir, n.name), { recursive: true });
      const routes = nodes.filter((o) => o !== n).map((o) => `"nats-route://127.0.0.1:${o.route}"`);
      const cluster =
        size > 1
          ? `cluster {\n  name: mgrkit\n  listen: 127.0.0.1:${n.route}\n  routes: [${routes.join(', ')}]\n}\n`
          : '';
      writeFileSync(
        n.config,
        `server_name: ${n.name}\nlisten: 127.0.0.1:${n.client}\nhttp: 127.0.0.1:${n.http}\n` +
          `jetstream {\n  store_dir: "${join(dir, n.name)}"\n}\n${cluster}`,
      );
    }
    const cluster = new NatsCluster(dir, nodes);
    try {
      for (const n of nodes) cluster.spawnNode(n);
      await cluster.waitForMetaLeader();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** `nats://127.0.0.1:P1,nats://127.0.0.1:P2,...`: what `--log` takes. */
  get url(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.client}`).join(',');
  }

  get servers(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.client}`);
  }

  /** The PID of a running node, by index. */
  pid(index: number): number | undefined {
    return this.nodes[index]?.proc?.pid;
  }

  /** SIGKILLs one node and waits for it to be gone. */
  async kill(index: number): Promise<void> {
    const n = this.nodes[index];
    if (n?.proc == null) return;
    await stopProcess(n.proc, 'SIGKILL');
    n.proc = null;
  }

  /** Starts a killed node again (same config and store). */
  async restart(index: number): Promise<void> {
    const n = this.nodes[index]!;
    if (n.proc === null) this.spawnNode(n);
    await this.waitForMetaLeader();
  }

  /** Waits until a running node reports a JetStream meta leader. */
  async waitForMetaLeader(timeoutMs = 20_000): Promise<string> {
    return waitFor(
      `a JetStream meta leader (logs in ${this.dir})`,
      async () => {
        for (const n of this.nodes) {
          if (n.proc === null) continue;
          try {
            const r = await fetch(`http://127.0.0.1:${n.http}/jsz`);
            const body = (await r.json()) as { meta_cluster?: { leader?: string }; config?: unknown };
            const leader = body.meta_cluster?.leader;
            if (leader) return leader;
            if (this.nodes.length === 1 && body.config !== undefined) return n.name;
          } catch {
            // not listening yet
          }
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Stops every node by PID and removes the folder. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.proc ? stopProcess(n.proc, 'SIGTERM') : undefined)));
    for (const n of this.nodes) n.proc = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawnNode(n: Node): void {
    const log = openSync(join(this.dir, `${n.name}.log`), 'a');
    // In the cluster's folder: whatever a server writes relative to its working directory stays out of the checkout.
    n.proc = spawn(natsServerBinary()!, ['-c', n.config], { cwd: this.dir, stdio: ['ignore', log, log] });
  }
}
