"""
mgrkit_recorder: records a real cluster, as ceph-mgr sees it, as mgrkit trace events (JSONL, one event a line).

Whole maps first, then each change as a JSON Patch against the map before it; the OSDs' PG stats, daemons'
metadata and counters every stats period; cluster log entries; the monitor session going down and up; heartbeats.
The notify handler only queues a cue: every get(), diff and write happens in the module's own serve thread, so the
manager never waits for the recorder. A full queue drops the cue, counts it and raises a health warning.

    ceph config set mgr mgr/mgrkit_recorder/output /var/log/ceph/cluster.jsonl.gz   (or listen:/run/mgrkit.sock,
                                                                                    listen:127.0.0.1:7700)
    ceph mgr module enable mgrkit_recorder
    ceph mgrkit_recorder status

With output = listen:..., the connection is a two-way bridge: mgrkit's modules send commands to this cluster and
raise health checks in it, and `ceph mgrkit WORDS` (read commands) / `ceph mgrkit-rw WORDS` (any) run mgrkit's
commands. Over TCP, mgrkit asks for the shared secret kept in config-key mgr/mgrkit_recorder/secret.
"""

import json
import math
import queue
import threading
import time
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Set, Tuple

from mgr_module import CLICommand, CLIReadCommand, HandleCommandResult, MgrModule, NotifyType, Option

from .bridge import Bridge
from .json_patch import diff
from .writers import FileWriter, SocketWriter, WriterError

EPOCH_MAPS = ('mon_map', 'osd_map', 'fs_map', 'mgr_map', 'service_map')
# Events that describe state a resync re-sends whole; the rest (clog, counters, heartbeats) are kept as they are.
STATE_KINDS = frozenset(EPOCH_MAPS + ('health', 'mon_status', 'pg_stats', 'daemon_open', 'daemon_close'))
INCLUDE_ALL = ('maps', 'health', 'mon_status', 'pg_stats', 'daemons', 'counters', 'clog')
PERFCOUNTER_LONGRUNAVG = 0x4
HEALTH_DROPS = 'MGRKIT_RECORDER_DROPS'
HEALTH_OUTPUT = 'MGRKIT_RECORDER_OUTPUT'
# A patch this small is always sent as a patch, without serialising the whole map to compare.
SMALL_PATCH = 2048


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity; Ceph prints a few (rates of nothing): they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _encode(event: Dict[str, Any]) -> bytes:
    try:
        text = json.dumps(event, separators=(',', ':'), allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(event), separators=(',', ':'), allow_nan=False)
    return text.encode('utf-8') + b'\n'


def _parsed_json(value: Any) -> Any:
    """`get('health')` and `get('mon_status')` are `{"json": "<text>"}`."""
    if isinstance(value, dict) and isinstance(value.get('json'), str):
        return json.loads(value['json'])
    return value


def _pg_key(stat: Dict[str, Any]) -> Tuple[Any, Any, Any]:
    return stat.get('reported_epoch'), stat.get('reported_seq'), stat.get('state')


