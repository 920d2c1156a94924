#!/usr/bin/env python3
"""Measure what a trace function elsewhere costs the main interpreter.

The eval loop skips its per-opcode trace check while the tracing_possible
counter it reads is 0.  This script compares the main interpreter's loop
speed in a baseline and a patched CPython build:

  (a)  no trace function anywhere (absolute time per loop iteration);
  (b)  a thread of a subinterpreter has a trace function set, but is
       parked (blocked reading a pipe, GIL released); as a control, the
       same with the parked thread untraced;
  (c)  a thread with a trace function set has ended, in the main
       interpreter or in a subinterpreter (the subinterpreter is then
       destroyed).

(b) and (c) are printed as ratios to (a) measured in the same process, and
so is a second measurement of (a), which shows the noise of the ratios.  Each
scenario runs in a fresh process of the interpreter being measured; the
repeats of the baseline and the patched build are interleaved so that both
see the same machine conditions.  The figures are the median and the range
(min-max) over the repeats.  Nothing is asserted about them.

Usage:
    python3 scripts/bench_tracing.py --baseline build/baseline/python \\
        --patched build/patched/python [--pristine build/pristine/python] \\
        [--repeats N]

The measured interpreters need the _xxsubinterpreters extension module.
The same file is also the worker run in each measured interpreter:
    python bench_tracing.py --worker SCENARIO
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import threading
import time


# Worker side: runs inside the interpreter being measured. ################

# The best of many short runs: on a busy machine, some of them run
# undisturbed.
LOOP_ITERATIONS = 20000
LOOP_RUNS = 200

# Run in a subinterpreter: start a thread which sets a trace function (if
# traced is true) and then parks until the main interpreter releases it.
# The main interpreter passes traced and the pipe ends ready_w, release_r.
PARKED_THREAD = textwrap.dedent("""
    import os
    import sys
    import threading

    def parked():
        if traced:
            sys.settrace(lambda frame, event, arg: None)
        os.write(ready_w, b'+')
        os.read(release_r, 1)

    threading.Thread(target=parked).start()
    """)

# Run in a subinterpreter: a thread which sets a trace function and ends.
ENDED_TRACED_THREAD = textwrap.dedent("""
    import sys
    import threading

    thread = threading.Thread(target=sys.settrace,
                              args=(lambda frame, event, arg: None,))
    thread.start()
    thread.join()
    """)

# Run in a subinterpreter: the same without the trace function.
ENDED_THREAD = textwrap.dedent("""
    import threading

    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    """)


def spin(n):
    # Mostly opcodes which the eval loop dispatches on its fast path.
    total = 0
    for i in range(n):
        x = i
        y = x
        total = total + (y & 1)
    return total


def time_loop():
    """Return the best time of one iteration of spin(), in nanoseconds."""
    best = float('inf')
    for _ in range(LOOP_RUNS):
        start = time.perf_counter()
        spin(LOOP_ITERATIONS)
        best = min(best, time.perf_counter() - start)
    return best / LOOP_ITERATIONS * 1e9


def destroy_when_alone(interpreters, interp, timeout=30.0):
    """Destroy interp once the threads it started have gone away."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            interpreters.destroy(interp)
            return
        except RuntimeError:
            # "interpreter has more than one thread": a thread's state
            # is not deleted yet.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.001)


def settle():
    """Start and end an untraced thread, in the main interpreter and in a
    subinterpreter, as the scenarios do with traced ones.

    Having run a thread changes the loop speed measurably (by several per
    cent, in both builds, for reasons unrelated to tracing), so (a) is
    measured after this.
    """
    import _xxsubinterpreters as interpreters
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    interp = interpreters.create(isolated=False)
    interpreters.run_string(interp, ENDED_THREAD)
    destroy_when_alone(interpreters, interp)


def scenario_none():
    """Nothing traced: measures the noise of the ratio itself."""
    return time_loop()


def parked_thread_in_subinterp(traced):
    import _xxsubinterpreters as interpreters
    interp = interpreters.create(isolated=False)
    ready_r, ready_w = os.pipe()
    release_r, release_w = os.pipe()
    shared = {'traced': int(traced),
              'ready_w': ready_w, 'release_r': release_r}
    try:
        interpreters.run_string(interp, PARKED_THREAD, shared)
        os.read(ready_r, 1)
        result = time_loop()
    finally:
        os.write(release_w, b'x')
        destroy_when_alone(interpreters, interp)
        for fd in (ready_r, ready_w, release_r, release_w):
            os.close(fd)
    return result


