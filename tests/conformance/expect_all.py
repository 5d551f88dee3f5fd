"""Runs every conformance script under PyTorch in one Python process and
writes what each printed, so the per-script ctests (run_conformance.sh with
an expectation directory) need not import torch once per script.

Usage: expect_all.py OUTDIR SCRIPT...
For each SCRIPT it writes OUTDIR/NAME.out (stdout), NAME.err (the traceback
Python would print, if the script raised) and NAME.rc (0, or 1 when it
raised), exactly as `python3 SCRIPT` would produce them. Writes nothing and
exits 0 when torch cannot be imported: the per-script tests then run Python
themselves and report a skip.
"""
import io
import os
import shutil
import sys
import traceback


def main():
    out_dir, scripts = sys.argv[1], sys.argv[2:]
    shutil.rmtree(out_dir, ignore_errors=True)  # never use stale results
    try:
        import torch
    except ImportError:
        print("torch is not importable; no expectations written")
        return 0
    os.makedirs(out_dir, exist_ok=True)
    for path in scripts:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            source = f.read()
        # Each script starts from the state a fresh interpreter has.
        torch.set_grad_enabled(True)
        torch.set_printoptions(profile="default")  # also sci_mode=None
        torch.set_default_dtype(torch.float32)
        stdout, saved = io.StringIO(), sys.stdout
        err, rc = "", 0
        sys.stdout = stdout
        try:
            exec(compile(source, os.path.abspath(path), "exec"),
                 {"__name__": "__main__", "__file__": path})
        except BaseException:  # what the interpreter would print and exit 1
            err, rc = traceback.format_exc(), 1
        finally:
            sys.stdout = saved
        for ext, text in ((".out", stdout.getvalue()), (".err", err),
                          (".rc", "%d\n" % rc)):
            with open(os.path.join(out_dir, name + ext), "w") as f:
                f.write(text)
    print("expectations for %d scripts in %s" % (len(scripts), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
