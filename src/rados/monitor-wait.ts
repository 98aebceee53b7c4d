import type { Observable } from 'rxjs';

/** The manager's connection to the monitors, as the host's liveness tracks it. */
export interface MonitorLink {
  readonly connected: boolean;
  /** The source ended and nothing stands behind it: no monitor will answer until events come again. */
  readonly ended: boolean;
  /** Emits when the source ends. */
  readonly ends: Observable<void>;
  readonly changes: Observable<{ readonly connected: boolean }>;
}

/** How a wait for the monitors ended. */
export type MonitorWait = 'connected' | 'timed-out' | 'shut-down' | 'no-cluster';

/**
 * Waits while the monitors are unreachable, as librados does ("do not assume that librados calls will return
 * promptly"): resolves at once when connected, else when the connection comes back, when `timeoutMs` has passed
 * (`0`: no limit, as Ceph's `rados_osd_op_timeout = 0`), or when `closed` aborts (the client was shut down). When
 * the source has ended (a replayed trace, a host fed by nothing) no connection can come back: `no-cluster` at once,
 * or as soon as the source ends during the wait, rather than a wait without end.
 */
export function waitForMonitors(link: MonitorLink, timeoutMs: number, closed: AbortSignal): Promise<MonitorWait> {
  if (closed.aborted) return Promise.resolve('shut-down');
  if (link.connected) return Promise.resolve('connected');
  if (link.ended) return Promise.resolve('no-cluster');
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: MonitorWait) => {
      clearTimeout(timer);
      sub.unsubscribe();
      closed.removeEventListener('abort', onClose);
      resolve(outcome);
    };
    const onClose = () => finish('shut-down');
    const sub = link.changes.subscribe((c) => {
      if (c.connected) finish('connected');
    });
    sub.add(link.ends.subscribe(() => finish('no-cluster')));
    closed.addEventListener('abort', onClose, { once: true });
    if (timeoutMs > 0) timer = setTimeout(() => finish('timed-out'), timeoutMs);
  });
}
