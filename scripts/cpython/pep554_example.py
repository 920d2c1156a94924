"""PEP 554's usage, written from the PEP's text, run on a patched build.

    build/patched/python scripts/pep554_example.py

Creates interpreters, passes channel ends with run(channels=...), sends
and receives, reads .interpreters, releases and closes, with the module
that proposed/0011 adds (test.support.interpreters).  Each step prints
what happened; the script exits 1 at the first result that differs from
what the PEP and the module's docstrings say.  Where 3.9 cannot do what
the PEP says (a recv() that waits), the script shows what happens
instead.
"""

import marshal
import re
import sys
import textwrap as tw

# Run by the built CPython, as a flat script: no workbench.run_main, the
# same one line for bad input (arguments, or an interpreter without the
# series).
if sys.argv[1:]:
    sys.exit(f'pep554_example: takes no arguments, not {sys.argv[1]!r} '
             f'(usage: build/patched/python scripts/pep554_example.py)')
try:
    from test.support import interpreters
    interpreters.RecvChannel.interpreters
except (ImportError, AttributeError) as exc:
    sys.exit(f'pep554_example: {exc}: run this with a build that has '
             f'the series applied (build/patched/python)')


def check(what, actual, expected):
    ok = actual == expected
    print(f'{"ok  " if ok else "FAIL"} {what}: {actual!r}')
    if not ok:
        sys.exit(f'pep554_example: {what}: expected {expected!r}')


def check_raises(what, func, name):
    try:
        func()
    except Exception as exc:
        actual = type(exc).__name__
        if actual == 'RunFailedError' and name != actual:
            # "<class 'module.Name'>: message", from the interpreter.
            found = re.match(r"<class '(?:\w+\.)*(\w+)'>", str(exc))
            actual = found.group(1) if found else str(exc)
    else:
        actual = 'no exception'
    check(what, actual, name)


def ids(interps):
    return sorted(int(i.id) for i in interps)


main = interpreters.get_main()
check('get_current() is the main interpreter',
      interpreters.get_current() == main, True)

# "Run isolated code"
interp = interpreters.create()
check('create() is listed', interp in interpreters.list_all(), True)
check('isolated by default', interp.isolated, True)
interp.run('print("during")')

# "Handling an exception"
check_raises('exception in run()', lambda: interp.run('raise KeyError'),
             'RunFailedError')

# "Synchronize using a channel": the PEP's reader.recv() waits until
# s.send() happens in the main thread.  In 3.9 recv() does not wait, so
# the same code with nothing sent yet fails at once...
r, s = interpreters.create_channel()
check('channel ends are unused', (r.interpreters, s.interpreters), ([], []))
check_raises('recv() on an empty channel', lambda: interp.run(tw.dedent("""
    reader.recv()
    print("during")
    """), channels=dict(reader=r)), 'ChannelEmptyError')
# ... and works once the object is there.
s.send(b'')
interp.run(tw.dedent("""
    reader.recv()
    print("during")
    """))

# The reader is associated with the recv end from its first recv().
check('r.interpreters', r.interpreters, [interp])
check('s.interpreters (main sent)', s.interpreters, [main])

# "Passing objects via marshal", both ways, with a second interpreter.
worker = interpreters.create()
r2, s2 = interpreters.create_channel()
worker.run(tw.dedent("""
    import marshal
    from test.support import interpreters
    me = interpreters.get_current()
    """), channels=dict(reader=r, writer=s2))
for obj in ([1, 2, 3], {'spam': 'eggs'}):
    s.send(marshal.dumps(obj))
s.send(None)
worker.run(tw.dedent("""
    data = reader.recv()
    while data:
        obj = marshal.loads(data)
        writer.send(marshal.dumps((obj, me in reader.interpreters)))
        data = reader.recv()
    writer.send(marshal.dumps(sorted(int(i.id) for i in reader.interpreters)))
    """))
check('first reply', marshal.loads(r2.recv()), ([1, 2, 3], True))
check('second reply', marshal.loads(r2.recv()), ({'spam': 'eggs'}, True))
check('recv end seen from the worker', marshal.loads(r2.recv()),
      ids([interp, worker]))
check('r.interpreters (two readers)', ids(r.interpreters),
      ids([interp, worker]))
check('s2.interpreters', s2.interpreters, [worker])

# release(): only the calling interpreter stops using that end.
worker.run('reader.release()')
check('after the worker released', r.interpreters, [interp])
check_raises('recv after release',
             lambda: worker.run('reader.recv_nowait(None)'),
             'ChannelClosedError')

# close(): for every interpreter.
s.close()
for name, end in (('r', r), ('s', s)):
    check_raises(f'{name}.interpreters after close()',
                 lambda: end.interpreters, 'ChannelClosedError')
check('open channels', interpreters.list_all_channels(), [(r2, s2)])

# Closing an interpreter drops it from the ends it used.
worker.close()
check('s2.interpreters after worker.close()', s2.interpreters, [])
interp.close()
check('list_all() at the end', interpreters.list_all(), [main])
print('pep554_example: all as documented')
