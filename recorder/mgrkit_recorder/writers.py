"""Where recorded lines go: a JSONL file rotated by size (plain or gzip), or a stream socket mgrkit listens on."""

import gzip
import hashlib
import hmac
import json
import os
import socket
import threading
import time
import zlib
from typing import Any, BinaryIO, Callable, Dict, List, Optional, Tuple


class WriterError(Exception):
    pass


class FileWriter:
    """Appends lines to `path`; past `max_bytes` on disk the file becomes `path.1` (older ones shift up, at most
    `keep` are kept) and a new file starts. Each file starts with a resync, so it replays on its own."""

    def __init__(self, path: str, max_bytes: int, keep: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.keep = keep
        self.gz = path.endswith('.gz')
        self.raw: Optional[BinaryIO] = None
        self.out: Optional[BinaryIO] = None
        self.rotations = 0
        self.needs_resync = True

    def describe(self) -> str:
        return 'file %s' % self.path

    @property
    def connected(self) -> bool:
        return self.out is not None

    def _open(self) -> None:
        d = os.path.dirname(self.path)
        if d:
            os.makedirs(d, exist_ok=True)
        try:
            self.raw = open(self.path, 'ab')
        except OSError as e:
            raise WriterError('cannot open %s: %s' % (self.path, e))
        self.out = gzip.GzipFile(fileobj=self.raw, mode='ab') if self.gz else self.raw
        # An existing file may end with another run's maps: this run's first maps must be whole either way.
        self.needs_resync = True

    def ready(self) -> bool:
        if self.out is None:
            self._open()
        return True

    def write(self, lines: List[bytes]) -> int:
        if self.out is None:
            self._open()
        assert self.out is not None and self.raw is not None
        data = b''.join(lines)
        try:
            self.out.write(data)
        except OSError as e:
            self.close()
            raise WriterError('cannot write %s: %s' % (self.path, e))
        return len(data)

    def flush(self) -> None:
        if self.out is None or self.raw is None:
            return
        try:
            if self.gz:
                # A sync flush ends a deflate block, so a reader sees every line written so far.
                self.out.flush(zlib.Z_SYNC_FLUSH)  # type: ignore[call-arg]
            self.raw.flush()
        except OSError as e:
            self.close()
            raise WriterError('cannot write %s: %s' % (self.path, e))
        if self.max_bytes > 0 and self.raw.tell() >= self.max_bytes:
            self.rotate()

    def rotate(self) -> None:
        self.close()
        for n in range(self.keep - 1, 0, -1):
            src = '%s.%d' % (self.path, n)
            if os.path.exists(src):
                os.replace(src, '%s.%d' % (self.path, n + 1))
        if self.keep > 0:
            os.replace(self.path, '%s.1' % self.path)
        else:
            os.remove(self.path)
        self.rotations += 1
        self._open()

    def close(self) -> None:
        try:
            if self.out is not None and self.out is not self.raw:
                self.out.close()
            if self.raw is not None:
                self.raw.close()
        except OSError:
            pass
        self.out = None
        self.raw = None


def parse_address(spec: str) -> Tuple[int, object]:
    """`/path/to.sock` (a Unix socket) or `host:port` (TCP)."""
    if spec.startswith('/') or spec.startswith('.'):
        return socket.AF_UNIX, spec
    host, sep, port = spec.rpartition(':')
    if not sep or not port.isdigit():
        raise WriterError('listen address %r is neither a socket path nor host:port' % spec)
    return socket.AF_INET6 if ':' in host else socket.AF_INET, (host.strip('[]'), int(port))


class SocketWriter:
    """Streams lines to a socket mgrkit listens on. While it is unreachable, lines are dropped (and counted by the
    caller); every new connection starts with a resync.

    mgrkit's first line says whether the connection must authenticate (`challenge`: the recorder answers with the
    HMAC-SHA256 of its nonce keyed by the shared secret) or is open (`open`, on a Unix socket); either way the
    recorder then says hello and the connection carries requests both ways, read by a thread of their own
    (`on_line` gets each line mgrkit sends). A listener that says nothing within HANDSHAKE_SECONDS only records."""

    RETRY_SECONDS = 1.0
    SEND_TIMEOUT = 5.0
    HANDSHAKE_SECONDS = 3.0

    def __init__(self, spec: str, secret: Optional[Callable[[], Optional[str]]] = None,
                 hello: Optional[Callable[[], bytes]] = None,
                 on_line: Optional[Callable[[Dict[str, Any]], None]] = None,
                 on_state: Optional[Callable[[bool], None]] = None) -> None:
        self.spec = spec
        self.family, self.address = parse_address(spec)
        self.sock: Optional[socket.socket] = None
        self.next_try = 0.0
        self.rotations = 0
        self.needs_resync = True
        self.connects = 0
        self.pending: List[bytes] = []
        self.secret = secret
        self.hello = hello
        self.on_line = on_line
        self.on_state = on_state
        self.bridged = False
        self.lock = threading.Lock()

    def describe(self) -> str:
        return 'listen:%s' % self.spec

    @property
    def connected(self) -> bool:
        return self.sock is not None

    def ready(self) -> bool:
        if self.sock is not None:
            return True
        now = time.monotonic()
        if now < self.next_try:
            return False
        self.next_try = now + self.RETRY_SECONDS
        s = socket.socket(self.family, socket.SOCK_STREAM)
        s.settimeout(self.SEND_TIMEOUT)
        try:
            s.connect(self.address)  # type: ignore[arg-type]
        except OSError as e:
            s.close()
            raise WriterError('cannot connect to %s: %s' % (self.spec, e))
        reader = s.makefile('rb')
        try:
            bridged = self._handshake(s, reader)
        except WriterError:
            reader.close()
            s.close()
            raise
        s.settimeout(self.SEND_TIMEOUT)
        self.sock = s
        self.bridged = bridged
        self.connects += 1
        self.needs_resync = True
        if bridged:
            threading.Thread(target=self._read, args=(s, reader), name='mgrkit-bridge-reader', daemon=True).start()
            if self.on_state is not None:
                self.on_state(True)
        return True

    def _handshake(self, s: socket.socket, reader: Any) -> bool:
        s.settimeout(self.HANDSHAKE_SECONDS)
        try:
            first = reader.readline()
        except socket.timeout:
            return False
        except OSError as e:
            raise WriterError('lost %s: %s' % (self.spec, e))
        if not first:
            raise WriterError('%s closed the connection' % self.spec)
        try:
            msg = json.loads(first)
        except ValueError:
            raise WriterError('%s sent %r, not the bridge\'s first line' % (self.spec, first[:80]))
        lines = []
        if msg.get('bridge') == 'challenge':
            secret = self.secret() if self.secret is not None else None
            if not secret:
                raise WriterError('mgrkit at %s asks for the shared secret: set it with ceph config-key set '
                                  'mgr/mgrkit_recorder/secret (the text of mgrkit\'s --bridge-secret-file)' % self.spec)
            mac = hmac.new(secret.strip().encode('utf-8'), str(msg.get('nonce', '')).encode('ascii'),
                           hashlib.sha256).hexdigest()
            lines.append(json.dumps({'bridge': 'auth', 'version': 1, 'hmac': mac}).encode('utf-8') + b'\n')
        elif msg.get('bridge') != 'open':
            raise WriterError('%s sent %r, not the bridge\'s first line' % (self.spec, first[:80]))
        if self.hello is not None:
            lines.append(self.hello())
        try:
            s.settimeout(self.SEND_TIMEOUT)
            s.sendall(b''.join(lines))
        except OSError as e:
            raise WriterError('lost %s: %s' % (self.spec, e))
        return True

    def _read(self, s: socket.socket, reader: Any) -> None:
        s.settimeout(None)
        try:
            for line in reader:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if isinstance(msg, dict) and self.on_line is not None:
                    self.on_line(msg)
        except (OSError, ValueError):
            pass
        finally:
            reader.close()
            with self.lock:
                if self.sock is s:
                    self._drop()

    def send(self, line: bytes) -> bool:
        """Sends one line now (a reply, a request), from any thread; False when not connected."""
        with self.lock:
            if self.sock is None:
                return False
            try:
                self.sock.sendall(line)
                return True
            except OSError:
                self._drop()
                return False

    def write(self, lines: List[bytes]) -> int:
        if not self.ready():
            raise WriterError('not connected to %s' % self.spec)
        self.pending.extend(lines)
        return sum(len(x) for x in lines)

    def flush(self) -> None:
        if self.sock is None or not self.pending:
            self.pending = []
            return
        data = b''.join(self.pending)
        self.pending = []
        with self.lock:
            if self.sock is None:
                raise WriterError('lost %s' % self.spec)
            try:
                self.sock.sendall(data)
            except OSError as e:
                self._drop()
                raise WriterError('lost %s: %s' % (self.spec, e))

    def _drop(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        if self.bridged:
            self.bridged = False
            if self.on_state is not None:
                self.on_state(False)

    def close(self) -> None:
        with self.lock:
            self._drop()
