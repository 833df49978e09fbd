"""One-step rolling forecasts of a series: the time-series protocol of Zhao et al. (2020).

A network reads the series one value at a time and predicts the next value. Training, in
the protocol of the paper (Section 5.1; THEORY.md §4):

- the series is cut into one-step (input, target) pairs ``(x_t, x_{t+1})`` and split, in
  time order, into a training, a validation and a test part (sizes in
  :data:`rnnmem.datasets` ``Dataset.split``, counted in pairs);
- inputs and targets are min-max scaled to [0, 1] by the range of the **training part only**;
- every optimisation step runs the network over the whole training part (one full-sequence
  step), with the mean squared error as loss and Adam at learning rate 0.01, for at most
  1000 steps;
- after each step's forward pass, the network continues, with the state it reached at the
  end of the training part, over the validation part; training stops after ``patience``
  (100) consecutive steps without a validation loss below the best one by more than
  ``min_delta`` (1e-5);
- the parameters with the lowest validation loss are kept and forecast the test part, the
  network again running from the start of the series so that its state (hidden state, LSTM
  cell, filter histories) is carried across the three parts. The test RMSE is measured on
  the original scale.

Two departures from the authors' released code (``huawei-noah/noah-research``,
``mRNN-mLSTM/time_series_prediction/train.py``), both deliberate:

- the authors fit the MinMax scaler on the whole series, test part included, which leaks the
  test range into training; here it is fit on the training part only;
- one version of the authors' LSTM baseline reset the LSTM state at every time step, which
  turns it into a feed-forward network of the current value; here the state is carried
  across steps (``torch.nn.LSTM`` does this natively).

The authors also store the model *after* the optimiser step that followed the validation
forward pass, i.e. one update past the parameters that achieved the best validation loss;
here the kept parameters are exactly those whose validation loss was the best
(:attr:`ForecastResult.best_step` updates from the start), and the parameters after the last
update are evaluated too. Their stopping rule watches the training loss; the issue this
implements asks for the validation loss, which is the default here, and
``stop_on="training"`` runs theirs. The choice matters: on the noisy validation parts the
validation rule often stops in the flat start of training, so its runs are shorter and
their RMSE more spread out (REPRODUCTION.md measures both).
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import torch
from torch import nn

from rnnmem._results import Result
from rnnmem._validation import as_choice, as_integer, as_real, as_real_array

from ._recurrence import rnn_layer
from .modules import MLSTM, MLSTMF, MRNN, MRNNF
from .published import DATASETS, MODELS, PUBLISHED_RMSE, ZH20_SIZES

__all__ = [
    "MODELS",
    "DATASETS",
    "PUBLISHED_RMSE",
    "ZH20_SIZES",
    "ForecastResult",
    "Recurrent",
    "make_model",
    "forecast",
    "split_pairs",
    "MinMaxScaler",
]

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


class Recurrent(nn.Module):
    """``torch.nn.RNN`` (tanh) or ``torch.nn.LSTM`` followed by a linear head.

    ``forward(input, state=None)`` returns ``(output, state)`` like the rnnmem.nn modules,
    so a forecaster treats all six models alike. ``rnnmem.nn.to_network(m.rnn, head=m.head)``
    converts it.

    Parameters
    ----------
    kind : {"RNN", "LSTM"}
    input_size, hidden_size : int
    output_size : int, optional
        Default ``input_size``.
    dtype : torch.dtype, optional
    """

    def __init__(self, kind, input_size, hidden_size, *, output_size=None, dtype=None):
        super().__init__()
        self.kind = as_choice(kind, "kind", ("RNN", "LSTM"))
        input_size = as_integer(input_size, "input_size", minimum=1)
        hidden_size = as_integer(hidden_size, "hidden_size", minimum=1)
        output_size = input_size if output_size is None else as_integer(
            output_size, "output_size", minimum=1)
        layer = nn.RNN if self.kind == "RNN" else nn.LSTM
        self.rnn = layer(input_size, hidden_size, dtype=dtype)
        self.head = nn.Linear(hidden_size, output_size, dtype=dtype)

    def forward(self, input, state=None):
        if self.kind == "RNN":
            if state is None:
                state = input.new_zeros(1, input.shape[1], self.rnn.hidden_size)
            hidden, state = rnn_layer(self.rnn, input, state)  # same numbers as self.rnn
        else:
            hidden, state = self.rnn(input, state)
        return self.head(hidden), state


def make_model(name, *, hidden_size=None, filter_length=None, dtype="float32") -> nn.Module:
    """A fresh one-input, one-output forecaster of the ZH20 comparison.

    Parameters
    ----------
    name : {"RNN", "LSTM", "MRNNF", "MRNN", "MLSTMF", "MLSTM"}
    hidden_size : int, optional
        Width of every recurrent unit (default: :data:`ZH20_SIZES`, one unit).
    filter_length : int, optional
        K of the memory models (default: :data:`ZH20_SIZES`: 100 for MRNN(F), 25 for
        MLSTM(F)); must be None for RNN and LSTM.
    dtype : {"float32", "float64"}

    Returns
    -------
    torch.nn.Module
        ``forward(x, state=None) -> (y, state)``, x and y of shape (T, 1, 1).

    Notes
    -----
    Parameters are drawn from torch's global generator: seed it (``torch.manual_seed``)
    first for a reproducible model.
    """
    name = as_choice(name, "model", MODELS)
    dtype = _DTYPES[as_choice(dtype, "dtype", tuple(_DTYPES))]
    sizes = ZH20_SIZES[name]
    hidden = sizes["hidden_size"] if hidden_size is None else as_integer(
        hidden_size, "hidden_size", minimum=1)
    if name in ("RNN", "LSTM"):
        if filter_length is not None:
            raise ValueError(
                f"`filter_length` must be None for {name}, which has no fractional filter; "
                f"got filter_length={filter_length!r}.")
        return Recurrent(name, 1, hidden, dtype=dtype)
    K = sizes["filter_length"] if filter_length is None else as_integer(
        filter_length, "filter_length", minimum=1)
    cls = {"MRNNF": MRNNF, "MRNN": MRNN, "MLSTMF": MLSTMF, "MLSTM": MLSTM}[name]
    return cls(1, hidden, filter_length=K, dtype=dtype)


@dataclasses.dataclass(frozen=True)
class MinMaxScaler:
    """Affine map of [low, high] onto [0, 1], fitted on the training part only.

    Attributes
    ----------
    low, high : float
        Minimum and maximum of the values the training pairs contain (inputs and targets).
    """

    low: float
    high: float

    @classmethod
    def fit(cls, values) -> MinMaxScaler:
        """Fit to ``values`` (1-D, finite, not constant)."""
        values = as_real_array(values, "values", ndim=1, min_size=2)
        low, high = float(values.min()), float(values.max())
        if not high > low:
            raise ValueError(
                "`values` must not be constant: a min-max scaler needs a positive range; "
                f"got every value = {low!r}.")
        return cls(low, high)

    def transform(self, values) -> np.ndarray:
        return (np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low)

    def inverse(self, scaled) -> np.ndarray:
        return np.asarray(scaled, dtype=np.float64) * (self.high - self.low) + self.low


def split_pairs(n_values: int, split) -> tuple[slice, slice, slice]:
    """Slices of the one-step pairs (x_t -> x_{t+1}) of a series of ``n_values`` values.

    Parameters
    ----------
    n_values : int
        Length of the series; it has ``n_values - 1`` pairs.
    split : (int, int, int)
        Numbers of training, validation and test pairs, in time order; they must add up to
        ``n_values - 1``.

    Returns
    -------
    (slice, slice, slice)
        Pair indices t of each part: pair t has input x_t and target x_{t+1}.
    """
    n_values = as_integer(n_values, "n_values", minimum=4)
    if not isinstance(split, (tuple, list)) or len(split) != 3:
        raise ValueError(
            "`split` must be three integers (train, validation, test pairs); "
            f"got split={split!r}.")
    n_train, n_val, n_test = (as_integer(k, f"split[{i}]", minimum=1)
                              for i, k in enumerate(split))
    if n_train + n_val + n_test != n_values - 1:
        raise ValueError(
            f"`split` must add up to the {n_values - 1} one-step pairs of the {n_values}-value "
            f"series; got split={tuple(split)!r} (sum {n_train + n_val + n_test}).")
    return (slice(0, n_train), slice(n_train, n_train + n_val),
            slice(n_train + n_val, n_values - 1))


@dataclasses.dataclass(frozen=True)
class ForecastResult(Result):
    """One trained forecaster and its test error.

    Attributes
    ----------
    model, dataset : str
        Model name and data set name ("array" for a series given as numbers).
    seed : int or None
        torch seed of the initial parameters.
    rmse, mae : float
        Test-part root mean squared and mean absolute one-step error, original scale.
    validation_rmse : float
        Validation-part RMSE of the kept parameters, original scale.
    best_step : int
        Number of Adam updates behind the kept parameters (0 = the initial ones).
    n_updates : int
        Adam updates made before stopping.
    stopped_early : bool
        True when the patience rule ended training before ``max_steps`` updates.
    train_losses, validation_losses : numpy.ndarray
        Scaled-MSE of the parameters after k = 0, 1, ..., n_updates updates on the training
        and the validation part, shape (n_updates + 1,).
    predictions : numpy.ndarray
        Test-part forecasts of x_{t+1}, original scale, shape (n_test,).
    d : tuple of float
        The fixed d of MRNNF/MLSTMF (kept parameters); empty for the other models.
    hidden_size : int
    filter_length : int or None
    split : (int, int, int)
    scaler : MinMaxScaler
    seconds : float
        Wall time of training and testing.
    settings : dict
        lr, max_steps, patience, min_delta, dtype, torch version.
    """

    model: str
    dataset: str
    seed: int | None
    rmse: float
    mae: float
    validation_rmse: float
    best_step: int
    n_updates: int
    stopped_early: bool
    train_losses: np.ndarray
    validation_losses: np.ndarray
    predictions: np.ndarray
    d: tuple
    hidden_size: int
    filter_length: int | None
    split: tuple
    scaler: MinMaxScaler
    seconds: float
    settings: dict

    def summary(self) -> str:
        part = ("the training part" if self.settings.get("scaler", "train") == "train"
                else "the whole series (leaks the test range)")
        sizes = (f"  split {self.split}, hidden size {self.hidden_size}"
                 + (f", K = {self.filter_length}" if self.filter_length else "")
                 + (f", d = {', '.join(f'{v:.4f}' for v in self.d)}" if self.d else ""))
        lines = [
            (f"{self.model} on {self.dataset} (seed {self.seed}): test RMSE {self.rmse:.6g}, "
             f"MAE {self.mae:.6g}"),
            (f"  kept the parameters after {self.best_step} of {self.n_updates} updates "
             f"(validation RMSE {self.validation_rmse:.6g}; "
             f"{'stopped early' if self.stopped_early else 'step limit reached'})"),
            sizes,
            (f"  scaler fitted on {part}: [{self.scaler.low:.6g}, "
             f"{self.scaler.high:.6g}] -> [0, 1]; {self.seconds:.2f} s"),
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready record (losses rounded to 7 significant digits; no predictions)."""
        return {
            "model": self.model, "dataset": self.dataset, "seed": self.seed,
            "rmse": self.rmse, "mae": self.mae, "validation_rmse": self.validation_rmse,
            "best_step": self.best_step, "n_updates": self.n_updates,
            "stopped_early": self.stopped_early,
            "train_losses": [float(f"{v:.7g}") for v in self.train_losses],
            "validation_losses": [float(f"{v:.7g}") for v in self.validation_losses],
            "d": list(self.d), "hidden_size": self.hidden_size,
            "filter_length": self.filter_length, "split": list(self.split),
            "scaler": {"low": self.scaler.low, "high": self.scaler.high},
            "seconds": self.seconds, "settings": dict(self.settings),
        }


