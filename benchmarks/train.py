"""Time per training step of the six ZH20 forecasters, against naive per-step loops.

Usage::

    python benchmarks/train.py                 # the ZH20 sizes, T = 2000 (ARFIMA training part)
    python benchmarks/train.py --repeat 3 --T 500 --no-runs   # a quick check

One training step = forward pass over the whole training part, MSE, backward pass, Adam
update (one sequence, batch 1, float32, one torch thread), as in the ZH20 protocol. Each
model is timed in up to four implementations, measured side by side in this run (the
implementations alternate inside each repeat; medians over ``--repeat`` repeats):

- ``rnnmem``: the rnnmem.nn modules as trained by ``rnnmem reproduce`` (Numba recursions
  with hand-written backward passes, one autograd node per sequence; nn.LSTM for LSTM);
- ``torch``: the same modules with the Numba paths switched off: ``nn.RNN`` (fused in the
  forward pass, one graph node per step in the backward pass on CPU) and ``conv1d`` for
  RNN/MRNNF, torch step loops for MRNN and MLSTM(F);
- ``naive``: a per-step Python loop over the equations of THEORY.md §4 with torch
  operations and autograd, recomputing the filter weights every step as a direct
  transcription would, the cell history kept as a Python list (stacked every step);
- ``naive-cat`` (MLSTM(F) only): the naive loop with the cell history as a tensor window
  rolled by ``torch.cat`` (the autograd-safe alternative to an in-place ring buffer).

It also prints the dynamic-d / fixed-d ratios (MRNN / MRNNF, MLSTM / MLSTMF) and, unless
``--no-runs``, the wall time of one full training run per model on the ARFIMA series.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch
from torch import nn

from rnnmem.nn import _recurrence
from rnnmem.nn.forecast import ZH20_SIZES, forecast, make_model
from rnnmem.nn.modules import frac_diff_weights_torch

# ---------------------------------------------------------------------------------------
# Naive per-step implementations: each reads the parameters of an rnnmem module and runs the
# equations one time step at a time.


def _naive_weights(d, K):
    return frac_diff_weights_torch(d, K)  # w_1..w_K, recomputed at every step on purpose


def naive_rnn(module, x):
    rnn, out = module.rnn, []
    h = x.new_zeros(1, rnn.hidden_size)
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + h @ rnn.weight_hh_l0.T
                       + rnn.bias_hh_l0)
        out.append(module.head(h))
    return torch.stack(out)


def naive_lstm(module, x):
    rnn, out = module.rnn, []
    H = rnn.hidden_size
    h, c = x.new_zeros(1, H), x.new_zeros(1, H)
    for t in range(x.shape[0]):
        g = (x[t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + h @ rnn.weight_hh_l0.T
             + rnn.bias_hh_l0)
        i, f, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
        h = torch.sigmoid(o) * torch.tanh(c)
        out.append(module.head(h))
    return torch.stack(out)


def naive_mrnn(module, x, dynamic):
    K, I = module.filter_length, module.input_size
    rh, rm = module.rnn_h, module.rnn_m
    h = x.new_zeros(1, module.hidden_size)
    m = x.new_zeros(1, module.memory_size)
    d = x.new_zeros(1, I)
    padded = torch.cat([x.new_zeros(K - 1, 1, I), x])  # zero filter history
    out = []
    for t in range(x.shape[0]):
        if dynamic:
            d = 0.5 * torch.sigmoid(torch.cat([d, h, m, x[t]], dim=-1) @ module.weight_d.T
                                    + module.bias_d)
        else:
            d = module.d.expand(1, I)
        w = _naive_weights(d, K)  # (1, I, K): w_1..w_K
        window = padded[t:t + K].flip(0).permute(1, 2, 0)  # x_t, x_{t-1}, ..., (1, I, K)
        f = (w * window).sum(-1)
        h_new = torch.tanh(x[t] @ rh.weight_ih_l0.T + rh.bias_ih_l0 + h @ rh.weight_hh_l0.T
                           + rh.bias_hh_l0)
        m = torch.tanh(f @ rm.weight_ih_l0.T + rm.bias_ih_l0 + m @ rm.weight_hh_l0.T
                       + rm.bias_hh_l0)
        h = h_new
        out.append(module.head(torch.cat([h, m], dim=-1)))
    return torch.stack(out)


def naive_mlstm(module, x, dynamic, window_by_cat=False):
    K, H = module.filter_length, module.hidden_size
    h, d = x.new_zeros(1, H), x.new_zeros(1, H)
    cells = [x.new_zeros(1, H)] * K
    history = x.new_zeros(1, H, K)  # newest first: c_{t-1}, ..., c_{t-K}
    out = []
    for t in range(x.shape[0]):
        if dynamic:
            d = 0.5 * torch.sigmoid(torch.cat([d, h, x[t]], dim=-1) @ module.weight_d.T
                                    + module.bias_d)
        else:
            d = module.d.expand(1, H)
        w = _naive_weights(d, K)
        past = history if window_by_cat else torch.stack(cells[::-1], dim=-1)
        g = x[t] @ module.weight_ih.T + h @ module.weight_hh.T + module.bias
        i, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:]
        c = -(w * past).sum(-1) + torch.sigmoid(i) * torch.tanh(gg)
        h = torch.sigmoid(o) * torch.tanh(c)
        if window_by_cat:
            history = torch.cat([c.unsqueeze(-1), history[..., :-1]], dim=-1)
        else:
            cells = cells[1:] + [c]
        out.append(module.head(h))
    return torch.stack(out)


NAIVE = {
    "RNN": naive_rnn,
    "LSTM": naive_lstm,
    "MRNNF": lambda m, x: naive_mrnn(m, x, False),
    "MRNN": lambda m, x: naive_mrnn(m, x, True),
    "MLSTMF": lambda m, x: naive_mlstm(m, x, False),
    "MLSTM": lambda m, x: naive_mlstm(m, x, True),
}
NAIVE_CAT = {
    "MLSTMF": lambda m, x: naive_mlstm(m, x, False, True),
    "MLSTM": lambda m, x: naive_mlstm(m, x, True, True),
}

# ---------------------------------------------------------------------------------------


def training_step(module, forward, x, y, optimizer):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(forward(module, x), y)
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def _module_forward(module, x):
    return module(x)[0]


def _with_kernels(enabled):
    def forward(module, x):
        _recurrence.KERNELS["enabled"] = enabled
        try:
            return module(x)[0]
        finally:
            _recurrence.KERNELS["enabled"] = True
    return forward


def time_model(name, T, repeat, naive_repeat):
    torch.manual_seed(0)
    x = torch.randn(T, 1, 1)
    y = torch.randn(T, 1, 1)
    variants = {"rnnmem": _with_kernels(True), "torch": _with_kernels(False),
                "naive": NAIVE[name]}
    if name == "LSTM":
        del variants["torch"]  # rnnmem's LSTM is torch's nn.LSTM
    if name in NAIVE_CAT:
        variants["naive-cat"] = NAIVE_CAT[name]
    # The same initial parameters for every variant; each has its own copy and optimiser.
    torch.manual_seed(1)
    base = make_model(name)
    copies = {}
    for key in variants:
        module = make_model(name)
        module.load_state_dict(base.state_dict())
        copies[key] = (module, torch.optim.Adam(module.parameters(), lr=0.01))
    # Check the implementations agree (first loss, same parameters) and warm up.
    first = {key: training_step(copies[key][0], variants[key], x, y, copies[key][1])
             for key in variants}
    spread = max(first.values()) - min(first.values())
    assert spread < 1e-4 * max(first.values()), (name, first)
    times = {key: [] for key in variants}
    for r in range(repeat):
        for key in variants:
            slow = key.startswith("naive") or (key == "torch" and name not in ("RNN", "MRNNF"))
            if slow and r >= naive_repeat:
                continue
            module, optimizer = copies[key]
            started = time.perf_counter()
            training_step(module, variants[key], x, y, optimizer)
            times[key].append(time.perf_counter() - started)
    return {key: statistics.median(v) for key, v in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--T", type=int, default=2000, help="sequence length (default 2000)")
    parser.add_argument("--repeat", type=int, default=9, help="repeats (default 9)")
    parser.add_argument("--naive-repeat", type=int, default=3,
                        help="repeats of the slow step loops (default 3)")
    parser.add_argument("--no-runs", action="store_true", help="skip the full training runs")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, "
          f"one thread; T = {args.T}, batch 1, float32, hidden size 1, "
          f"K = 100 (MRNN(F)) / 25 (MLSTM(F)); medians of {args.repeat} "
          f"({args.naive_repeat} for step loops) repeats\n")
    header = (f"{'model':<7} {'rnnmem ms':>10} {'torch ms':>10} {'naive ms':>10} "
              f"{'naive-cat ms':>13} {'naive/rnnmem':>13} {'torch/rnnmem':>13}")
    print(header)
    print("-" * len(header))
    results = {}
    for name in ("RNN", "LSTM", "MRNNF", "MRNN", "MLSTMF", "MLSTM"):
        t = time_model(name, args.T, args.repeat, args.naive_repeat)
        results[name] = t

        def ms(key, t=t):
            return f"{1e3 * t[key]:.2f}" if key in t else "-"

        torch_ratio = f"{t['torch'] / t['rnnmem']:.1f}x" if "torch" in t else "-"
        print(f"{name:<7} {ms('rnnmem'):>10} {ms('torch'):>10} {ms('naive'):>10} "
              f"{ms('naive-cat'):>13} {t['naive'] / t['rnnmem']:>12.1f}x {torch_ratio:>13}",
              flush=True)
    print()
    for dynamic, fixed in (("MRNN", "MRNNF"), ("MLSTM", "MLSTMF")):
        ratio = results[dynamic]["rnnmem"] / results[fixed]["rnnmem"]
        print(f"{dynamic} / {fixed} per step (rnnmem): {ratio:.2f}x (target <= 5x)")
    ratio = results["MRNNF"]["naive"] / results["MRNNF"]["rnnmem"]
    print(f"MRNNF naive loop / rnnmem per step: {ratio:.1f}x (target >= 5x)")
    if args.no_runs:
        return
    print("\nOne full training run on ARFIMA (seed 0, ZH20 protocol, incl. validation passes "
          "and the test forecast):")
    for name in ("RNN", "LSTM", "MRNNF", "MRNN", "MLSTMF", "MLSTM"):
        forecast(name, "arfima", seed=0, max_steps=1)  # compile / load kernels first
        run = forecast(name, "arfima", seed=0)
        per_step = run.seconds / (run.n_updates + 1)
        print(f"{name:<7} {run.seconds:7.2f} s, {run.n_updates:4d} updates "
              f"({1e3 * per_step:.1f} ms per protocol step), test RMSE {run.rmse:.4f}",
              flush=True)
    sizes = ", ".join(f"{k}: {v}" for k, v in ZH20_SIZES.items())
    print(f"\nsizes: {sizes}")


if __name__ == "__main__":
    main()
