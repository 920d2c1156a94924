#!/usr/bin/env python3
"""Time _xxsubinterpreters.channel_list_interpreters(): ours against pristine.

Both interpreters are timed in one run, side by side: the patched build
(our implementation) and the pristine 3.9.2 build, which carries upstream's
own implementation of the same function.  Each case runs in a fresh
process of the interpreter being measured; the rounds alternate between
the two builds so that both see the same machine conditions, and which
build goes first alternates from round to round.

Cases (time per call):

  2 ends, N interpreters      N subinterpreters exist besides the main one;
                              the main interpreter sends one item, the oldest
                              subinterpreter receives it; the send end is
                              listed ([main]), then the recv end.
  all N associated            N subinterpreters and the main one each send
                              once (the items are drained); the send end is
                              listed (N + 1 IDs).
  1 listed after W workers    the worker pattern: the main interpreter
                              receives from a long-lived channel first (so it
                              is on the recv end), then W short-lived
                              subinterpreters are created one after the other;
                              each receives one item from the channel and is
                              destroyed.  The recv end is listed ([main]);
                              the channel still holds the ends of the W
                              destroyed workers.  The "main last" variant
                              makes the main interpreter receive only after
                              the workers, so its end comes after theirs.

For each row: the best time per call over the repeats of every round
(as timeit recommends: on a shared machine the other figures measure the
neighbours), for ours and for pristine, and pristine / ours (above 1.00x:
ours is faster).  The worker rows also show each build's figure as a
multiple of its own 0-worker figure.  Then the targets of issue 9, each
"met" or "MISSED" on this run's figures: pristine / ours >= 2.5 with 2
ends at 100 interpreters (either end), >= 1.2 with all 100 associated,
ours after 1000 workers < 2x its 0-worker figure, and no row under 1.00x
(never slower than pristine).  Nothing is asserted and the exit status
does not depend on them: timings are noisy, read them.

Usage:
    python3 scripts/bench_channels.py --patched build/patched/python \\
        --pristine build/pristine/python

Standard library only; works with Python 3.7 and newer (both the script's
interpreter and the ones under test).
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workbench  # noqa: E402


# Run by the Python under test: argv = [case, size, number, repeats].
# Prints one JSON list: the time per call of each repeat.
CHILD = r'''
import functools
import json
import sys
import time
import _xxsubinterpreters as interpreters

case, size, number, repeats = sys.argv[1], *(int(a) for a in sys.argv[2:5])

def run_in(interp, code):
    interpreters.run_string(interp, (
        'import _xxsubinterpreters as _interpreters\n' + code))

main = interpreters.get_current()
cid = interpreters.channel_create()
interps = []
if case in ('send', 'recv'):
    interps = [interpreters.create() for _ in range(size)]
    interpreters.channel_send(cid, b'spam')
    run_in(interps[0], '_interpreters.channel_recv(%d)\n' % int(cid))
    send = case == 'send'
    expected = [main] if send else [interps[0]]
elif case == 'all':
    interps = [interpreters.create() for _ in range(size)]
    interpreters.channel_send(cid, b'spam')
    for interp in interps:
        run_in(interp, '_interpreters.channel_send(%d, b"spam")\n' % int(cid))
    for _ in range(size + 1):
        interpreters.channel_recv(cid)
    send = True
    expected = [main] + interps
elif case in ('workers', 'workers-main-last'):
    if case == 'workers':
        interpreters.channel_recv(cid, None)
    for _ in range(size):
        interpreters.channel_send(cid, b'spam')
        worker = interpreters.create()
        run_in(worker, '_interpreters.channel_recv(%d)\n' % int(cid))
        interpreters.destroy(worker)
    if case == 'workers-main-last':
        interpreters.channel_recv(cid, None)
    send = False
    expected = [main]
else:
    sys.exit('unknown case %r' % case)

call = functools.partial(interpreters.channel_list_interpreters, cid,
                         send=send)
got = call()
if got != expected:
    sys.exit('%s: listed %r, expected %r' % (case, got, expected))

def run():
    t0 = time.perf_counter()
    for _ in range(number):
        call()
    return time.perf_counter() - t0

run()  # warm up
times = [run() / number for _ in range(repeats)]

interpreters.channel_destroy(cid)
for interp in interps:
    interpreters.destroy(interp)
print(json.dumps(times))
'''

# (label, case, sizes): the rows of the table, in order.
CASES = [
    ('2 ends, N interpreters: send end', 'send', (1, 10, 100)),
    ('2 ends, N interpreters: recv end', 'recv', (1, 10, 100)),
    ('all N associated', 'all', (10, 100)),
    ('1 listed after N workers', 'workers', (0, 250, 1000)),
    ('1 listed after N workers, main last', 'workers-main-last',
     (0, 250, 1000)),
]
FLAT_CASES = ('workers', 'workers-main-last')


def run_child(python, case, size, number, repeats):
    try:
        proc = subprocess.run(
            [python, '-c', CHILD, case, str(size), str(number),
             str(repeats)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True)
    except OSError as exc:
        raise workbench.WorkbenchError('cannot run %s: %s' % (python, exc))
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ['(no output)'])[-1]
        raise workbench.WorkbenchError(
            '%s failed for %s N=%d (exit status %d): %s'
            % (python, case, size, proc.returncode, last))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_targets(best):
    """Issue 9's targets on the best times of a run.

    best maps (build, case, size) to seconds per call, build being 'ours'
    or 'pristine'.  Return (text, met) for each target whose rows were run.
    """
    def ratio(case, size):
        return best['pristine', case, size] / best['ours', case, size]

    def have(case, *sizes):
        return all((build, case, size) in best
                   for build in ('ours', 'pristine') for size in sizes)

    results = []
    for case in ('send', 'recv'):
        if have(case, 100):
            r = ratio(case, 100)
            results.append(('2 ends at 100 interpreters, %s end: %.2fx '
                            'pristine (target >= 2.50x)' % (case, r),
                            r >= 2.5))
    if have('all', 100):
        r = ratio('all', 100)
        results.append(('all 100 associated: %.2fx pristine '
                        '(target >= 1.20x)' % r, r >= 1.2))
    if have('workers', 0, 1000):
        flat = best['ours', 'workers', 1000] / best['ours', 'workers', 0]
        results.append(('1 listed after 1000 workers: %.2fx its 0-worker '
                        'time (target < 2.00x)' % flat, flat < 2.0))
    slower = sorted((case, size) for build, case, size in best
                    if build == 'ours' and have(case, size)
                    and ratio(case, size) < 1.0)
    text = 'never slower than pristine: no row under 1.00x'
    if slower:
        text += ' (under: %s)' % ', '.join(
            '%s N=%d %.2fx' % (case, size, ratio(case, size))
            for case, size in slower)
    results.append((text, not slower))
    return results


def fmt_time(seconds):
    ns = seconds * 1e9
    if ns < 10000:
        return '%.0f ns' % ns
    return '%.1f us' % (ns / 1000)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--patched', required=True,
                        help='the patched build (ours)')
    parser.add_argument('--pristine', required=True,
                        help='the pristine 3.9.2 build (upstream)')
    parser.add_argument('--number', type=int, default=1000,
                        help='calls per repeat (default: %(default)s)')
    parser.add_argument('--repeats', type=int, default=7,
                        help='repeats per process (default: %(default)s)')
    parser.add_argument('--rounds', type=int, default=3,
                        help='processes per build and row, alternating '
                             'between the builds (default: %(default)s)')
    parser.add_argument('--cases', default=','.join(c for _, c, _ in CASES),
                        help='the cases to run, comma separated '
                             '(default: %(default)s)')
    args = parser.parse_args(argv)
    if args.number < 1 or args.repeats < 1 or args.rounds < 1:
        parser.error('--number, --repeats and --rounds must be positive')
    wanted = args.cases.split(',')
    unknown = set(wanted) - {c for _, c, _ in CASES}
    if unknown:
        parser.error('--cases: unknown: %s' % ', '.join(sorted(unknown)))
    cases = [row for row in CASES if row[1] in wanted]
    builds = [('ours', args.patched), ('pristine', args.pristine)]

    print('ours:     %s' % args.patched)
    print('pristine: %s' % args.pristine)
    print('%d calls per repeat, %d repeats x %d rounds per build; '
          'best time per call' % (args.number, args.repeats, args.rounds))
    print()

    times = {}
    for round_ in range(args.rounds):
        # Which build goes first alternates: a process started right after
        # a heavy one is sometimes slow for a whole process (seen as a
        # 0-worker row of 360 ns against 230 ns, for either build).
        order = builds if round_ % 2 == 0 else builds[::-1]
        for _, case, sizes in cases:
            for size in sizes:
                for name, python in order:
                    times.setdefault((name, case, size), []).extend(
                        run_child(python, case, size, args.number,
                                  args.repeats))

    header = '%-38s %5s %10s %10s %9s   %s' % (
        'case', 'N', 'ours', 'pristine', 'pri/ours', 'vs N=0 (ours, pristine)')
    print(header)
    print('-' * len(header))
    for label, case, sizes in cases:
        for size in sizes:
            ours = min(times['ours', case, size])
            pristine = min(times['pristine', case, size])
            flat = ''
            if case in FLAT_CASES:
                ours0 = min(times['ours', case, sizes[0]])
                pristine0 = min(times['pristine', case, sizes[0]])
                flat = '%.2fx, %.2fx' % (ours / ours0, pristine / pristine0)
            print('%-38s %5d %10s %10s %8.2fx   %s' % (
                label, size, fmt_time(ours), fmt_time(pristine),
                pristine / ours, flat))
        print()
    print('pri/ours = pristine / ours (above 1.00x: ours is faster); '
          'vs N=0 = time / the same build\'s 0-worker time.')
    print()
    print('Targets (issue 9), on this run:')
    best = {key: min(values) for key, values in times.items()}
    for text, met in check_targets(best):
        print('  %-7s %s' % ('met' if met else 'MISSED', text))
    return 0


if __name__ == '__main__':
    sys.exit(workbench.run_main('bench_channels', main))
