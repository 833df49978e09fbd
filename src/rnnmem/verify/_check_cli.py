"""Handler of the command ``rnnmem check NETWORK.npz``: the memory-class report of a network.

To be wired into :mod:`rnnmem.cli` as a sub-command::

    check = commands.add_parser("check", help=..., description=...)
    add_check_arguments(check)
    check.set_defaults(handler=check_command)
"""

from __future__ import annotations

import json
import os
import sys

__all__ = ["add_check_arguments", "check_command"]


def add_check_arguments(parser) -> None:
    """Add the arguments of ``rnnmem check`` to an ``argparse`` (sub-)parser."""
    parser.add_argument(
        "path",
        help="a network saved with rnnmem.networks (Network.save, .npz), a TorchScript file, a "
        "state_dict of torch.nn.RNN/LSTM/GRU, or (with --trust) a module saved by torch.save",
    )
    parser.add_argument(
        "--trust", action="store_true",
        help="allow unpickling a whole torch module: this executes code stored in the file, "
        "so use it only for files from a source you trust")
    parser.add_argument("--arch", choices=("rnn", "rnn-tanh", "rnn-relu", "lstm", "gru"),
                        default=None, help="architecture of a state_dict (default: inferred)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--budget", choices=("quick", "full"), default="quick",
                        help="simulation budget (default quick)")
    parser.add_argument("--mode", choices=("driven", "autonomous"), default="driven",
                        help="chain judged under Definition 1 (default driven)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--figure", metavar="PATH", default=None,
                        help="also write the report figure (rnnmem.figures.plot_memory_report) "
                        "to PATH, PNG or SVG by its extension")


def check_command(args) -> int:
    """Load the network at ``args.path``, run :func:`memory_class` and print the report.

    Parameters
    ----------
    args : argparse.Namespace
        With ``path``, ``json``, ``budget``, ``mode``, ``seed`` and ``figure``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    ValueError
        If the file does not exist or was not written by ``Network.save``, or ``figure``
        does not end in .png or .svg or lies in a missing folder (the CLI's ``main`` prints
        such errors and exits with status 2).
    """
    from rnnmem.verify.memory_report import memory_class

    # Checked first: a bad figure path must not cost a simulation before it is refused.
    figure_path = _figure_path(getattr(args, "figure", None))
    path = os.fspath(args.path)
    if not os.path.isfile(path):
        raise ValueError(f"`path` must be an existing file (a .npz written by Network.save or a "
                         f"PyTorch file); got path={path!r} (no such file).")
    if path.endswith(".npz"):
        from rnnmem.networks import load

        network = load(path)
    else:
        from rnnmem.nn import load_network

        network = load_network(path, trust=args.trust, arch=args.arch)
    report = memory_class(network, budget=args.budget, mode=args.mode, rng=args.seed)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.summary())
    if figure_path is not None:
        _write_figure(report, figure_path)
    return 0


_FIGURE_FORMATS = (".png", ".svg")


def _figure_path(figure):
    """``--figure`` validated: None, or a path ending in .png/.svg in an existing folder."""
    if figure is None:
        return None
    figure = os.fspath(figure)
    if os.path.splitext(figure)[1].lower() not in _FIGURE_FORMATS:
        raise ValueError(f"`--figure` must name a .png or .svg file (the format follows the "
                         f"extension); got --figure={figure!r}.")
    folder = os.path.dirname(os.path.abspath(figure))
    if not os.path.isdir(folder):
        raise ValueError(f"`--figure` must lie in an existing folder; got --figure={figure!r} "
                         f"(no folder {folder!r}). Create the folder first.")
    return figure


def _write_figure(report, figure_path) -> None:
    import matplotlib

    # The command only writes files: a GUI backend would need a display for nothing.
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnmem.figures import plot_memory_report

    figure = plot_memory_report(report)
    try:
        figure.savefig(figure_path, dpi=120)
    finally:
        plt.close(figure)
    # stderr: with --json, stdout must stay pure JSON.
    print(f"rnnmem check: figure written to {figure_path}", file=sys.stderr)
