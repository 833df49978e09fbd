"""Handler of the command ``rnnmem verify``: run the claim catalogue and report.

Wired into :mod:`rnnmem.cli` as a sub-command::

    verify = commands.add_parser("verify", help=..., description=...)
    add_arguments(verify)
    verify.set_defaults(handler=command)

Output: a progress bar on stderr, the table on stdout, and with ``--out DIR`` the files
``DIR/report.md`` (figures in ``DIR/figures/``), ``DIR/report.html`` (self-contained) and
``DIR/report.json``. Without ``--out`` nothing is written to disk. Exit status: 0 when every
selected claim passes, 1 when one fails, 2 for usage errors (including a pattern that
selects no claim).
"""

from __future__ import annotations

import sys

__all__ = ["add_arguments", "command"]

_BAR_WIDTH = 30


def add_arguments(parser) -> None:
    """Add the arguments of ``rnnmem verify`` to an ``argparse`` (sub-)parser."""
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="budget", action="store_const", const="quick",
                      help="short simulations, the CI budget (the default)")
    size.add_argument("--full", dest="budget", action="store_const", const="full",
                      help="longer simulations and more replications")
    parser.set_defaults(budget="quick")
    parser.add_argument(
        "--only", metavar="PATTERN", default=None,
        help="run only the claims whose id matches PATTERN: shell wildcards match the whole "
        "id ('zhao2020.theorem2.*'), plain text any part of it ('corollary1')")
    parser.add_argument(
        "--out", metavar="DIR", default=None,
        help="write report.md (+ figures/), report.html and report.json into DIR (created "
        "if missing); without it no file is written")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the run; each claim gets its own seed derived from it "
                        "and its id (default 0)")
    parser.add_argument("--list", action="store_true",
                        help="list the (selected) claims and exit without running them")


class _Progress:
    """A plain-text bar redrawn with carriage returns on a terminal; one line per claim
    otherwise (logs of CI runs stay readable)."""

    def __init__(self, stream):
        self.stream = stream
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done, total, claim_id, result):
        if self.live:
            filled = _BAR_WIDTH * done // total
            bar = "#" * filled + "." * (_BAR_WIDTH - filled)
            label = claim_id if len(claim_id) <= 45 else claim_id[:42] + "..."
            self.stream.write(f"\r[{bar}] {done}/{total} {label:<45}")
            if done == total and result is not None:
                self.stream.write("\n")
        elif result is not None:
            status = result.status
            self.stream.write(f"[{done}/{total}] {status} {claim_id} "
                              f"({result.seconds:.1f} s)\n")
        self.stream.flush()


def _list(claims) -> int:
    width = max(len(c.id) for c in claims)
    for c in claims:
        kind = "exact" if c.kind == "exact" else f"stat ({c.error_rate:.2g})"
        print(f"{c.id:<{width}}  {kind:<13} {c.paper}, {c.place}")
    return 0


def command(args) -> int:
    """Run (or list) the selected claims; returns the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        With ``budget``, ``only``, ``out``, ``seed`` and ``list``.

    Returns
    -------
    int
        0 when every claim passed (or ``--list``), 1 when a claim failed.

    Raises
    ------
    ValueError
        If ``--only`` selects no claim, ``--seed`` is negative or ``--out`` cannot be
        written (``rnnmem``'s ``main`` prints the message and exits with status 2).
    """
    import matplotlib

    # Figures are rendered to PNG, never shown: no display is needed, even on a desktop.
    matplotlib.use("Agg")

    from rnnmem.verify.claims import run_catalogue, select_claims

    if args.seed < 0:
        raise ValueError(f"`--seed` must be a non-negative integer; got --seed {args.seed}.")
    claims = select_claims(args.only)
    if not claims:
        raise ValueError(
            f"`--only` matches no claim; got --only {args.only!r}. `rnnmem verify --list` "
            "shows the ids (wildcards match the whole id, plain text any part of it)."
        )
    if args.list:
        return _list(claims)
    report = run_catalogue(args.only, budget=args.budget, seed=args.seed,
                           progress=_Progress(sys.stderr))
    print(report.summary())
    if args.out is not None:
        try:
            written = report.write(args.out)
        except OSError as error:
            # The run itself is done and printed; an unwritable folder is a usage error.
            raise ValueError(f"`--out` must be a folder that can be written; got --out "
                             f"{args.out!r} ({error.strerror or error}).") from None
        print("\nReport written to " + ", ".join(str(p) for p in written.values()))
    return 0 if report.passed else 1