def _as_tensor(values: np.ndarray, dtype) -> torch.Tensor:
    return torch.as_tensor(values, dtype=dtype).reshape(-1, 1, 1)  # (T, batch 1, 1 input)


def _fixed_d(module) -> tuple:
    if isinstance(module, (MRNN, MLSTM)) or not isinstance(module, (MRNNF, MLSTMF)):
        return ()
    return tuple(float(v) for v in module.d.detach().reshape(-1))


def forecast(model, data, *, seed=0, split=None, hidden_size=None, filter_length=None,
             lr=0.01, max_steps=1000, patience=100, min_delta=1e-5,
             dtype="float32", scaler="train", stop_on="validation") -> ForecastResult:
    """Train a one-step forecaster by the ZH20 protocol and measure its test RMSE.

    Parameters
    ----------
    model : str or torch.nn.Module
        One of :data:`MODELS` (built by :func:`make_model` after ``torch.manual_seed(seed)``),
        or a module with ``forward(x, state=None) -> (y, state)`` mapping (T, 1, 1) to
        (T, 1, 1), trained in place.
    data : str or array_like
        One of :data:`DATASETS` (split as in the paper), or a 1-D finite series (then
        ``split`` is required).
    seed : int or None, default 0
        Seeds torch's generator before the model is built; None leaves it alone.
    split : (int, int, int), optional
        Training, validation and test pairs; default: the paper's split of ``data``.
    hidden_size, filter_length : int, optional
        Passed to :func:`make_model` (ignored for a module).
    lr : float, default 0.01
        Adam learning rate.
    max_steps : int, default 1000
        Maximum number of Adam updates (each on the whole training part).
    patience : int, default 100
        Stop after this many consecutive evaluations without the watched loss (see
        ``stop_on``) below its best by more than ``min_delta``.
    min_delta : float, default 1e-5
        Improvement (scaled MSE) that resets the patience counter.
    dtype : {"float32", "float64"}
        Precision of a model built here and of the data (a given module's own precision
        wins).
    scaler : {"train", "all"}, default "train"
        Range the min-max scaler is fitted on: the training part (the protocol), or the
        whole series, test part included, as the authors' code does. "all" leaks the test
        range into training; it exists only to measure what that changes.
    stop_on : {"validation", "training"}, default "validation"
        Loss the patience rule watches: the validation loss (the protocol of the issue) or
        the training loss (the authors' released code). The kept parameters are the best on
        the validation part either way.

    Returns
    -------
    ForecastResult

    Raises
    ------
    RuntimeError
        If the validation loss is not finite at the initial parameters.

    Notes
    -----
    Runs with one torch thread (restored afterwards), so a run is reproducible bit for bit
    for a given (model, data, seed) on one machine and torch build. The protocol and its two
    corrections of the authors' code are described in the module docstring.

    References
    ----------
    Zhao et al. (2020), "Do RNN and LSTM have Long Memory?", ICML, Section 5.1 and Table 2.
    """
    dtype_name = as_choice(dtype, "dtype", tuple(_DTYPES))
    scaler = as_choice(scaler, "scaler", ("train", "all"))
    stop_on = as_choice(stop_on, "stop_on", ("validation", "training"))
    torch_dtype = _DTYPES[dtype_name]
    lr = as_real(lr, "lr", low=0.0, low_inclusive=False)
    max_steps = as_integer(max_steps, "max_steps", minimum=0)
    patience = as_integer(patience, "patience", minimum=1)
    min_delta = as_real(min_delta, "min_delta", low=0.0)
    if seed is not None:
        seed = as_integer(seed, "seed", minimum=0)
    if isinstance(data, str):
        from rnnmem import datasets

        name = as_choice(data, "dataset", DATASETS)
        loaded = datasets.load(name)
        values = loaded.values
        if split is None:
            split = tuple(loaded.split[k] for k in ("train", "validation", "test"))
    else:
        name = "array"
        values = as_real_array(data, "data", ndim=1, min_size=4)
        if split is None:
            raise ValueError("`split` must be given for a series passed as numbers; got "
                             "split=None. Pass (train, validation, test) pair counts.")
    train, val, test = split_pairs(values.size, split)
    split = (train.stop, val.stop - val.start, test.stop - test.start)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    started = time.perf_counter()
    try:
        if isinstance(model, str):
            model_name = as_choice(model, "model", MODELS)
            if seed is not None:
                torch.manual_seed(seed)
            module = make_model(model_name, hidden_size=hidden_size,
                                filter_length=filter_length, dtype=dtype_name)
        elif isinstance(model, nn.Module):
            module = model
            model_name = model.kind if isinstance(model, Recurrent) else type(model).__name__
            # The data take the module's precision.
            torch_dtype = next(module.parameters()).dtype
            dtype_name = {v: k for k, v in _DTYPES.items()}.get(torch_dtype, str(torch_dtype))
        else:
            raise TypeError(f"`model` must be one of {list(MODELS)} or a torch.nn.Module; "
                            f"got {type(model).__name__}.")
        outcome = _train(module, values, train, val, test, torch_dtype, lr, max_steps,
                         patience, min_delta, scaler, stop_on)
    finally:
        torch.set_num_threads(threads)
    seconds = time.perf_counter() - started
    return ForecastResult(
        model=model_name, dataset=name, seed=seed, d=_fixed_d(module),
        hidden_size=int(getattr(module, "hidden_size", 0) or _rnn_width(module)),
        filter_length=getattr(module, "filter_length", None), split=split, seconds=seconds,
        settings={"lr": lr, "max_steps": max_steps, "patience": patience,
                  "min_delta": min_delta, "dtype": dtype_name, "scaler": scaler,
                  "stop_on": stop_on,
                  "torch": torch.__version__},
        **outcome)


