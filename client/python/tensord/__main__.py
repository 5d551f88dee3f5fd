"""python3 -m tensord [--server HOST:PORT] [--token T] [--session ID]
    run FILE|- [ARGS...]

Runs a PyTorch script with `import torch` resolving to tensord.torch, in a
fresh session (or --session), with sys.argv [FILE, ARGS...] as
`python3 FILE ARGS...` has it, and reports an uncaught error as
`error: line N: Type: message` (exit 1), as `tensorctl run` does.
"""
import argparse
import os
import sys


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m tensord")
    p.add_argument("--server", default=os.environ.get("TENSORD_SERVER"))
    p.add_argument("--token", default=os.environ.get("TENSORD_TOKEN"))
    p.add_argument("--session", default=os.environ.get("TENSORD_SESSION"))
    p.add_argument("--tls", action="store_true")
    p.add_argument("--tls_ca", default=None)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a PyTorch script")
    run.add_argument("file")
    # Everything after FILE is the script's (its sys.argv[1:]).
    run.add_argument("args", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    from . import _session
    try:
        session = _session.Session(server=args.server, token=args.token,
                                   tls=args.tls, tls_ca=args.tls_ca,
                                   session=args.session)
    except Exception as e:  # noqa: BLE001
        sys.stderr.write("error: %s\n" % e)
        return 2
    _session.set_default_session(session)
    from . import _runner
    try:
        return _runner.run_file(args.file, args.args)
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
