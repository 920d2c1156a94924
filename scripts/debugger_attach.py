#!/usr/bin/env python3
"""What a debugger which writes trace functions into thread states sees.

pydevd (vendored in debugpy) and PTVS attach to a running CPython 3.9 by
writing c_tracefunc, c_traceobj and use_tracing of each thread state
directly, not through _PyEval_SetTrace(), so the interpreter does not count
the thread as traced.  pydevd then starts a thread which calls
sys.settrace() and ends ("the step"), relying on the count that thread
leaves behind.  This script emulates that attach with ctypes (CPython 3.9
x86-64 layout of PyThreadState: use_tracing at +48, c_tracefunc at +64,
c_traceobj at +80; the trampoline address is read from a thread state which
sys.settrace() traced) and prints, for each interpreter given and each
variant of the step (none, before the attach, after it), the number of
line events a four-line function gets in the attached thread (4 is right),
and, where the interpreter has _testinternalcapi.get_tracing_possible(),
the count after the thread has ended, over several rounds in one process.

Usage:
    python3 scripts/debugger_attach.py PYTHON [PYTHON ...] [--rounds N]
                                       [--check]

--check (`make examples`): fail unless every round of every variant got all
4 line events, left the count at 0 (where it can be read) and exited 0:
what the series promises a debugger.

Each variant runs in a fresh process of the interpreter measured, with a
timeout; a crash or an abort shows as the exit status.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402

WORKER = r'''
import ctypes, sys, threading
try:
    from _testinternalcapi import get_tracing_possible
except ImportError:
    get_tracing_possible = None

USE_TRACING, C_TRACEFUNC, C_TRACEOBJ = 48, 64, 80
api = ctypes.pythonapi
api.PyThreadState_Get.restype = ctypes.c_void_p
api.Py_IncRef.argtypes = [ctypes.py_object]

def field(tstate, offset, ctype):
    return ctype.from_address(tstate + offset)

def trampoline():
    # The C trampoline of sys.settrace(), as a debugger finds it.
    sys.settrace(lambda *args: None)
    address = field(api.PyThreadState_Get(), C_TRACEFUNC,
                    ctypes.c_void_p).value
    sys.settrace(None)
    return address

def four_lines():
    a = 1
    b = 2
    c = 3
    return a + b + c

def step():
    thread = threading.Thread(target=sys.settrace,
                              args=(lambda *args: None,))
    thread.start()
    thread.join()

def attach(tstate, func, address):
    api.Py_IncRef(func)
    field(tstate, C_TRACEOBJ, ctypes.c_void_p).value = id(func)
    field(tstate, C_TRACEFUNC, ctypes.c_void_p).value = address
    field(tstate, USE_TRACING, ctypes.c_int).value = 1

def one_round(variant, address):
    events = []
    def tracer(frame, event, arg):
        if frame.f_code is four_lines.__code__:
            events.append(event)
        return tracer
    ready, go = threading.Event(), threading.Event()
    tstates = []
    def worker():
        tstates.append(api.PyThreadState_Get())
        ready.set()
        go.wait()
        four_lines()
    thread = threading.Thread(target=worker)
    thread.start()
    ready.wait()
    if variant == 'before':
        step()
    attach(tstates[0], tracer, address)
    if variant == 'after':
        step()
    go.set()
    thread.join()
    count = get_tracing_possible() if get_tracing_possible else None
    return events.count('line'), count

variant, rounds = sys.argv[1], int(sys.argv[2])
address = trampoline()
for _ in range(rounds):
    lines, count = one_round(variant, address)
    print(lines, '-' if count is None else count, flush=True)
'''


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pythons', nargs='+', metavar='PYTHON')
    parser.add_argument('--rounds', type=int, default=4)
    parser.add_argument('--check', action='store_true',
                        help='fail unless every round saw 4 line events '
                        'and left the count at 0')
    args = parser.parse_args(argv)
    wrong = []
    print('line events of a 4-line function in the attached thread, and '
          'the count after it ended\n(- : the interpreter has no accessor '
          'for the count); {} rounds in one process'.format(args.rounds))
    for python in args.pythons:
        print('\n' + python)
        for variant in ('none', 'before', 'after'):
            try:
                proc = subprocess.run(
                    [python, '-c', WORKER, variant, str(args.rounds)],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    timeout=60)
            except OSError as exc:
                raise workbench.WorkbenchError('cannot run {}: {}'.format(
                    python, exc.strerror))
            except subprocess.TimeoutExpired:
                print('  step {:<7} hung (killed after 60 s)'.format(variant))
                wrong.append('{} step {}: hung'.format(python, variant))
                continue
            out = proc.stdout.decode('utf-8', 'replace').split('\n')
            rows = [line.split() for line in out if line[:1].isdigit()]
            lines = ' '.join(row[0] for row in rows)
            counts = ' '.join(row[1] for row in rows if len(row) > 1)
            status = '' if proc.returncode == 0 else \
                '  exit status {}: {}'.format(
                    proc.returncode,
                    next((line for line in out
                          if 'Assertion' in line or 'Fatal' in line),
                         out[-2] if len(out) > 1 else ''))
            print('  step {:<7} line events {:<10} count {}{}'.format(
                variant, lines or '-', counts or '-', status))
            good = (proc.returncode == 0 and len(rows) == args.rounds
                    and all(row[0] == '4' and row[1:] in (['0'], ['-'])
                            for row in rows))
            if not good:
                wrong.append('{} step {}: line events {}, count {}{}'.format(
                    python, variant, lines or '-', counts or '-', status))
    if args.check and wrong:
        raise workbench.WorkbenchError(
            'a debugger would miss events or leave a count: ' + wrong[0]
            + ('' if len(wrong) == 1 else ' (and {} more)'.format(
                len(wrong) - 1)))


if __name__ == '__main__':
    sys.exit(workbench.run_main('debugger_attach', main))