class Module(MgrModule):
    MODULE_OPTIONS = [
        Option('output', default='', desc='where events go: FILE.jsonl, FILE.jsonl.gz, listen:/path.sock or '
               'listen:HOST:PORT (empty: not recording)', runtime=True),
        Option('max_file_mb', type='int', default=256, min=0,
               desc='a file past this size (on disk) is rotated to FILE.1; 0 never rotates', runtime=True),
        Option('max_files', type='int', default=10, min=0, desc='rotated files kept (FILE.1 .. FILE.N)',
               runtime=True),
        Option('stats_period', type='float', default=5.0, min=0.5,
               desc='seconds between PG stats, daemon counters and mgr/service map checks', runtime=True),
        Option('poll_period', type='float', default=1.0, min=0.1,
               desc='seconds between checks of maps that are not notified (mgr_map, service_map, mon_status) '
               'and of the monitor session', runtime=True),
        Option('heartbeat_period', type='float', default=5.0, min=0.5,
               desc='a heartbeat is written when nothing else was for this many seconds', runtime=True),
        Option('include', default=','.join(INCLUDE_ALL),
               desc='what to record, comma-separated: ' + ', '.join(INCLUDE_ALL), runtime=True),
        Option('counter_priority', type='int', default=5, min=0, max=10,
               desc='record perf counters of at least this priority (5: useful, as get_all_perf_counters)',
               runtime=True),
        Option('queue_size', type='int', default=10000, min=10,
               desc='notify cues waiting for the recorder thread; past this they are dropped and counted'),
        Option('max_gap_epochs', type='int', default=100, min=0,
               desc='OSD map epochs the manager skipped that are fetched from the monitors one by one',
               runtime=True),
    ]
    NOTIFY_TYPES = [NotifyType.mon_map, NotifyType.osd_map, NotifyType.fs_map, NotifyType.health,
                    NotifyType.clog]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cues: 'queue.Queue[Tuple[str, Any, float]]' = queue.Queue(maxsize=10000)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.drops = 0
        self.last_drop = 0.0
        self.notify_count = 0
        self.notify_ns_max = 0
        self.notify_ns: Deque[int] = deque(maxlen=10000)
        # The recorder thread's own cost: per cue (get, diff, encode, write) and per stats period.
        self.cue_ns: Deque[int] = deque(maxlen=10000)
        self.stats_ns: Deque[int] = deque(maxlen=1000)
        self.events_written = 0
        self.bytes_written = 0
        self.by_kind: Dict[str, int] = {}
        self.unsent = 0
        self.write_errors = 0
        self.last_error = ''
        self.last_error_at = 0.0
        self.writer: Any = None
        self.output = ''
        self.options: Dict[str, Any] = {}
        self.buffer: List[Dict[str, Any]] = []
        self.last_t = 0.0
        self.last_write = 0.0
        # What was last recorded, for patches and for resyncing a new file or connection.
        self.maps: Dict[str, Tuple[Optional[int], Any]] = {}
        self.crush: Any = None
        self.mon_status_cmp: Any = None
        self.daemons: Dict[str, Dict[str, Any]] = {}
        self.pgs: Dict[int, Dict[str, Dict[str, Any]]] = {}
        self.osd_stats: Dict[int, Any] = {}
        self.pool_statfs: Dict[int, Any] = {}
        self.osd_stat_seq: Dict[int, Any] = {}
        self.mon_up: Optional[bool] = None
        self.health_raised: Any = None
        self.health_lock = threading.Lock()
        self.bridge = Bridge(self, self._bridge_send)

    # The notify thread: a cue into the queue, nothing else.
    def notify(self, notify_type: Any, notify_id: Any) -> None:
        start = time.perf_counter_ns()
        try:
            self.cues.put_nowait((getattr(notify_type, 'value', notify_type), notify_id, time.time() * 1000.0))
        except queue.Full:
            self.drops += 1
            self.last_drop = time.time()
        took = time.perf_counter_ns() - start
        self.notify_count += 1
        if took > self.notify_ns_max:
            self.notify_ns_max = took
        self.notify_ns.append(took)

    def config_notify(self) -> None:
        self._load_options()

    def shutdown(self) -> None:
        self.stopping.set()
        try:
            self.cues.put_nowait(('stop', None, 0.0))  # wakes the recorder thread now, not at its next timeout
        except queue.Full:
            pass

    @CLIReadCommand('mgrkit')
    def mgrkit_read(self, words: List[str], inbuf: Optional[str] = None) -> HandleCommandResult:
        """Run a read command of mgrkit, connected through this recorder (ceph mgrkit help lists them)"""
        r, out, err = self.bridge.mgrkit_command(words, 'r', inbuf)
        return HandleCommandResult(r, out, err)

    @CLICommand('mgrkit-rw', perm='rw')
    def mgrkit_write(self, words: List[str], inbuf: Optional[str] = None) -> HandleCommandResult:
        """Run any command of mgrkit, connected through this recorder, with rw caps"""
        r, out, err = self.bridge.mgrkit_command(words, 'rw', inbuf)
        return HandleCommandResult(r, out, err)

    @CLICommand('mgrkit_recorder time', perm='rw')
    def time_calls(self, pool: str, count: int = 20) -> HandleCommandResult:
        """Time mon_command (osd stat) and a 4 KiB RADOS write+read from this module, in ms: a baseline for mgrkit's"""
        mon = []
        for _ in range(count):
            t0 = time.perf_counter()
            r, _out, err = self.mon_command({'prefix': 'osd stat', 'format': 'json'})
            mon.append((time.perf_counter() - t0) * 1000.0)
            if r != 0:
                return HandleCommandResult(r, '', err)
        io = self.rados.open_ioctx(pool)
        data = b'\x07' * 4096
        rados_ms = []
        try:
            for i in range(count):
                t0 = time.perf_counter()
                io.write_full('py-%d' % i, data)
                io.read('py-%d' % i, 4096, 0)
                rados_ms.append((time.perf_counter() - t0) * 1000.0)
        finally:
            io.close()
        return HandleCommandResult(0, json.dumps({'mon': mon, 'rados': rados_ms}), '')

    def _handle_command(self, inbuf: Any, cmd: Dict[str, Any]) -> Any:
        # `ceph mgrkit ... -f json`: the CLI puts the format in the command, which a decorated handler does not get.
        prefix = cmd.get('prefix')
        if prefix in ('mgrkit', 'mgrkit-rw'):
            r, out, err = self.bridge.mgrkit_command(cmd.get('words') or [], 'rw' if prefix == 'mgrkit-rw' else 'r',
                                                     inbuf, fmt=cmd.get('format'))
            return HandleCommandResult(r, out, err)
        return super()._handle_command(inbuf, cmd)

    def _bridge_send(self, line: bytes) -> bool:
        writer = self.writer
        return isinstance(writer, SocketWriter) and writer.send(line)

    def bridge_refused(self, why: str) -> None:
        """mgrkit refused this recorder's connection: the operator is told why, in health."""
        self._error('mgrkit refused the connection: %s (mgrkit\'s --bridge-secret-file must hold the text of '
                    'config-key mgr/mgrkit_recorder/secret)' % why)

    def raise_health(self) -> None:
        """Raises this module's checks and those mgrkit asked for, now (from any thread)."""
        self._health()

    @CLIReadCommand('mgrkit_recorder status')
    def status(self) -> HandleCommandResult:
        """Show what the recorder wrote, dropped and how long its notify handler takes"""
        return HandleCommandResult(stdout=json.dumps(self._status(), indent=2, sort_keys=True))

    def _status(self) -> Dict[str, Any]:
        def summary(ns: Deque[int]) -> Dict[str, Any]:
            samples = sorted(ns)
            if not samples:
                return {'count': 0}

            def pct(p: float) -> float:
                return round(samples[min(len(samples) - 1, int(p * len(samples)))] / 1000.0, 2)

            return {'count': len(samples), 'mean_us': round(sum(samples) / len(samples) / 1000.0, 2),
                    'p50_us': pct(0.5), 'p99_us': pct(0.99), 'max_us': round(samples[-1] / 1000.0, 2)}

        writer = self.writer
        return {
            'output': self.output,
            'connected': bool(writer is not None and writer.connected),
            'events_written': self.events_written,
            'bytes_written': self.bytes_written,
            'events_by_kind': dict(self.by_kind),
            'drops': self.drops,
            'unsent': self.unsent,
            'queue': self.cues.qsize(),
            'rotations': getattr(writer, 'rotations', 0),
            'write_errors': self.write_errors,
            'last_error': self.last_error,
            'notify': dict(summary(self.notify_ns), count=self.notify_count,
                           max_us=round(self.notify_ns_max / 1000.0, 2)),
            'per_cue': summary(self.cue_ns),
            'per_stats_period': summary(self.stats_ns),
            'bridge': self.bridge.status(),
        }

    def _load_options(self) -> None:
        opts = {}
        for o in self.MODULE_OPTIONS:
            opts[o['name']] = self.get_module_option(o['name'])
        include = {s.strip() for s in str(opts['include'] or '').split(',') if s.strip()}
        unknown = include - set(INCLUDE_ALL)
        if unknown:
            self.log.warning('mgrkit_recorder: include names unknown parts %s; known: %s', sorted(unknown),
                             ', '.join(INCLUDE_ALL))
        opts['include'] = include
        with self.lock:
            self.options = opts

    def _opt(self, name: str) -> Any:
        return self.options[name]

    def _included(self, part: str) -> bool:
        return part in self.options['include']

    def _sync_writer(self) -> None:
        output = str(self._opt('output') or '')
        max_bytes = int(self._opt('max_file_mb') or 0) * 1024 * 1024
        keep = int(self._opt('max_files') or 0)
        if output == self.output and self.writer is not None:
            if isinstance(self.writer, FileWriter):
                self.writer.max_bytes = max_bytes
                self.writer.keep = keep
            return
        if self.writer is not None:
            self.writer.close()
        self.writer = None
        self.output = output
        if not output:
            return
        try:
            if output.startswith('listen:'):
                self.writer = SocketWriter(output[len('listen:'):], secret=lambda: self.get_store('secret'),
                                           hello=self.bridge.hello, on_line=self.bridge.on_line,
                                           on_state=self.bridge.state)
            else:
                self.writer = FileWriter(output, max_bytes, keep)
        except WriterError as e:
            self._error(str(e))

    def _error(self, message: str) -> None:
        self.write_errors += 1
        if message != self.last_error:
            self.log.warning('mgrkit_recorder: %s', message)
        self.last_error = message
        self.last_error_at = time.time()

    # The recorder thread.
    def serve(self) -> None:
        self._load_options()
        size = int(self._opt('queue_size'))
        if size != self.cues.maxsize:
            old = self.cues
            self.cues = queue.Queue(maxsize=size)
            while True:
                try:
                    self.cues.put_nowait(old.get_nowait())
                except (queue.Empty, queue.Full):
                    break
        self._sync_writer()
        now = time.monotonic()
        due = {'stats': now, 'poll': now, 'heartbeat': now + float(self._opt('heartbeat_period'))}
        try:
            self._start(time.time() * 1000.0)
        except Exception as e:  # what is missing now is sent whole at the next notify or poll
            self.log.exception('mgrkit_recorder: %s', e)
            self._error('starting the recording failed: %s' % e)
        while not self.stopping.is_set():
            now = time.monotonic()
            wait = max(0.0, min(due.values()) - now)
            cues: List[Tuple[str, Any, float]] = []
            try:
                cues.append(self.cues.get(timeout=min(wait, 1.0)))
                while len(cues) < 1000:
                    cues.append(self.cues.get_nowait())
            except queue.Empty:
                pass
            try:
                self._sync_writer()
                if cues:
                    start = time.perf_counter_ns()
                    self._handle(cues)
                    self._flush()
                    took = (time.perf_counter_ns() - start) // len(cues)
                    self.cue_ns.extend([took] * len(cues))
                now = time.monotonic()
                if now >= due['poll']:
                    due['poll'] = now + float(self._opt('poll_period'))
                    self._poll(time.time() * 1000.0)
                if now >= due['stats']:
                    due['stats'] = now + float(self._opt('stats_period'))
                    start = time.perf_counter_ns()
                    self._stats(time.time() * 1000.0)
                    self._flush()
                    self.stats_ns.append(time.perf_counter_ns() - start)
                if now >= due['heartbeat']:
                    if now - self.last_write >= float(self._opt('heartbeat_period')) - 0.05:
                        self._emit({'kind': 'heartbeat'}, time.time() * 1000.0)
                    due['heartbeat'] = now + float(self._opt('heartbeat_period'))
                self._flush()
                self._health()
            except Exception as e:  # one bad map must not end the recording
                self.log.exception('mgrkit_recorder: %s', e)
                self._error('recording failed: %s' % e)
                self.buffer = []
        if self.writer is not None:
            try:
                self.writer.flush()
            except WriterError:
                pass
            self.writer.close()

    def _start(self, t: float) -> None:
        """Everything a reader needs to begin: every map whole, then the daemons and their stats."""
        self.mon_up = self.have_mon_connection()
        if not self.mon_up:
            self._emit({'kind': 'mon_session', 'state': 'down'}, t)
        if self._included('maps'):
            self._epoch_map('mon_map', t)
            self._osd_map(t)
            self._epoch_map('fs_map', t)
        self._poll(t)
        if self._included('health'):
            self._health_map(t)
        self._stats(t)
        self._flush()

    def _handle(self, cues: List[Tuple[str, Any, float]]) -> None:
        seen: Set[str] = set()
        for kind, nid, t in cues:
            if kind == 'clog':
                if self._included('clog'):
                    entry = json.loads(nid) if isinstance(nid, str) else dict(nid)
                    self._emit({'kind': 'clog', 'entry': entry}, t)
                continue
            # Several cues of a kind in one batch read the same (current) map once.
            if kind in seen:
                continue
            seen.add(kind)
            if kind == 'osd_map' and self._included('maps'):
                self._osd_map(t)
            elif kind in ('mon_map', 'fs_map') and self._included('maps'):
                self._epoch_map(kind, t)
            elif kind == 'health' and self._included('health'):
                self._health_map(t)

    def _poll(self, t: float) -> None:
        up = bool(self.have_mon_connection())
        if up != self.mon_up:
            self.mon_up = up
            self._emit({'kind': 'mon_session', 'state': 'up' if up else 'down'}, t)
        if self._included('maps'):
            self._epoch_map('mgr_map', t)
            self._epoch_map('service_map', t)
            # A notify can come before the map is stored (seen with fs_map): a poll catches the epoch it missed.
            self._epoch_map('fs_map', t)
            self._epoch_map('mon_map', t)
        if self._included('mon_status'):
            status = _parsed_json(self.get('mon_status'))
            cmp = {k: v for k, v in status.items() if k not in ('quorum_age',)}
            if cmp != self.mon_status_cmp:
                self.mon_status_cmp = cmp
                self.maps['mon_status'] = (None, status)
                self._emit({'kind': 'mon_status', 'map': status}, t)

    def _epoch_map(self, kind: str, t: float) -> None:
        m = self.get(kind)
        if not isinstance(m, dict) or 'epoch' not in m:
            return
        self._emit_map(kind, int(m['epoch']), m, t)

    def _osd_map(self, t: float) -> None:
        m = self.get('osd_map')
        epoch = int(m['epoch'])
        prev = self.maps.get('osd_map')
        if prev is not None and prev[0] is not None:
            if epoch <= prev[0]:
                return
            gap = epoch - prev[0] - 1
            # The manager notifies once for several maps that came together: the monitors still have each of them.
            if 0 < gap <= int(self._opt('max_gap_epochs')) and self.mon_up:
                for e in range(prev[0] + 1, epoch):
                    r, out, _err = self.mon_command({'prefix': 'osd dump', 'epoch': e, 'format': 'json'})
                    if r != 0:
                        break
                    self._emit_map('osd_map', e, json.loads(out), t)
        crush = self.get('osd_map_crush')
        self._emit_map('osd_map', epoch, m, t, crush=None if crush == self.crush else crush)
        self.crush = crush

    def _health_map(self, t: float) -> None:
        self._emit_map('health', None, _parsed_json(self.get('health')), t)

    def _emit_map(self, kind: str, epoch: Optional[int], m: Any, t: float, crush: Any = None) -> None:
        prev = self.maps.get(kind)
        event: Dict[str, Any] = {'kind': kind}
        if epoch is not None:
            if prev is not None and prev[0] is not None and epoch <= prev[0]:
                return
            event['epoch'] = epoch
        if prev is not None and (epoch is None or epoch == prev[0] + 1):
            ops = diff(prev[1], m)
            if not ops and epoch is None:
                return
            patch_text = json.dumps(ops, separators=(',', ':'))
            if len(patch_text) <= SMALL_PATCH or len(patch_text) < len(json.dumps(m, separators=(',', ':'))):
                event['patch'] = ops
            else:
                event['map'] = m
        else:
            event['map'] = m
        if crush is not None:
            event['crush'] = crush
        self.maps[kind] = (epoch, m)
        self._emit(event, t)

    def _stats(self, t: float) -> None:
        if self._included('pg_stats'):
            self._pg_stats(t)
        if self._included('daemons'):
            self._daemons(t)

    def _pg_stats(self, t: float) -> None:
        dump = self.get('pg_dump')
        osd_map = self.maps.get('osd_map')
        epoch = osd_map[0] if osd_map is not None and osd_map[0] is not None else int(dump.get('epoch', 0) or 0)
        by_osd: Dict[int, List[Dict[str, Any]]] = {}
        for stat in dump.get('pg_stats', []):
            by_osd.setdefault(int(stat.get('acting_primary', -1)), []).append(stat)
        osd_stats = {int(s['osd']): s for s in dump.get('osd_stats', [])}
        statfs: Dict[int, List[Any]] = {}
        for entry in dump.get('pool_statfs', []) or []:
            if isinstance(entry, dict) and 'osd' in entry:
                statfs.setdefault(int(entry['osd']), []).append(entry)
        for osd in sorted(set(by_osd) | set(osd_stats)):
            held = self.pgs.setdefault(osd, {})
            stats = by_osd.get(osd, [])
            changed = [s for s in stats if _pg_key(s) != _pg_key(held.get(s['pgid'], {}))]
            now_held = {s['pgid']: s for s in stats}
            osd_stat = osd_stats.get(osd)
            stat_seq = osd_stat.get('seq') if osd_stat is not None else None
            if not changed and stat_seq == self.osd_stat_seq.get(osd) and len(now_held) == len(held):
                continue
            self.pgs[osd] = now_held
            self.osd_stat_seq[osd] = stat_seq
            event: Dict[str, Any] = {'kind': 'pg_stats', 'reporter': 'osd.%d' % osd, 'epoch': epoch,
                                     'pg_stats': changed}
            if osd_stat is not None:
                event['osd_stat'] = osd_stat
                self.osd_stats[osd] = osd_stat
            if osd in statfs:
                event['pool_statfs'] = statfs[osd]
                self.pool_statfs[osd] = statfs[osd]
            self._emit(event, t)

    def _daemons(self, t: float) -> None:
        prio = int(self._opt('counter_priority'))
        seen: Set[str] = set()
        # SLOW_OPS and PENDING_CREATING_PGS of each daemon, as its last report to the manager carried them.
        health = self.get_daemon_health_metrics() or {}
        for server in self.list_servers():
            hostname = str(server.get('hostname', ''))
            for svc in server.get('services', []):
                typ, sid = str(svc['type']), str(svc['id'])
                name = '%s.%s' % (typ, sid)
                if name in seen:
                    continue
                seen.add(name)
                metadata = {k: str(v) for k, v in (self.get_metadata(typ, sid) or {}).items()}
                schema_all = (self.get_perf_schema(typ, sid) or {}).get(name, {}) or {}
                schema = {p: s for p, s in schema_all.items() if int(s.get('priority', 0)) >= prio}
                known = self.daemons.get(name)
                if known is None or known['metadata'] != metadata or set(known['schema']) != set(schema):
                    open_event: Dict[str, Any] = {'kind': 'daemon_open', 'daemon': name, 'hostname': hostname,
                                                  'metadata': metadata}
                    if schema:
                        open_event['perf_schema'] = schema
                    self.daemons[name] = {'hostname': hostname, 'metadata': metadata, 'schema': schema}
                    self._emit(open_event, t)
                if self._included('counters') and schema:
                    self._daemon_report(typ, sid, name, schema, health.get(name), t)
        for name in [n for n in self.daemons if n not in seen]:
            del self.daemons[name]
            self._emit({'kind': 'daemon_close', 'daemon': name}, t)

    def _daemon_report(self, typ: str, sid: str, name: str, schema: Dict[str, Any], health: Any,
                       t: float) -> None:
        counters: Dict[str, Any] = {}
        for path, info in schema.items():
            sample = (self.get_latest_counter(typ, sid, path) or {}).get(path)
            if not sample:
                continue
            if int(info.get('type', 0)) & PERFCOUNTER_LONGRUNAVG and len(sample) >= 3:
                counters[path] = {'avgcount': int(sample[2]), 'sum': sample[1]}
            else:
                counters[path] = sample[1]
        if not counters:
            return
        event: Dict[str, Any] = {'kind': 'daemon_report', 'daemon': name, 'counters': counters}
        status = self.get_daemon_status(typ, sid)
        if status:
            event['status'] = {k: str(v) for k, v in status.items()}
        if health is not None:
            event['health_metrics'] = [{'type': str(m['type']), 'value': int(m['value'])} for m in health]
        self._emit(event, t)

    def _emit(self, event: Dict[str, Any], t: float) -> None:
        # One thread writes, so the stream's clock never runs backwards.
        t = max(t, self.last_t)
        self.last_t = t
        event['v'] = 1
        event['t'] = round(t, 3)
        self.buffer.append(event)

    def _resync_events(self, t: float) -> List[Dict[str, Any]]:
        # mgrkit counts a lost connection as the monitors lost: a new one says where the session stands now.
        out: List[Dict[str, Any]] = [{'kind': 'mon_session', 'state': 'down' if self.mon_up is False else 'up'}]
        for kind in EPOCH_MAPS:
            if kind in self.maps:
                epoch, m = self.maps[kind]
                ev: Dict[str, Any] = {'kind': kind, 'epoch': epoch, 'map': m}
                if kind == 'osd_map' and self.crush is not None:
                    ev['crush'] = self.crush
                out.append(ev)
        for kind in ('health', 'mon_status'):
            if kind in self.maps:
                out.append({'kind': kind, 'map': self.maps[kind][1]})
        for name, d in self.daemons.items():
            ev = {'kind': 'daemon_open', 'daemon': name, 'hostname': d['hostname'], 'metadata': d['metadata']}
            if d['schema']:
                ev['perf_schema'] = d['schema']
            out.append(ev)
        epoch = self.maps['osd_map'][0] if 'osd_map' in self.maps else 0
        for osd, held in sorted(self.pgs.items()):
            ev = {'kind': 'pg_stats', 'reporter': 'osd.%d' % osd, 'epoch': epoch or 0, 'pg_stats': list(held.values())}
            if osd in self.osd_stats:
                ev['osd_stat'] = self.osd_stats[osd]
            if osd in self.pool_statfs:
                ev['pool_statfs'] = self.pool_statfs[osd]
            out.append(ev)
        for ev in out:
            ev['v'] = 1
            ev['t'] = round(t, 3)
        return out

    def _flush(self) -> None:
        events, self.buffer = self.buffer, []
        writer = self.writer
        if writer is None:
            return
        try:
            if not writer.ready():
                self.unsent += len(events)
                return
        except WriterError as e:
            self._error(str(e))
            self.unsent += len(events)
            return
        if writer.needs_resync:
            # A new file or connection starts from whole state; what the buffer changed is in it already.
            t = events[0]['t'] if events else round(max(self.last_t, time.time() * 1000.0), 3)
            events = self._resync_events(t) + [e for e in events if e['kind'] not in STATE_KINDS]
        if not events:
            return
        lines = [_encode(e) for e in events]
        try:
            written = writer.write(lines)
            writer.needs_resync = False
            writer.flush()
        except WriterError as e:
            self._error(str(e))
            self.unsent += len(events)
            return
        self.events_written += len(events)
        self.bytes_written += written
        self.last_write = time.monotonic()
        for e in events:
            self.by_kind[e['kind']] = self.by_kind.get(e['kind'], 0) + 1

    def _health(self) -> None:
        checks: Dict[str, Any] = {}
        now = time.time()
        if self.drops and now - self.last_drop < 600:
            checks[HEALTH_DROPS] = {
                'severity': 'warning',
                'summary': 'mgrkit_recorder dropped %d notifications (queue of %d full)' % (self.drops,
                                                                                           self.cues.maxsize),
                'count': self.drops,
                'detail': ['the recording misses changes; raise mgr/mgrkit_recorder/queue_size or narrow '
                           'mgr/mgrkit_recorder/include'],
            }
        if self.last_error and now - self.last_error_at < 60:
            checks[HEALTH_OUTPUT] = {
                'severity': 'warning',
                'summary': 'mgrkit_recorder cannot write to %s' % self.output,
                'count': 1,
                'detail': [self.last_error],
            }
        # What mgrkit's modules raised, as they raised it; this module's own checks win a shared code.
        merged = dict(self.bridge.checks)
        merged.update(checks)
        with self.health_lock:
            if merged != self.health_raised:
                self.health_raised = merged
                self.set_health_checks(merged)
