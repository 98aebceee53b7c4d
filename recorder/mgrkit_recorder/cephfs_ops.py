"""CephFS for mgrkit's modules on this cluster: each mgrkit client is a libcephfs mount made from the manager's own
RADOS client (as mgr_util's CephfsConnectionPool does), kept until mgrkit unmounts it or the connection goes."""

import base64
import errno
import threading
from typing import Any, Dict


def _b(text: Any) -> bytes:
    return str(text).encode('utf-8')


def _ms(when: Any) -> int:
    return int(when.timestamp() * 1000) if hasattr(when, 'timestamp') else int(when) * 1000


def _attrs(st: Any) -> Dict[str, Any]:
    return {'ino': int(st.st_ino), 'mode': int(st.st_mode), 'nlink': int(st.st_nlink), 'uid': int(st.st_uid),
            'gid': int(st.st_gid), 'size': int(st.st_size), 'atime': _ms(st.st_atime), 'mtime': _ms(st.st_mtime),
            'ctime': _ms(st.st_ctime)}


class CephFsOps:
    def __init__(self, module: Any) -> None:
        self.module = module
        self.lock = threading.Lock()
        self.mounts: Dict[str, Any] = {}

    def close_all(self) -> None:
        """The connection to mgrkit is gone: its clients' mounts go with it, as a client's do when it dies."""
        with self.lock:
            mounts, self.mounts = self.mounts, {}
        for fs in mounts.values():
            try:
                fs.unmount()
                fs.shutdown()
            except Exception:  # a mount that fails to close is dropped either way
                pass

    def call(self, args: Dict[str, Any]) -> Any:
        """One libcephfs call; raises cephfs.Error (with its errno) as python-cephfs does."""
        import cephfs  # the manager's python-cephfs, where ceph-mgr is installed with it

        call = str(args.get('call'))
        client = str(args.get('client'))
        if call == 'mount':
            name = args.get('filesystem')
            fscid = None
            for fs_info in (self.module.get('fs_map') or {}).get('filesystems', []):
                mdsmap = fs_info.get('mdsmap', {})
                if name is None or mdsmap.get('fs_name') == name:
                    name, fscid = mdsmap.get('fs_name'), fs_info.get('id')
                    break
            if fscid is None:
                raise cephfs.ObjectNotFound('no file system %s' % (name or '(none)'))
            fs = cephfs.LibCephFS(rados_inst=self.module.rados)
            fs.init()
            fs.mount(mount_root=_b(args.get('root') or '/'), filesystem_name=_b(name))
            with self.lock:
                old = self.mounts.pop(client, None)
                self.mounts[client] = fs
            if old is not None:
                old.shutdown()
            return {'fscid': fscid}
        with self.lock:
            fs = self.mounts.get(client)
        if fs is None:
            raise cephfs.Error('not mounted', errno.ENOTCONN)
        path = _b(args.get('path', ''))
        if call == 'unmount':
            with self.lock:
                self.mounts.pop(client, None)
            fs.unmount()
            fs.shutdown()
            return None
        if call == 'statfs':
            s = fs.statfs(path)
            return {'bytesTotal': s['f_blocks'] * s['f_frsize'], 'bytesFree': s['f_bfree'] * s['f_frsize'],
                    'files': s['f_files']}
        if call == 'mkdir':
            fs.mkdir(path, int(args['mode']))
        elif call == 'mkdirs':
            fs.mkdirs(path, int(args['mode']))
        elif call == 'rmdir':
            fs.rmdir(path)
        elif call == 'unlink':
            fs.unlink(path)
        elif call == 'rename':
            fs.rename(path, _b(args['dst']))
        elif call == 'open':
            return fs.open(path, int(args['flags']), int(args['mode']))
        elif call == 'close':
            fs.close(int(args['fd']))
        elif call == 'read':
            return base64.b64encode(fs.read(int(args['fd']), int(args['offset']), int(args['length']))).decode('ascii')
        elif call == 'write':
            return fs.write(int(args['fd']), base64.b64decode(args.get('data') or ''), int(args['offset']))
        elif call == 'readdir':
            entries = []
            d = fs.opendir(path)
            try:
                e = fs.readdir(d)
                while e:
                    entries.append({'name': e.d_name.decode('utf-8', 'surrogateescape'), 'ino': int(e.d_ino),
                                    'type': int(e.d_type)})
                    e = fs.readdir(d)
            finally:
                fs.closedir(d)
            return entries
        elif call == 'stat':
            return _attrs(fs.stat(path))
        elif call == 'fstat':
            return _attrs(fs.fstat(int(args['fd'])))
        elif call == 'setxattr':
            fs.setxattr(path, str(args['name']), base64.b64decode(args.get('value') or ''), int(args.get('flags', 0)))
        elif call == 'getxattr':
            return base64.b64encode(fs.getxattr(path, str(args['name']), 65536)).decode('ascii')
        elif call == 'removexattr':
            fs.removexattr(path, str(args['name']))
        elif call == 'listxattr':
            got = fs.listxattr(path, 65536)
            raw = got[1] if isinstance(got, tuple) else got
            return [n.decode('utf-8') for n in raw.split(b'\0') if n]
        else:
            raise cephfs.Error('mgrkit_recorder: no cephfs call %r' % call, errno.EOPNOTSUPP)
        return None
