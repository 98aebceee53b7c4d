"""The recorder's end of the two-way bridge: requests from mgrkit applied to this cluster, each once, and
`ceph mgrkit ...` commands passed to mgrkit."""

import base64
import bisect
import errno
import json
import queue
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple

from .cephfs_ops import CephFsOps

# Requests remembered by id, with their answers, so that one sent again after a reconnect is not applied twice.
REMEMBERED = 1000
OPS = ['command', 'health', 'rados', 'cephfs']


def _b(text: str) -> bytes:
    return text.encode('utf-8')


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return '' if value is None else str(value)


# `osd ...` mon commands that cannot change the OSD map: no need to learn the epoch they left.
READ_ONLY_OSD = ('osd stat', 'osd dump', 'osd ls', 'osd tree', 'osd df', 'osd find', 'osd metadata', 'osd perf',
                 'osd getmap', 'osd getcrushmap', 'osd getmaxosd', 'osd versions', 'osd count-metadata',
                 'osd utilization', 'osd ok-to-stop', 'osd safe-to-destroy', 'osd pool ls', 'osd pool get',
                 'osd pool stats', 'osd pool autoscale-status', 'osd crush dump', 'osd crush ls', 'osd crush tree',
                 'osd crush rule ls', 'osd crush rule dump', 'osd crush class ls', 'osd blocklist ls',
                 'osd erasure-code-profile ls', 'osd erasure-code-profile get', 'osd numa-status')


def _reads_only(prefix: str) -> bool:
    return prefix in READ_ONLY_OSD or prefix.startswith(('osd crush get-', 'osd crush show-', 'osd pool get-'))


class _Completion:
    """What ceph-mgr's send_command calls back (from its finisher thread) when the cluster answers."""

    def __init__(self, done: Callable[[int, str, str], None]) -> None:
        self.done = done
        self.tag = ''

    def complete(self, r: int, outb: Any, outs: Any) -> None:
        self.done(int(r), _text(outb), _text(outs))


