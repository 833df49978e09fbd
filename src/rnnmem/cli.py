"""Command line: ``rnnmem derive``, ``rnnmem demo``, ``rnnmem check``, ``rnnmem figures``.

Each sub-command is a thin layer over the library: it parses arguments, calls public
functions and prints their ``summary()``.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _derive(args) -> int:
    from rnnmem.theory.symbolic import all_derivations

    derivations = all_derivations()
    blocks = [d.latex() if args.latex else d.text() for d in derivations]
    print("\n\n".join(blocks))
    unproved = [d.title for d in derivations if not d.proved]
    if unproved:
        print(f"\nNot proved: {', '.join(unproved)}", file=sys.stderr)
        return 1
    print("\nAll identities proved by SymPy." if not args.latex else "% All identities proved.")
    return 0


def _demo(args) -> int:
    import numpy as np

    from rnnmem.simulate import arfima
    from rnnmem.theory import arfima_acf
    from rnnmem.verify import acf, gph, local_whittle

    x = arfima(args.n, d=args.d, method="davies-harte", rng=args.seed)
    print(f"One exact ARFIMA(0, {args.d}, 0) path, n = {args.n}, seed {args.seed} "
          "(Davies-Harte circulant embedding)\n")
    lags = np.array([1, 2, 5, 10, 20, 50, 100])
    lags = lags[lags < args.n // 4]
    exact = arfima_acf(int(lags.max()), d=args.d)[lags]
    sample = acf(x, int(lags.max()))[lags]
    print(f"{'lag':>5} {'exact rho(k)':>13} {'sample rho(k)':>14}")
    for lag, e, s in zip(lags, exact, sample):
        print(f"{lag:>5} {e:>13.4f} {s:>14.4f}")
    print("\n(one path: sample autocorrelations scatter around the exact values, and under long"
          " memory they are biased below them on average)\n")
    print(f"{'estimator':<30} {'d':>8} {'se':>8} {'95% interval':>20}")
    for label, result in (
        ("GPH (m = n^0.5)", gph(x, bandwidth=0.5)),
        ("local Whittle (m = n^0.65)", local_whittle(x, bandwidth=0.65)),
    ):
        low, high = result.d - 1.96 * result.se, result.d + 1.96 * result.se
        print(f"{label:<30} {result.d:>8.4f} {result.se:>8.4f}   [{low:7.4f}, {high:7.4f}]")
    print(f"\ntrue d = {args.d}")
    return 0


def _paper_figures():
    """Compute what the paper-style figures show and draw them; return {name: Figure}."""
    from rnnmem import datasets, figures
    from rnnmem.theory import approximation_error, start_end_rank
    from rnnmem.verify import acf

    series = {name: datasets.load(name).values for name in ("arfima", "dji", "traffic", "tree")}
    drawn = {
        "zhao2020_acfs": figures.plot_acfs(
            {name: acf(values, 100) for name, values in series.items()},
            n_obs={name: values.size for name, values in series.items()},
        ),
        "fractional_weights": figures.plot_weights(0.4, 10_000),
        "curse_approximation": figures.plot_approximation_error(
            # The beta grid of the published small-scale numbers (THEORY.md §5).
            [approximation_error(target, [2, 4, 8, 16, 32], betas=[0.05, 0.1, 0.2, 0.5, 1, 2])
             for target in ("power_law_0.5", "power_law_1.0", "exp_over_linear")]
        ),
        "separation_rank": figures.plot_rank_against_length(
            [start_end_rank(depth, T, 2, 2, rng=0) for depth in (1, 2, 3)
             for T in (2, 4, 6, 8, 10, 12)]
        ),
    }
    return drawn


def _figures(args) -> int:
    import pathlib

    import matplotlib

    matplotlib.use("Agg")
    drawn = {}
    if args.runs is not None:
        # Read the runs first: a wrong folder is refused before any figure is computed.
        from rnnmem.figures import plot_rmse_boxplots
        from rnnmem.nn.published import PUBLISHED_RMSE
        from rnnmem.nn.reproduce import load_results

        try:
            records = load_results(args.runs)
        except FileNotFoundError as error:
            print(f"rnnmem figures: {error}", file=sys.stderr)
            return 2
        drawn["zhao2020_rmse_boxplots"] = plot_rmse_boxplots(records, published=PUBLISHED_RMSE)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    drawn = {**_paper_figures(), **drawn}
    for name, figure in drawn.items():
        for suffix in ("png", "svg"):
            path = out / f"{name}.{suffix}"
            figure.savefig(path, dpi=120)
            print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``rnnmem`` command."""
    from rnnmem import __version__

    parser = argparse.ArgumentParser(
        prog="rnnmem",
        description="Does this recurrent network (or this series) have long memory?",
    )
    parser.add_argument("--version", action="version", version=f"rnnmem {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    derive = commands.add_parser(
        "derive",
        help="print the SymPy derivations of the fractional coefficients and ARFIMA ACF",
        description="Derive and prove (with SymPy) the closed forms of the fractional weights, "
        "their partial sums and the ARFIMA(0, d, 0) autocorrelation.",
    )
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    derive.set_defaults(handler=_derive)

    demo = commands.add_parser(
        "demo",
        help="simulate an exact ARFIMA(0, d, 0) path and estimate d",
        description="Simulate one exact ARFIMA(0, d, 0) path, compare its sample "
        "autocorrelations with the exact ones and estimate d by GPH and local Whittle.",
    )
    demo.add_argument("--d", type=float, default=0.3, help="memory parameter (default 0.3)")
    demo.add_argument("--n", type=int, default=4096, help="path length (default 4096)")
    demo.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    demo.set_defaults(handler=_demo)

    from rnnmem.verify._check_cli import add_check_arguments, check_command

    check = commands.add_parser(
        "check",
        help="memory-class report of a saved network (rnnmem .npz or PyTorch file)",
        description="Judge a saved network's memory class under Definitions 1 and 3 of Zhao "
        "et al. (2020): theorem conditions, ergodicity, output statistics and coefficients.",
    )
    add_check_arguments(check)
    check.set_defaults(handler=check_command)

    paper = commands.add_parser(
        "figures",
        help="write the paper-style figures as PNG and SVG",
        description="Write the paper-style figures (sample ACFs of the four Zhao et al. 2020 "
        "series, fractional filter coefficients, curse-of-memory approximation errors, "
        "Start-End separation ranks) as PNG and SVG files.",
    )
    paper.add_argument("--out", required=True, help="output folder (created if missing)")
    paper.add_argument(
        "--runs", default=None, metavar="DIR",
        help="also draw the RMSE boxplots across seeds of a `rnnmem reproduce` output folder "
        "(e.g. experiments/zhao2020)")
    paper.set_defaults(handler=_figures)

    from rnnmem.verify.claims._verify_cli import add_arguments as add_verify_arguments
    from rnnmem.verify.claims._verify_cli import command as verify_command

    verify = commands.add_parser(
        "verify",
        help="run the catalogue of numerically validated claims and report",
        description="Check every claim of the three papers that a computer can check (exact "
        "identities and statistical checks with stated error rates), print a table and, with "
        "--out, write report.md, report.html and report.json. Exit status 0 when all pass, 1 "
        "when one fails, 2 for usage errors.",
    )
    add_verify_arguments(verify)
    verify.set_defaults(handler=verify_command)

    from rnnmem.nn._reproduce_cli import add_arguments as add_reproduce_arguments
    from rnnmem.nn._reproduce_cli import command as reproduce_command

    reproduce = commands.add_parser(
        "reproduce",
        help="reproduce a published experiment (zhao2020: the forecasting table)",
        description="Train every (model, data set, seed) of Zhao et al. (2020)'s forecasting "
        "comparison by its protocol, in parallel processes or on a Dask cluster, resuming "
        "from the per-run files; print mean, sd and min RMSE beside the published Table 2.",
    )
    add_reproduce_arguments(reproduce)
    reproduce.set_defaults(handler=reproduce_command)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``rnnmem`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, TypeError) as error:
        print(f"rnnmem {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
