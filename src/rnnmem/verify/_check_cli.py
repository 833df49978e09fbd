"""Handler of the command ``rnnmem check NETWORK.npz``: the memory-class report of a network.

To be wired into :mod:`rnnmem.cli` as a sub-command::

    check = commands.add_parser("check", help=..., description=...)
    add_check_arguments(check)
    check.set_defaults(handler=check_command)
"""

from __future__ import annotations

import json
import os

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


def check_command(args) -> int:
    """Load the network at ``args.path``, run :func:`memory_class` and print the report.

    Parameters
    ----------
    args : argparse.Namespace
        With ``path``, ``json``, ``budget``, ``mode`` and ``seed``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    ValueError
        If the file does not exist or was not written by ``Network.save`` (the CLI's
        ``main`` prints such errors and exits with status 2).
    """
    from rnnmem.verify.memory_report import memory_class

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
    return 0