def scenario_sub_parked():
    return parked_thread_in_subinterp(traced=True)


def scenario_sub_parked_untraced():
    """Control for scenario_sub_parked(): a live subinterpreter with a
    parked thread, without a trace function, already costs a little in
    some runs."""
    return parked_thread_in_subinterp(traced=False)


def scenario_main_ended():
    thread = threading.Thread(target=sys.settrace,
                              args=(lambda frame, event, arg: None,))
    thread.start()
    thread.join()
    return time_loop()


def scenario_sub_ended():
    import _xxsubinterpreters as interpreters
    interp = interpreters.create(isolated=False)
    interpreters.run_string(interp, ENDED_TRACED_THREAD)
    destroy_when_alone(interpreters, interp)
    return time_loop()


SCENARIOS = {
    'none': ('(a) again, no tracer', scenario_none),
    'sub-parked': ('(b) subinterp thread traced, parked', scenario_sub_parked),
    'sub-parked-untraced': ('    control: same, untraced',
                            scenario_sub_parked_untraced),
    'main-ended': ('(c) main-interp traced thread ended', scenario_main_ended),
    'sub-ended': ('(c) subinterp traced thread ended', scenario_sub_ended),
}


def worker(scenario):
    if sys.gettrace() is not None:
        sys.exit('the worker must not run traced')
    run = SCENARIOS[scenario][1]
    settle()
    time_loop()     # warm up
    plain = time_loop()
    after = run()
    json.dump({'plain_ns': plain, 'ratio': after / plain}, sys.stdout)
    print()


# Driver side: runs under the system python3. ############################

def run_worker(python, scenario):
    proc = subprocess.run(
        [python, '-I', os.path.abspath(__file__), '--worker', scenario],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=120)
    if proc.returncode != 0:
        sys.exit('%s --worker %s failed (exit code %d):\n%s'
                 % (python, scenario, proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def summary(values, fmt):
    values = sorted(values)
    return '%s  %s-%s' % (fmt % statistics.median(values),
                          fmt % values[0], fmt % values[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--baseline', help='baseline python executable')
    parser.add_argument('--patched', help='patched python executable')
    parser.add_argument('--pristine',
                        help='optional: the unpatched 3.9.2 python '
                             'executable, measured side by side as well')
    parser.add_argument('--repeats', type=int, default=7,
                        help='processes per interpreter and scenario '
                             '(default: %(default)s)')
    parser.add_argument('--worker', choices=sorted(SCENARIOS),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker(args.worker)
        return
    if not args.baseline or not args.patched:
        parser.error('--baseline and --patched are required')
    if args.repeats < 1:
        parser.error('--repeats must be at least 1')

    builds = [('baseline', args.baseline), ('patched', args.patched)]
    if args.pristine:
        builds.insert(0, ('pristine', args.pristine))
    for _, python in builds:
        if not os.access(python, os.X_OK):
            parser.error('not an executable: %s' % python)

    results = {(name, scenario): [] for name, _ in builds
               for scenario in SCENARIOS}
    started = time.monotonic()
    for repeat in range(args.repeats):
        # Alternate which build goes first, so neither always runs in the
        # other's wake.
        order = builds if repeat % 2 == 0 else builds[::-1]
        for scenario in SCENARIOS:
            for name, python in order:
                results[name, scenario].append(run_worker(python, scenario))
        print('repeat %d/%d done' % (repeat + 1, args.repeats),
              file=sys.stderr)

    print('Main interpreter loop speed; median and min-max of %d processes'
          % args.repeats)
    for name, python in builds:
        print()
        print('%s: %s' % (name, python))
        plain = [r['plain_ns'] for scenario in SCENARIOS
                 for r in results[name, scenario]]
        print('  %-40s %s ns/iteration'
              % ('(a) no tracer anywhere', summary(plain, '%.1f')))
        for scenario, (label, _) in SCENARIOS.items():
            ratios = [r['ratio'] for r in results[name, scenario]]
            print('  %-40s %s x (a)' % (label, summary(ratios, '%.3f')))
    print()
    print('total time: %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    if sys.argv[1:2] == ['--worker']:
        # In the measured interpreter: nothing imported but what it needs.
        sys.exit(main())
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import workbench
    sys.exit(workbench.run_main('bench-tracing', main))
