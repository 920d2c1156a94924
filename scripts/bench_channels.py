#!/usr/bin/env python3
"""Time _xxsubinterpreters.channel_list_interpreters() against the number
of existing interpreters.

The script runs the given Python (normally a build with the patch applied)
as a subprocess once per size N.  The subprocess creates N subinterpreters
besides the main one, associates two ends of one channel -- the main
interpreter sends one item, the oldest subinterpreter receives it -- and
times channel_list_interpreters() for each end.  Two references are timed
too: channel_list_interpreters() on a channel with no associated
interpreters (the function's own work: channel lookup and walk of the
channel's ends, no InterpreterID objects), and get_main(), which creates
and drops one InterpreterID object.  In CPython 3.9 creating and dropping
an InterpreterID object looks the ID up in the runtime's list of
interpreters, so that part of the cost of every listed interpreter grows
with the number of interpreters whatever the function does.

For each N the table shows the time per call (median of the repeats, with
the spread min..max of the repeats) and the ratio of the median to the one
for the smallest N.  If the cost does not depend on N the ratio stays
near 1.0.  Nothing is asserted: timings are noisy, read them.

Usage:
    python3 scripts/bench_channels.py --python build/patched/python

Standard library only; works with Python 3.7 and newer (both the script's
interpreter and the one under test).
"""

import argparse
import json
import statistics
import subprocess
import sys


# Run by the Python under test: argv = [N, number, repeats].
CHILD = r'''
import functools
import json
import sys
import time
import _xxsubinterpreters as interpreters

nsub, number, repeats = (int(a) for a in sys.argv[1:4])

interps = [interpreters.create() for _ in range(nsub)]
cid = interpreters.channel_create()
interpreters.channel_send(cid, b'spam')
interpreters.run_string(interps[0], (
    'import _xxsubinterpreters as _interpreters\n'
    '_interpreters.channel_recv(%d)\n' % int(cid)))
assert interpreters.channel_list_interpreters(cid, send=True) == [0]
assert interpreters.channel_list_interpreters(cid, send=False) == [interps[0]]

# A channel with no associated interpreters: the call returns [] and so
# creates no InterpreterID objects.  This is the function's own cost:
# the channel lookup and the walk of the channel's ends.
empty = interpreters.channel_create()
assert interpreters.channel_list_interpreters(empty, send=True) == []

def timer(call):
    """A function timing `number` calls of `call` (a functools.partial: the
    same small overhead for every row and every N)."""
    def run():
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        return time.perf_counter() - t0
    return run

list_interps = interpreters.channel_list_interpreters
time_send = timer(functools.partial(list_interps, cid, send=True))
time_recv = timer(functools.partial(list_interps, cid, send=False))
time_empty = timer(functools.partial(list_interps, empty, send=True))
time_get_main = timer(functools.partial(interpreters.get_main))

cases = [
    ('channel_list_interpreters(cid, send=True)', time_send),
    ('channel_list_interpreters(cid, send=False)', time_recv),
    ('channel_list_interpreters(empty, send=True)', time_empty),
    ('get_main()  [reference]', time_get_main),
]
results = {}
for name, func in cases:
    func()  # warm up
    results[name] = [func() / number for _ in range(repeats)]

interpreters.channel_destroy(cid)
interpreters.channel_destroy(empty)
for interp in interps:
    interpreters.destroy(interp)
print(json.dumps(results))
'''


def run_child(python, nsub, number, repeats):
    proc = subprocess.run(
        [python, '-c', CHILD, str(nsub), str(number), str(repeats)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True)
    if proc.returncode != 0:
        sys.exit('benchmark failed for N=%d (exit status %d):\n%s'
                 % (nsub, proc.returncode, proc.stderr))
    # The JSON document is the last line written.
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_time(seconds):
    ns = seconds * 1e9
    if ns < 10000:
        return '%.0f ns' % ns
    return '%.1f us' % (ns / 1000)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--python', default=sys.executable,
                        help='the Python to benchmark (default: %(default)s)')
    parser.add_argument('--sizes', default='1,10,100',
                        help='numbers of subinterpreters, comma separated '
                             '(default: %(default)s)')
    parser.add_argument('--number', type=int, default=10000,
                        help='calls per repeat (default: %(default)s)')
    parser.add_argument('--repeats', type=int, default=7,
                        help='repeats per case and round '
                             '(default: %(default)s)')
    parser.add_argument('--rounds', type=int, default=3,
                        help='subprocess runs per size, taken in turn '
                             '(default: %(default)s)')
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(',')]
    if not sizes or min(sizes) < 1:
        parser.error('--sizes: each size must be at least 1')
    if args.number < 1 or args.repeats < 1 or args.rounds < 1:
        parser.error('--number, --repeats and --rounds must be positive')

    version = subprocess.run(
        [args.python, '-c', 'import sys; print(sys.version)'],
        stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    print('Python under test: %s' % args.python)
    print('  %s' % version.replace('\n', ' '))
    print('%d calls per repeat, %d repeats x %d rounds; time per call = '
          'median [min..max] of the repeats'
          % (args.number, args.repeats, args.rounds))
    print('Ends: main interpreter sends, the oldest subinterpreter '
          'receives.')
    print()

    # Run the sizes in turn, several rounds, and pool the repeats, so that
    # a slow phase of a shared machine doesn't land on one size only.
    all_results = {nsub: {} for nsub in sizes}
    for _ in range(args.rounds):
        for nsub in sizes:
            result = run_child(args.python, nsub, args.number, args.repeats)
            for name, times in result.items():
                all_results[nsub].setdefault(name, []).extend(times)

    base = sizes[0]
    names = list(all_results[base])
    header = '%-44s %6s %10s %22s %8s' % (
        'call', 'N', 'median', '[min..max]', 'ratio')
    print(header)
    print('-' * len(header))
    for name in names:
        base_median = statistics.median(all_results[base][name])
        for nsub in sizes:
            times = all_results[nsub][name]
            median = statistics.median(times)
            spread = '[%s..%s]' % (fmt_time(min(times)),
                                   fmt_time(max(times)))
            print('%-44s %6d %10s %22s %7.2fx' % (
                name, nsub, fmt_time(median), spread,
                median / base_median))
        print()
    print('N = number of subinterpreters besides the main one; '
          'ratio = median / median at N=%d.' % base)
    return 0


if __name__ == '__main__':
    sys.exit(main())
