"""Where recorded lines go: a JSONL file rotated by size (plain or gzip), or a stream socket mgrkit listens on."""

import gzip
import os
import socket
import time
import zlib
from typing import BinaryIO, List, Optional, Tuple


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
    caller); every new connection starts with a resync."""

    RETRY_SECONDS = 1.0
    SEND_TIMEOUT = 5.0

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.family, self.address = parse_address(spec)
        self.sock: Optional[socket.socket] = None
        self.next_try = 0.0
        self.rotations = 0
        self.needs_resync = True
        self.connects = 0
        self.pending: List[bytes] = []

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
        self.sock = s
        self.connects += 1
        self.needs_resync = True
        return True

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
        try:
            self.sock.sendall(data)
        except OSError as e:
            self.close()
            raise WriterError('lost %s: %s' % (self.spec, e))

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
