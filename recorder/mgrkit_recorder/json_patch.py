"""RFC 6902 JSON Patch between two JSON documents: only add, remove and replace."""

from typing import Any, Dict, List

Op = Dict[str, Any]


def _escape(key: str) -> str:
    return key.replace('~', '~0').replace('/', '~1')


def diff(old: Any, new: Any, path: str = '') -> List[Op]:
    """The operations that turn `old` into `new`, applied in order."""
    ops: List[Op] = []
    _diff(old, new, path, ops)
    return ops


def _diff(old: Any, new: Any, path: str, ops: List[Op]) -> None:
    if old is new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            if key not in new:
                ops.append({'op': 'remove', 'path': path + '/' + _escape(key)})
            else:
                _diff(value, new[key], path + '/' + _escape(key), ops)
        for key, value in new.items():
            if key not in old:
                ops.append({'op': 'add', 'path': path + '/' + _escape(key), 'value': value})
        return
    if isinstance(old, list) and isinstance(new, list):
        _diff_list(old, new, path, ops)
        return
    # bool is an int in Python: True == 1, but they are different JSON.
    if type(old) is not type(new) or old != new:
        ops.append({'op': 'replace', 'path': path, 'value': new})


def _diff_list(old: List[Any], new: List[Any], path: str, ops: List[Op]) -> None:
    n_old, n_new = len(old), len(new)
    head = 0
    while head < n_old and head < n_new and _same(old[head], new[head]):
        head += 1
    tail = 0
    while tail < n_old - head and tail < n_new - head and _same(old[n_old - 1 - tail], new[n_new - 1 - tail]):
        tail += 1
    old_mid = n_old - head - tail
    new_mid = n_new - head - tail
    common = min(old_mid, new_mid)
    # An element removed or added in the middle (a pool deleted) is one op, not a shift of every later element.
    for i in range(common):
        _diff(old[head + i], new[head + i], '%s/%d' % (path, head + i), ops)
    for _ in range(old_mid - common):
        ops.append({'op': 'remove', 'path': '%s/%d' % (path, head + common)})
    for i in range(common, new_mid):
        ops.append({'op': 'add', 'path': '%s/%d' % (path, head + i), 'value': new[head + i]})


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