class Bridge:
    def __init__(self, module: Any, send: Callable[[bytes], bool]) -> None:
        self.module = module
        self.send = send
        self.lock = threading.Lock()
        self.requests: 'OrderedDict[str, Optional[bytes]]' = OrderedDict()
        self.applied = 0
        self.duplicates = 0
        self.served = 0
        self.checks: Dict[str, Any] = {}
        self.up = False
        self.next_id = 0
        self.waiting: Dict[str, Tuple[threading.Event, Dict[str, Any]]] = {}
        # Answers are finished off the manager's finisher thread, which must never wait on another command.
        self.work: 'queue.Queue[Callable[[], None]]' = queue.Queue()
        self.cephfs = CephFsOps(module)
        self.listings: Dict[int, Tuple[float, List[str]]] = {}
        self.ioctxs: Dict[int, Any] = {}
        # The ids this run remembers die with it: mgrkit does not resend to another run what it sent to this one.
        self.instance = uuid.uuid4().hex
        threading.Thread(target=self._work, name='mgrkit-bridge-worker', daemon=True).start()

    def hello(self) -> bytes:
        return json.dumps({'bridge': 'hello', 'version': 1, 'ops': OPS, 'mgr': str(self.module.get_mgr_id()),
                           'instance': self.instance}).encode('utf-8') + b'\n'

    def state(self, up: bool) -> None:
        self.up = up
        if not up:
            self.work.put(self.cephfs.close_all)
            for event, holder in list(self.waiting.values()):
                holder.setdefault('r', -errno.ENOTCONN)
                holder.setdefault('outs', 'the connection to mgrkit was lost')
                event.set()

    def status(self) -> Dict[str, Any]:
        return {'up': self.up, 'applied': self.applied, 'duplicates': self.duplicates, 'served': self.served,
                'mgrkit_checks': sorted(self.checks)}

    # The reader thread.
    def on_line(self, msg: Dict[str, Any]) -> None:
        kind = msg.get('bridge')
        if kind == 'refused':
            self.module.bridge_refused(str(msg.get('why', '')))
        elif kind == 'request':
            self._request(msg)
        elif kind == 'reply':
            held = self.waiting.get(str(msg.get('id')))
            if held is not None:
                held[1].update(r=int(msg.get('r', -errno.EIO)), outb=_text(msg.get('outb')),
                               outs=_text(msg.get('outs')))
                held[0].set()

    def _request(self, msg: Dict[str, Any]) -> None:
        rid = str(msg.get('id', ''))
        with self.lock:
            if rid in self.requests:
                self.duplicates += 1
                answer = self.requests[rid]
                if answer is not None:
                    self.send(answer)
                return
            self.requests[rid] = None
            while len(self.requests) > REMEMBERED:
                self.requests.popitem(last=False)
        op = msg.get('op')
        args = msg.get('args') or {}
        if op == 'command':
            self._command(rid, args)
        elif op == 'rados':
            self.work.put(lambda: self._rados(rid, args))
        elif op == 'cephfs':
            self.work.put(lambda: self._cephfs(rid, args))
        elif op == 'health':
            self.checks = dict(args.get('checks') or {})
            self.module.raise_health()
            self._answer(rid, 0, '', '')
        else:
            self._answer(rid, -errno.EOPNOTSUPP, '', 'mgrkit_recorder serves no "%s"' % op)

    def _command(self, rid: str, args: Dict[str, Any]) -> None:
        target = args.get('target') or {}
        svc_type = str(target.get('type', 'mon'))
        svc_id = str(target.get('id') or '')
        cmd = args.get('cmd') or {}
        inbuf = _text(args.get('inbuf'))
        self.applied += 1

        def done(r: int, outb: str, outs: str) -> None:
            self.work.put(lambda: self._finish_command(rid, svc_type, cmd, r, outb, outs))

        if svc_type == 'mgr':
            # This manager's own commands (its modules'), as a client sends them: through its RADOS client.
            def mgr_command() -> None:
                try:
                    r, outb, outs = self.module.rados.mgr_command(json.dumps(cmd), _b(inbuf), timeout=0)
                except Exception as e:  # a command the manager cannot take
                    r, outb, outs = -errno.EINVAL, b'', str(e)
                done(int(r), _text(outb), _text(outs))

            self.work.put(mgr_command)
            return
        try:
            self.module.send_command(_Completion(done), svc_type, svc_id, json.dumps(cmd), '', inbuf)
        except SystemError:
            # Pacific's ceph_send_command sends a `pg` command and then returns NULL without an exception: the
            # command is on its way and its completion will answer.
            if svc_type != 'pg':
                raise
        except Exception as e:  # a target ceph-mgr cannot send to
            self._answer(rid, -errno.EINVAL, '', str(e))

    def _finish_command(self, rid: str, svc_type: str, cmd: Dict[str, Any], r: int, outb: str, outs: str) -> None:
        epoch = None
        prefix = str(cmd.get('prefix', ''))
        if r == 0 and svc_type == 'mon' and prefix.startswith('osd ') and not _reads_only(prefix):
            # The epoch the monitors are at now: mgrkit answers once it has published it, as ceph-mgr's modules
            # see the change in their next get('osd_map').
            sr, sout, _ = self.module.mon_command({'prefix': 'osd stat', 'format': 'json'})
            if sr == 0:
                try:
                    epoch = int(json.loads(sout)['epoch'])
                except (ValueError, KeyError, TypeError):
                    epoch = None
        self._answer(rid, r, outb, outs, epoch)

    def _rados(self, rid: str, args: Dict[str, Any]) -> None:
        """One python-rados call on the manager's own client; ENOENT as r=-2, other errors as their errno."""
        import rados  # the manager's python-rados, present wherever ceph-mgr runs

        call = str(args.get('call'))
        oid = str(args.get('oid', ''))
        pool = int(args['pool'])
        try:
            # One I/O context per pool, kept: opening one per call costs more than the call (only this thread uses
            # them); one whose pool the client's OSD map no longer has is dropped, and opening it again fails ENOENT.
            ioctx = self.ioctxs.get(pool)
            if ioctx is not None and self.module.rados.pool_reverse_lookup(pool) is None:
                self.ioctxs.pop(pool).close()
                ioctx = None
            if ioctx is None:
                ioctx = self.module.rados.open_ioctx2(pool)
                self.ioctxs[pool] = ioctx
            value = self._rados_call(rados, ioctx, call, oid, args, self.listings)
        except rados.Error as e:
            code = getattr(e, 'errno', None) or errno.EIO
            self._answer(rid, -abs(int(code)), '', str(e))
            return
        self._answer(rid, 0, '' if value is None else json.dumps(value), '')

    def _cephfs(self, rid: str, args: Dict[str, Any]) -> None:
        import cephfs

        try:
            value = self.cephfs.call(args)
        except cephfs.Error as e:
            code = getattr(e, 'errno', None) or errno.EIO
            self._answer(rid, -abs(int(code)), '', str(e))
            return
        self._answer(rid, 0, '' if value is None else json.dumps(value), '')

    @staticmethod
    def _rados_call(rados: Any, ioctx: Any, call: str, oid: str, args: Dict[str, Any],
                    listings: Dict[int, Tuple[float, List[str]]]) -> Any:
        def data() -> bytes:
            return base64.b64decode(args.get('data') or '')

        def pairs(items: Any) -> Any:
            return [[k, base64.b64encode(v or b'').decode('ascii')] for k, v in items]

        if call == 'stat':
            size, mtime = ioctx.stat(oid)
            return {'size': size, 'mtime': int(time.mktime(mtime) * 1000)}
        if call == 'read':
            return base64.b64encode(ioctx.read(oid, int(args['length']), int(args['offset']))).decode('ascii')
        if call == 'write_full':
            ioctx.write_full(oid, data())
            return None
        if call == 'write':
            ioctx.write(oid, data(), int(args.get('offset', 0)))
            return None
        if call == 'remove':
            ioctx.remove_object(oid)
            return None
        if call == 'get_xattr':
            try:
                return base64.b64encode(ioctx.get_xattr(oid, str(args['name']))).decode('ascii')
            except rados.NoData:
                return None
        if call == 'get_xattrs':
            return pairs(ioctx.get_xattrs(oid))
        if call == 'set_xattr':
            for k, v in args.get('entries') or []:
                ioctx.set_xattr(oid, str(k), base64.b64decode(v))
            return None
        if call == 'rm_xattr':
            ioctx.stat(oid)  # a missing object is ENOENT; a missing xattr is not an error
            for k in args.get('names') or []:
                try:
                    ioctx.rm_xattr(oid, str(k))
                except rados.NoData:
                    pass
            return None
        if call == 'set_omap':
            entries = args.get('entries') or []
            with rados.WriteOpCtx() as op:
                ioctx.set_omap(op, tuple(str(k) for k, _ in entries), tuple(base64.b64decode(v) for _, v in entries))
                ioctx.operate_write_op(op, oid)
            return None
        if call == 'rm_omap':
            ioctx.stat(oid)
            with rados.WriteOpCtx() as op:
                ioctx.remove_omap_keys(op, tuple(str(k) for k in args.get('names') or []))
                ioctx.operate_write_op(op, oid)
            return None
        if call == 'get_omap_vals':
            with rados.ReadOpCtx() as op:
                it, _ = ioctx.get_omap_vals(op, str(args.get('start_after', '')), str(args.get('prefix', '')),
                                            int(args.get('max', -1)))
                ioctx.operate_read_op(op, oid)
                return pairs(it)
        if call == 'list':
            # mgrkit pages through a pool by name: the sorted listing made for its first page serves the next ones
            # (for a minute), so a whole listing costs one pass over the pool, not one per page.
            after = args.get('after')
            pool = int(args['pool'])
            held = listings.get(pool)
            if after is None or held is None or time.monotonic() - held[0] > 60:
                held = (time.monotonic(), sorted(o.key for o in ioctx.list_objects()))
                listings[pool] = held
            names = held[1]
            start = 0 if after is None else bisect.bisect_right(names, str(after))
            return names[start:start + int(args.get('limit', 256))]
        raise rados.Error('mgrkit_recorder: no rados call %r' % call)

    def _answer(self, rid: str, r: int, outb: str, outs: str, epoch: Optional[int] = None) -> None:
        reply: Dict[str, Any] = {'bridge': 'reply', 'id': rid, 'r': r, 'outb': outb, 'outs': outs}
        if epoch is not None:
            reply['osd_epoch'] = epoch
        line = json.dumps(reply).encode('utf-8') + b'\n'
        with self.lock:
            if rid in self.requests:
                self.requests[rid] = line
        self.send(line)

    def _work(self) -> None:
        while True:
            job = self.work.get()
            try:
                job()
            except Exception as e:  # one answer must not end the others
                self.module.log.exception('mgrkit_recorder bridge: %s', e)

    # `ceph mgrkit ...`, on the manager's command thread.
    def mgrkit_command(self, words: Any, perm: str, inbuf: Optional[str], timeout: float = 60.0,
                       fmt: Optional[str] = None) -> Tuple[int, str, str]:
        if not self.up:
            return -errno.ENOTCONN, '', 'mgrkit is not connected to this manager\'s mgrkit_recorder (output = ' \
                                        'listen:... and mgrkit run --source listen:...)'
        with self.lock:
            self.next_id += 1
            rid = 'rec-%d' % self.next_id
        event = threading.Event()
        holder: Dict[str, Any] = {}
        self.waiting[rid] = (event, holder)
        self.served += 1
        try:
            args = {'words': [str(w) for w in (words or [])], 'perm': perm, 'inbuf': inbuf or '',
                    'entity': 'mgr.%s' % self.module.get_mgr_id()}
            if fmt:
                args['format'] = str(fmt)
            line = json.dumps({'bridge': 'request', 'id': rid, 'op': 'mgrkit_command', 'args': args})
            if not self.send(line.encode('utf-8') + b'\n'):
                return -errno.ENOTCONN, '', 'the connection to mgrkit was lost'
            if not event.wait(timeout):
                return -errno.ETIMEDOUT, '', 'mgrkit did not answer within %d s' % timeout
            return int(holder.get('r', -errno.EIO)), holder.get('outb', ''), holder.get('outs', '')
        finally:
            self.waiting.pop(rid, None)
