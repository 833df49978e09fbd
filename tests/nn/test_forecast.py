"""rnnmem.nn.forecast: the ZH20 protocol piece by piece, baselines, end-to-end memory classes."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnmem import datasets  # noqa: E402
from rnnmem.nn import MLSTMF, to_network  # noqa: E402
from rnnmem.nn.baselines import ar1_rmse, one_step_predictions, oracle_rmse  # noqa: E402
from rnnmem.nn.forecast import (  # noqa: E402
    MinMaxScaler,
    Recurrent,
    forecast,
    make_model,
    split_pairs,
)
from rnnmem.theory import arfima_acvf  # noqa: E402
from rnnmem.verify import memory_class  # noqa: E402

SPLIT = (150, 60, 40)


def _series(n=251, seed=0):
    # AR(1) 0.8 plus a level: learnable in a few steps, cheap.
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.8 * x[t - 1] + rng.standard_normal()
    return 5.0 + x


def test_split_pairs_and_paper_splits():
    assert split_pairs(11, (5, 3, 2)) == (slice(0, 5), slice(5, 8), slice(8, 10))
    for name in ("arfima", "dji", "traffic", "tree"):
        data = datasets.load(name)
        _, _, test = split_pairs(data.values.size, tuple(data.split.values()))
        assert test.stop == data.values.size - 1
    with pytest.raises(ValueError, match=r"`split` must add up to the 10 one-step pairs.*sum 9"):
        split_pairs(11, (5, 2, 2))
    with pytest.raises(ValueError, match=r"`split` must be three integers"):
        split_pairs(11, (5, 5))


def test_scaler_is_fitted_on_training_part_only():
    x = _series()
    x[-5] = 1e3  # a spike in the test part must not change the scaling
    result = forecast("RNN", x, split=SPLIT, max_steps=2, seed=0)
    assert result.scaler.low == np.min(x[:SPLIT[0] + 1])
    assert result.scaler.high == np.max(x[:SPLIT[0] + 1])
    assert result.scaler.high < 1e3
    leaky = forecast("RNN", x, split=SPLIT, max_steps=2, seed=0, scaler="all")
    assert leaky.scaler.high == 1e3 and leaky.settings["scaler"] == "all"
    scaler = MinMaxScaler.fit([2.0, 4.0, 3.0])
    np.testing.assert_allclose(scaler.transform([2.0, 4.0, 3.0]), [0.0, 1.0, 0.5])
    np.testing.assert_allclose(scaler.inverse([0.0, 0.25]), [2.0, 2.5])
    with pytest.raises(ValueError, match=r"`values` must not be constant.*got every value = 1.0"):
        MinMaxScaler.fit([1.0, 1.0, 1.0])


@pytest.mark.parametrize("model", ["RNN", "MLSTMF"])
def test_early_stopping_keeps_the_best_step(model):
    x = _series()
    result = forecast(model, x, split=SPLIT, seed=1, max_steps=300, patience=15,
                      dtype="float64")
    losses = result.validation_losses
    assert losses.shape == result.train_losses.shape == (result.n_updates + 1,)
    assert result.best_step == int(np.argmin(losses))
    # The kept parameters are those evaluated at best_step: their validation RMSE, recomputed
    # on the original scale by a fresh pass over the series, matches the recorded loss.
    span = result.scaler.high - result.scaler.low
    assert result.validation_rmse == pytest.approx(math.sqrt(losses[result.best_step]) * span,
                                                   rel=1e-9)
    # Stopping rule: `patience` evaluations after the last improvement by more than 1e-5.
    assert result.stopped_early
    reference, last_improvement = math.inf, 0
    for k, value in enumerate(losses):
        if value < reference - 1e-5:
            reference, last_improvement = value, k
    assert result.n_updates - last_improvement == 15


def test_stopping_on_the_training_loss():
    # The authors' rule: patience counts steps without a 1e-5 drop of the training loss.
    x = _series()
    result = forecast("RNN", x, split=SPLIT, seed=1, max_steps=300, patience=15,
                      min_delta=1e-3, stop_on="training", dtype="float64")
    reference, last_improvement = math.inf, 0
    for k, value in enumerate(result.train_losses):
        if value < reference - 1e-3:
            reference, last_improvement = value, k
    assert result.stopped_early and result.n_updates - last_improvement == 15
    assert result.best_step == int(np.argmin(result.validation_losses))
    with pytest.raises(ValueError, match=r"`stop_on` must be one of"):
        forecast("RNN", x, split=SPLIT, stop_on="test")


def test_step_limit_and_zero_steps():
    x = _series()
    result = forecast("LSTM", x, split=SPLIT, max_steps=4, seed=0)
    assert result.n_updates == 4 and not result.stopped_early
    assert result.validation_losses.size == 5
    none = forecast("LSTM", x, split=SPLIT, max_steps=0, seed=0)
    assert none.n_updates == 0 and none.best_step == 0


def _step_by_step(module, series_scaled):
    """Feed one value at a time, carrying the state: the rolling one-step forecasts."""
    outputs, state = [], None
    with torch.no_grad():
        for value in series_scaled[:-1]:
            y, state = module(torch.tensor([[[value]]], dtype=torch.float64), state)
            outputs.append(float(y))
    return np.array(outputs)


@pytest.mark.parametrize("name", ["LSTM", "MLSTMF", "MRNNF"])
def test_rolling_forecasts_carry_the_state(name):
    x = _series()
    torch.manual_seed(3)
    module = make_model(name, filter_length=None if name == "LSTM" else 10, dtype="float64")
    result = forecast(module, x, split=SPLIT, max_steps=5)
    assert result.model == name
    scaled = result.scaler.transform(x)
    expected = result.scaler.inverse(_step_by_step(module, scaled))[-SPLIT[2]:]
    np.testing.assert_allclose(result.predictions, expected, rtol=0, atol=1e-9)
    truth = x[-SPLIT[2]:]
    assert result.rmse == pytest.approx(np.sqrt(np.mean((expected - truth) ** 2)), rel=1e-9)
    # Resetting the state at every step (the authors' old LSTM baseline) forecasts otherwise.
    with torch.no_grad():
        reset = np.array([float(module(torch.tensor([[[v]]], dtype=torch.float64))[0])
                          for v in scaled[-SPLIT[2] - 1:-1]])
    assert np.max(np.abs(result.scaler.inverse(reset) - expected)) > 1e-4


def test_runs_are_deterministic():
    x = _series()
    first = forecast("MRNN", x, split=SPLIT, seed=4, max_steps=6)
    again = forecast("MRNN", x, split=SPLIT, seed=4, max_steps=6)
    other = forecast("MRNN", x, split=SPLIT, seed=5, max_steps=6)
    assert first.rmse == again.rmse
    np.testing.assert_array_equal(first.validation_losses, again.validation_losses)
    assert first.rmse != other.rmse
    assert torch.get_num_threads() >= 1


def test_paper_dataset_and_summary():
    result = forecast("MRNNF", "tree", seed=0, max_steps=1)
    assert result.split == (2500, 1000, 850) and result.predictions.shape == (850,)
    assert result.filter_length == 100 and len(result.d) == 1
    assert "MRNNF on tree (seed 0)" in result.summary()
    record = result.to_dict()
    assert record["validation_losses"][0] == pytest.approx(result.validation_losses[0], rel=1e-6)


def test_bad_input():
    x = _series()
    with pytest.raises(ValueError, match=r"`model` must be one of .*got model='GRU'"):
        forecast("GRU", x, split=SPLIT)
    with pytest.raises(ValueError, match=r"`dataset` must be one of .*got dataset='nile'"):
        forecast("RNN", "nile")
    with pytest.raises(ValueError, match=r"`split` must be given for a series passed as numbers"):
        forecast("RNN", x)
    with pytest.raises(ValueError, match=r"`max_steps` must be >= 0; got max_steps=-1"):
        forecast("RNN", x, split=SPLIT, max_steps=-1)
    with pytest.raises(ValueError, match=r"`patience` must be >= 1; got patience=0"):
        forecast("RNN", x, split=SPLIT, patience=0)
    with pytest.raises(ValueError, match=r"`lr` must"):
        forecast("RNN", x, split=SPLIT, lr=0.0)
    with pytest.raises(ValueError, match=r"`scaler` must be one of \['train', 'all'\]"):
        forecast("RNN", x, split=SPLIT, scaler="test")
    with pytest.raises(ValueError, match=r"`dtype` must be one of"):
        forecast("RNN", x, split=SPLIT, dtype="float16")
    with pytest.raises(TypeError, match=r"`model` must be one of .* or a torch.nn.Module"):
        forecast(3, x, split=SPLIT)
    with pytest.raises(ValueError, match=r"`filter_length` must be None for LSTM"):
        make_model("LSTM", filter_length=10)
    with pytest.raises(ValueError, match=r"`data` must contain only finite values"):
        forecast("RNN", np.r_[x[:-1], np.nan], split=SPLIT)


def test_non_finite_start_is_reported():
    module = Recurrent("RNN", 1, 2, dtype=torch.float64)
    with torch.no_grad():
        module.head.bias.fill_(float("nan"))
    with pytest.raises(RuntimeError, match=r"validation loss was not finite at the initial"):
        forecast(module, _series(), split=SPLIT, max_steps=3)


def test_oracle_predictor_against_toeplitz_solve():
    from scipy.linalg import solve_toeplitz

    data = datasets.load("arfima")
    acvf = arfima_acvf(400, d=0.4, ar=[1, -0.7, 0.4], ma=[1, -0.2])
    x = data.values[:400]
    pred = one_step_predictions(x, acvf)
    for t in (1, 2, 17, 399):
        # Normal equations Gamma_t phi = gamma(1..t), solved directly (Levinson in scipy).
        phi = solve_toeplitz(acvf[:t], acvf[1:t + 1])
        assert pred[t] == pytest.approx(phi @ x[t - 1::-1], rel=1e-9, abs=1e-12)
    split = tuple(data.split.values())
    assert oracle_rmse(data.values, split) == pytest.approx(1.016, abs=0.001)


def test_ar1_baseline_against_polyfit():
    data = datasets.load("arfima")
    split = tuple(data.split.values())
    slope, intercept = np.polyfit(data.values[:2000], data.values[1:2001], 1)
    test_in, test_out = data.values[3200:4000], data.values[3201:]
    expected = np.sqrt(np.mean((intercept + slope * test_in - test_out) ** 2))
    assert ar1_rmse(data.values, split) == pytest.approx(expected, rel=1e-10)
    assert expected == pytest.approx(1.102, abs=0.001)


def test_trained_lstm_is_short_memory():
    # Issue 6, end to end: a small nn.LSTM trained a few steps on the ARFIMA series.
    torch.manual_seed(0)
    model = Recurrent("LSTM", 1, 2)
    forecast(model, "arfima", max_steps=20)
    # The "full" budget: a 2^18-step output series. At the quick budget's length the
    # verdict on this near-white output can come out "inconclusive" (a 5%-level test); with
    # the longer series the interval for d is narrow enough to say "short" (d = 0.007 here,
    # and "short" for every (steps, width) in {5, 20} x {1, 2} we tried).
    report = memory_class(to_network(model.rnn, head=model.head), budget="full", rng=0)
    assert report.definition1 == "short"
    assert abs(report.output_decay.test.d) < 0.05


def test_mlstmf_with_long_filter_is_long_memory():
    # Issue 6, end to end: MLSTMF, d = 0.3, K = 1000. Zero recurrent weights make the cell
    # input i.i.d. under driven inputs, so the cell is the truncated (1-B)^(-d) filter of it
    # (Theorem 4); the cell-state verdict is the one Theorem 4 speaks about.
    torch.manual_seed(0)
    cell = MLSTMF(1, 1, filter_length=1000, dtype=torch.float64)
    with torch.no_grad():
        cell.bias_d.fill_(math.log(0.6 / 0.4))  # 0.5 sigmoid(b) = 0.3
        cell.weight_hh.zero_()
    assert float(cell.d.detach()) == pytest.approx(0.3)
    report = memory_class(cell, rng=0)
    assert report.definition1_cell == "long"
    assert report.cell_decay.test.d == pytest.approx(0.3, abs=0.05)
    assert report.definition3 == "long"
