"""What Ceph's own ceph_argparse makes of word lists: the oracle of test/ceph/argparse.int.ts.

Reads JSON from stdin: {"tables": {"NAME": ["descriptor string", ...]}, "cases": [{"table": "NAME", "words": [...]}]}
and writes one JSON list to stdout, one entry per case:
  {"ok": true, "dict": {...}}                        validate_command's dict (Python's json: NaN, Infinity, big ints)
  {"ok": false, "invalid": "message"}                 "Invalid command: message" (the right command, a bad argument)
  {"ok": false, "closest": ["concise sig", ...]}      "no valid command found; N closest matches:"
  {"ok": false, "crash": "ExceptionType: message"}    ceph_argparse raised something that is not an ArgumentError
Descriptor strings are turned into signatures as the daemons' get_command_descriptions does: literal words, then
key=value,key=value arguments.
"""
import contextlib
import io
import json
import sys

import ceph_argparse


def sig_of(descriptor):
    sig = []
    for token in descriptor.split():
        if '=' in token or ',' in token:
            sig.append(dict(piece.split('=', 1) for piece in token.split(',')))
        else:
            sig.append(token)
    return sig


def run(sigdict, words):
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            d = ceph_argparse.validate_command(sigdict, words)
    except Exception as e:  # a crash of ceph_argparse itself, reported as data
        return {'ok': False, 'crash': '{0}: {1}'.format(type(e).__name__, e)}
    if d:
        return {'ok': True, 'dict': d}
    lines = err.getvalue().splitlines()
    for i, line in enumerate(lines):
        if line.startswith('Invalid command: '):
            return {'ok': False, 'invalid': line[len('Invalid command: '):]}
        if line.startswith('no valid command found;'):
            return {'ok': False, 'closest': lines[i + 1:]}
    return {'ok': False, 'invalid': None, 'stderr': lines}


def main():
    spec = json.load(sys.stdin)
    tables = {}
    for name, descriptors in spec['tables'].items():
        raw = {'cmd{0:03d}'.format(i): {'sig': sig_of(d), 'help': 'h', 'module': 'm', 'perm': 'r', 'flags': 0}
               for i, d in enumerate(descriptors)}
        tables[name] = ceph_argparse.parse_json_funcsigs(json.dumps(raw), 'cli')
    out = [run(tables[c['table']], c['words']) for c in spec['cases']]
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
