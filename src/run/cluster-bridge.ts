import { constants } from 'node:os';
import { BridgeFsBackend } from '../cephfs/bridge-fs-backend.ts';
import type { CephFsBackendFactory } from '../cephfs/cephfs-service.ts';
import type { CommandTarget } from '../cluster/cluster-commander.ts';
import { usage } from '../commands/descriptor.ts';
import { validateCommand } from '../commands/validate.ts';
import type { ClusterHealthCheck } from '../health/health-checks.ts';
import type { MgrHost } from '../host/host.ts';
import { BridgeObjects } from '../rados/bridge-objects.ts';
import { BridgeCommander } from '../sources/bridge-commander.ts';
import type { BridgeAnswer } from '../sources/bridge-link.ts';
import { BridgeLink } from '../sources/bridge-link.ts';
import { BridgeHealth } from './bridge-health.ts';

const { EACCES, EINVAL } = constants.errno;

/** The health checks mgrkit raised, as a module passes them to the real ceph-mgr's `set_health_checks`. */
function asModuleChecks(checks: Record<string, ClusterHealthCheck>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, c] of Object.entries(checks)) {
    out[code] = {
      severity: c.severity === 'HEALTH_ERR' ? 'error' : 'warning',
      summary: c.summary.message,
      count: c.summary.count,
      detail: c.detail.map((d) => d.message),
    };
  }
  return out;
}

/** The words of `ceph mgrkit help` / `ceph mgrkit` alone: every command mgrkit serves, with the perm it needs. */
function helpText(host: MgrHost): string {
  return host.commands.table
    .all()
    .map((e) => `mgrkit${e.perm.includes('w') ? '-rw' : ''} ${usage(e.signature)}\n    ${e.desc}`)
    .join('\n');
}

/**
 * The bridge between a host and the real cluster whose recorder connects to `--source listen:`: the host's
 * `mon_command`/`send_command` go to the cluster, its health checks are raised there (and cleared there when
 * cleared here), and `ceph mgrkit WORDS` / `ceph mgrkit-rw WORDS` run the host's commands with `r` / `rw` caps.
 */
export class ClusterBridge {
  readonly link: BridgeLink;
  readonly commander: BridgeCommander;
  /** `this.rados`'s objects: the cluster's own RADOS. */
  readonly objects: BridgeObjects;
  /** `this.cephfs` of each module: the cluster's own CephFS. */
  readonly cephfs: CephFsBackendFactory;
  #host: MgrHost | null = null;
  #unsubscribe: (() => void) | null = null;
  #healthSending = false;
  #healthDirty = false;
  readonly #health = new BridgeHealth();

  constructor(log: { info(o: object, m: string): void; warn(o: object, m: string): void }) {
    this.link = new BridgeLink({
      refused: (peer, why) => {
        log.warn({ peer, why }, 'refused a connection that did not authenticate');
        this.#health.refused(peer, why);
      },
      changed: (up) => {
        log.info({ up, mgr: this.link.mgr }, up ? 'the cluster bridge is up' : 'the cluster bridge is down');
        this.#health.changed(up, this.link.mgr);
        if (up) this.#pushHealth();
      },
    });
    this.commander = new BridgeCommander(this.link, (target) => this.#timeout(target));
    this.objects = new BridgeObjects(this.link, () => this.#timeout({ type: 'osd', id: '' }));
    this.cephfs = (module) => new BridgeFsBackend(this.link, module, () => this.#timeout({ type: 'mds', id: '' }));
  }

  /** Binds the host: its health goes to the cluster, and the cluster's `ceph mgrkit` reaches its commands. */
  attach(host: MgrHost): void {
    this.#host = host;
    this.#health.attach(host.health);
    this.#unsubscribe = host.health.subscribe(() => this.#pushHealth());
    this.link.handle('mgrkit_command', (args) => this.#runCommand(args));
    this.#pushHealth();
  }

  /** Stops pushing health and fails what waits on the cluster. */
  stop(): void {
    this.#health.stop();
    this.#unsubscribe?.();
    this.link.shutdown();
  }

  #timeout(target: CommandTarget): number {
    const name = target.type === 'mon' ? 'rados_mon_op_timeout' : 'rados_osd_op_timeout';
    const v = Number(this.#host?.settings.value(name) ?? 0);
    return Number.isFinite(v) && v > 0 ? v : 0;
  }

  #pushHealth(): void {
    const host = this.#host;
    if (host === null || !this.link.up) return;
    if (this.#healthSending) {
      this.#healthDirty = true;
      return;
    }
    this.#healthSending = true;
    this.#healthDirty = false;
    void this.link
      .call('health', { checks: asModuleChecks(host.health.all()) }, 30_000)
      .catch((e) => host.log.warn({ err: e }, 'cannot raise health checks in the cluster'))
      .finally(() => {
        this.#healthSending = false;
        if (this.#healthDirty) this.#pushHealth();
      });
  }

  async #runCommand(args: Readonly<Record<string, unknown>>): Promise<BridgeAnswer> {
    const host = this.#host!;
    const words = Array.isArray(args.words) ? args.words.map(String) : [];
    const caps = args.perm === 'rw' ? 'rw' : 'r';
    const entity = typeof args.entity === 'string' ? args.entity : `mgr.${this.link.mgr}`;
    const inbuf = typeof args.inbuf === 'string' ? args.inbuf : '';
    if (words.length === 0 || (words.length === 1 && (words[0] === 'help' || words[0] === '-h'))) {
      return { r: 0, outb: `${helpText(host)}\n`, outs: '' };
    }
    const found = validateCommand(
      host.commands.table.all().map((e) => e.signature),
      words,
    );
    if (!found.ok) {
      const lines =
        found.kind === 'no-match'
          ? `no mgrkit command matches "${words.join(' ')}"; closest: ${found.closest.map((s) => usage(s)).join('; ') || 'none'} (ceph mgrkit help lists them)`
          : `invalid command: ${found.error}: ${usage(found.signature)}`;
      return { r: -EINVAL, outb: '', outs: lines };
    }
    const cmd: Record<string, unknown> = { ...found.cmd };
    if (typeof args.format === 'string' && args.format !== '') cmd.format = args.format;
    const [r, outb, outs] = await host.commands.run(cmd, { entity, caps, inbuf });
    if (r === -EACCES && caps === 'r') {
      return {
        r,
        outb,
        outs: `${outs}: it changes state; run it as ceph mgrkit-rw ${words.join(' ')} (needs rw caps on mgr)`,
      };
    }
    return { r, outb, outs };
  }
}