def _rnn_width(module) -> int:
    rnn = getattr(module, "rnn", None)
    return int(rnn.hidden_size) if rnn is not None else 0


def _train(module, values, train, val, test, dtype, lr, max_steps, patience, min_delta,
           fit_on, stop_on):
    # The training pairs contain x_0 .. x_{n_train}: the scaler sees nothing later.
    scaler = MinMaxScaler.fit(values[: train.stop + 1] if fit_on == "train" else values)
    scaled = scaler.transform(values)
    inputs, targets = _as_tensor(scaled[:-1], dtype), _as_tensor(scaled[1:], dtype)
    x_train, y_train = inputs[train], targets[train]
    x_val, y_val = inputs[val], targets[val]

    optimizer = torch.optim.Adam(module.parameters(), lr=lr)
    train_losses, val_losses = [], []
    best_loss, best_state, best_step = math.inf, None, 0
    reference, waited, stopped_early = math.inf, 0, False
    module.train()
    for step in range(max_steps + 1):
        # Evaluation k uses the parameters after k updates; the validation run continues
        # from the state the training run ended in, as the series does.
        last = step == max_steps
        optimizer.zero_grad(set_to_none=True)
        with torch.set_grad_enabled(not last):
            output, state = module(x_train)
            loss = nn.functional.mse_loss(output, y_train)
        with torch.no_grad():
            val_output, _ = module(x_val, state)
            val_loss = float(nn.functional.mse_loss(val_output, y_val))
        train_losses.append(float(loss.detach()))
        val_losses.append(val_loss)
        if not math.isfinite(val_loss):
            break
        if val_loss < best_loss:
            best_loss, best_step = val_loss, step
            best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        watched = val_loss if stop_on == "validation" else train_losses[-1]
        if watched < reference - min_delta:
            reference, waited = watched, 0
        else:
            waited += 1
        if waited >= patience:
            stopped_early = True
            break
        if last:
            break
        loss.backward()
        optimizer.step()
    n_updates = len(val_losses) - 1
    if best_state is None:
        raise RuntimeError("training diverged: the validation loss was not finite at the "
                           "initial parameters; check the data and the model.")
    module.load_state_dict(best_state)
    module.eval()
    with torch.no_grad():
        # One pass from the start of the series: the state is carried from the training
        # part through the validation part into the test part.
        output, _ = module(inputs)
    predicted = scaler.inverse(output.reshape(-1).double().numpy())
    truth = values[1:]
    test_error = predicted[test] - truth[test]
    val_error = predicted[val] - truth[val]
    return {
        "rmse": float(np.sqrt(np.mean(test_error**2))),
        "mae": float(np.mean(np.abs(test_error))),
        "validation_rmse": float(np.sqrt(np.mean(val_error**2))),
        "best_step": best_step, "n_updates": n_updates, "stopped_early": stopped_early,
        "train_losses": np.array(train_losses), "validation_losses": np.array(val_losses),
        "predictions": predicted[test], "scaler": scaler,
    }
