"""Handler of ``rnnmem reproduce zhao2020``: the ZH20 forecasting table, resumable.

Wired into :mod:`rnnmem.cli` as a sub-command::

    reproduce = commands.add_parser("reproduce", help=..., description=...)
    add_arguments(reproduce)
    reproduce.set_defaults(handler=command)

Imports neither torch nor Dask until the command runs.
"""

from __future__ import annotations

import sys

from .published import DATASETS, MODELS

__all__ = ["add_arguments", "command"]

STUDIES = ("zhao2020",)


def add_arguments(parser) -> None:
    """Add the arguments of ``rnnmem reproduce`` to an ``argparse`` (sub-)parser."""
    parser.add_argument("study", help=f"which study to reproduce: {', '.join(STUDIES)}")
    parser.add_argument("--models", nargs="+", default=list(MODELS), metavar="MODEL",
                        help=f"models to train (default all: {' '.join(MODELS)})")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), metavar="DATASET",
                        help=f"data sets (default all: {' '.join(DATASETS)})")
    parser.add_argument("--seeds", type=int, default=10,
                        help="seeds 0..N-1 per model and data set (default 10; the paper "
                        "used 100)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="local worker processes (default: number of CPUs; 1 runs in "
                        "this process)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on the Dask cluster whose scheduler is at ADDRESS "
                        "(needs rnnmem[dask])")
    parser.add_argument("--out", default="zhao2020-runs", metavar="DIR",
                        help="output folder: runs/*.json, results.csv, table.md (default "
                        "zhao2020-runs); runs already there are not redone")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="override the 1000-step limit (quick trials only)")
    parser.add_argument("--patience", type=int, default=None,
                        help="override the 100-step patience (quick trials only)")
    parser.add_argument("--stop-on", choices=("validation", "training"), default=None,
                        help="loss watched by the early-stopping rule (default validation; "
                        "training is the rule of the authors' released code)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def command(args) -> int:
    """Run the missing runs, write results.csv and table.md, print the table."""
    if args.study not in STUDIES:
        raise ValueError(f"`study` must be one of {list(STUDIES)}; got study={args.study!r}.")
    from .reproduce import reproduce, write_summary

    try:
        reproduce(args.models, args.datasets, args.seeds, out=args.out, jobs=args.jobs,
                  scheduler=args.scheduler, max_steps=args.max_steps, patience=args.patience,
                  stop_on=args.stop_on, progress=not args.quiet)
    except ImportError as error:  # torch or Dask missing: say what to install
        print(f"rnnmem reproduce: error: {error}", file=sys.stderr)
        return 2
    csv_path, table_path = write_summary(args.out)
    print(table_path.read_text(), end="")
    print(f"\nper-run files: {args.out}/runs; all runs: {csv_path}; table: {table_path}")
    return 0
