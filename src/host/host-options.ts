import type { Logger } from 'pino';
import type { CephFsBackendFactory } from '../cephfs/cephfs-service.ts';
import type { ClusterCommander } from '../cluster/cluster-commander.ts';
import type { StreamClock } from '../ingest/stream-clock.ts';
import type { ObjectBackend } from '../rados/object-backend.ts';
import type { Store } from '../store/store.ts';
import type { LoadedModule } from './loader.ts';

/** How a host is made: where it keeps its state, which modules it finds, what stands behind it. */
export interface HostOptions {
  /** Where the enabled set and settings persist; without one they live in memory. */
  readonly store?: Store;
  readonly mgrId?: string;
  /** Extra module folders, searched before the built-in ones. */
  readonly modulePaths?: readonly string[];
  /** Whether mgrkit's own `modules/` is on the module path (default true). */
  readonly builtinModules?: boolean;
  /** Modules already in hand, as if found on the module path (tests, embedding). */
  readonly preloaded?: readonly LoadedModule[];
  readonly logger?: Logger;
  /** The daemon log file; `log_to_file` writes a module's lines to `<file>.<module>.log`. */
  readonly logFile?: string;
  readonly standby?: boolean;
  /** How long `serve()` gets to return after `shutdown()`. */
  readonly shutdownDeadlineMs?: number;
  readonly queueCapacity?: number;
  /** The stream clock when it runs on its own (paced replay, live). */
  readonly clock?: StreamClock;
  /** The cluster behind the source, which `send_command` and `mon_command` reach (none for a recording). */
  readonly commander?: ClusterCommander;
  /** Where `this.rados` keeps objects when the source has a real cluster behind it (default: the host's store). */
  readonly objects?: ObjectBackend;
  /** The backend of the modules' `this.cephfs` (a real cluster's, through the bridge); by default, over RADOS. */
  readonly cephfsBackend?: CephFsBackendFactory;
}
