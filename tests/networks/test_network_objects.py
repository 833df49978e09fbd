"""Network parameter objects: sizes, validation, immutability, save/load."""

import dataclasses

import numpy as np
import pytest

from rnnmem.networks import (
    GRU,
    LSTM,
    MLSTM,
    MLSTMF,
    MRNN,
    MRNNF,
    RNN,
    LinearChain,
    bias_from_d,
    d_from_bias,
    load,
)

ALL_RANDOM = [
    lambda: LinearChain.random(2, 3, rng=0),
    lambda: RNN.random(2, 4, num_layers=2, output_size=3, rng=0, activation="relu"),
    lambda: LSTM.random(2, 4, num_layers=3, rng=0, output="tanh"),
    lambda: GRU.random(2, 4, rng=0, output="sigmoid"),
    lambda: MRNNF.random(2, 4, memory_size=3, filter_length=7, rng=0),
    lambda: MRNN.random(2, 4, filter_length=7, d=[0.1, 0.4], rng=0),
    lambda: MLSTMF.random(2, 4, filter_length=7, d=0.3, rng=0),
    lambda: MLSTM.random(2, 4, filter_length=7, rng=0),
]
IDS = ["linear", "rnn", "lstm", "gru", "mrnnf", "mrnn", "mlstmf", "mlstm"]


@pytest.mark.parametrize(
    "make, sizes",
    [
        (ALL_RANDOM[0], (2, 2, 3)),
        (ALL_RANDOM[1], (2, 3, 8)),
        (ALL_RANDOM[2], (2, 2, 24)),
        (ALL_RANDOM[3], (2, 2, 4)),
        (ALL_RANDOM[4], (2, 2, 7)),
        (ALL_RANDOM[5], (2, 2, 10)),
        (ALL_RANDOM[6], (2, 2, 8)),
        (ALL_RANDOM[7], (2, 2, 12)),
    ],
    ids=IDS,
)
def test_sizes(make, sizes):
    net = make()
    assert (net.input_size, net.output_size, net.state_size) == sizes
    assert net.__class__.__name__ in net.summary()
    assert str(net) == net.summary()


@pytest.mark.parametrize("make", ALL_RANDOM, ids=IDS)
def test_save_load_roundtrip(make, tmp_path):
    net = make()
    path = tmp_path / "net.npz"
    net.save(path)
    back = load(path)
    assert type(back) is type(net)
    assert back == net
    assert back != make.__class__  # comparison with another type is not equality


@pytest.mark.parametrize("make", ALL_RANDOM, ids=IDS)
def test_frozen_and_read_only(make):
    net = make()
    field = dataclasses.fields(net)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(net, field.name, None)
    value = getattr(net, field.name)
    array = value[0] if isinstance(value, tuple) else value
    assert array.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        array[...] = 0.0


@pytest.mark.parametrize("make", ALL_RANDOM, ids=IDS)
def test_same_seed_same_network(make):
    assert make() == make()


def test_random_d_and_bias_inverse():
    d = np.array([0.01, 0.25, 0.49])
    np.testing.assert_allclose(d_from_bias(bias_from_d(d)), d, rtol=1e-14)
    assert float(d_from_bias(0.0)) == 0.25
    net = MRNNF.random(3, 2, d=d, rng=1)
    np.testing.assert_allclose(net.d, d, rtol=1e-14)
    net = MLSTMF.random(1, 3, d=d, rng=1)
    np.testing.assert_allclose(net.d, d, rtol=1e-14)


def test_linear_chain_spectral_radius():
    chain = LinearChain.random(1, 4, scale=0.7, rng=3)
    assert chain.spectral_radius == pytest.approx(0.7, rel=1e-12)
    assert LinearChain.random(2, 0, rng=1).state_size == 0


def test_lists_are_accepted_for_one_layer():
    net = RNN.random(1, 3, rng=0)
    again = RNN(
        weight_ih=net.weight_ih[0].tolist(),
        weight_hh=net.weight_hh[0],
        bias_ih=net.bias_ih[0],
        bias_hh=net.bias_hh[0],
        head_weight=net.head_weight,
        head_bias=net.head_bias,
    )
    with pytest.raises(ValueError, match="one array per layer"):
        RNN(
            weight_ih=[net.weight_ih[0]],
            weight_hh=[net.weight_hh[0]] * 2,
            bias_ih=net.bias_ih,
            bias_hh=net.bias_hh,
            head_weight=net.head_weight,
            head_bias=net.head_bias,
        )
    assert again.num_layers == 1 and again.hidden_size == 3


# ---------------------------------------------------------------------------------------------
# Errors


def _rnn_kwargs(**changes):
    net = RNN.random(2, 3, num_layers=2, rng=0)
    kwargs = {f.name: getattr(net, f.name) for f in dataclasses.fields(net)}
    kwargs.update(changes)
    return kwargs


@pytest.mark.parametrize(
    "changes, error, match",
    [
        (
            {"weight_hh": (np.zeros((3, 2)), np.zeros((3, 3)))},
            ValueError,
            r"`weight_hh\[0\]` must have shape \(1 \* hidden_size, hidden_size\)",
        ),
        (
            {"weight_ih": (np.zeros((3, 0)), np.zeros((3, 3)))},
            ValueError,
            r"`weight_ih\[0\]` must have shape \(3, input_size\)",
        ),
        (
            {"weight_ih": (np.zeros((3, 2)), np.zeros((3, 2)))},
            ValueError,
            r"`weight_ih\[1\]` must have shape \(3, 3\) for hidden_size=3; got shape \(3, 2\)",
        ),
        ({"bias_ih": (np.zeros(3),)}, ValueError, r"`bias_ih` must hold one array per layer"),
        ({"bias_hh": (np.zeros(3), np.zeros(4))}, ValueError, r"`bias_hh\[1\]` must have shape"),
        ({"head_weight": np.zeros((2, 4))}, ValueError, r"`head_weight` must have shape \(2, 3\)"),
        ({"head_weight": np.zeros(3)}, ValueError, r"`head_weight` must have shape \(output_size"),
        ({"head_bias": np.zeros(3)}, ValueError, r"`head_bias` must have shape \(2,\)"),
        ({"weight_ih": ()}, ValueError, r"`weight_ih` must hold one array per layer; got an empty"),
        ({"weight_ih": 3.0}, TypeError, r"`weight_ih` must be an array or a sequence of arrays"),
        ({"activation": "softplus"}, ValueError, r"`activation` must be one of"),
        ({"output": "softmax"}, ValueError, r"`output` must be one of"),
        (
            {"weight_hh": (np.full((3, 3), np.nan), np.zeros((3, 3)))},
            ValueError,
            r"`weight_hh\[0\]` must contain only finite values",
        ),
        (
            {"head_bias": np.array([np.inf, 0.0])},
            ValueError,
            r"`head_bias` must contain only finite values",
        ),
    ],
)
def test_rnn_errors(changes, error, match):
    with pytest.raises(error, match=match):
        RNN(**_rnn_kwargs(**changes))


def test_lstm_gru_gate_rows():
    lstm = LSTM.random(2, 3, rng=0)
    with pytest.raises(ValueError, match=r"`weight_hh\[0\]` must have shape \(4 \* hidden_size"):
        LSTM(
            weight_ih=lstm.weight_ih,
            weight_hh=np.zeros((9, 3)),
            bias_ih=lstm.bias_ih,
            bias_hh=lstm.bias_hh,
            head_weight=lstm.head_weight,
            head_bias=lstm.head_bias,
        )
    gru = GRU.random(2, 3, rng=0)
    with pytest.raises(ValueError, match=r"`bias_ih\[0\]` must have shape \(9,\)"):
        GRU(
            weight_ih=gru.weight_ih,
            weight_hh=gru.weight_hh,
            bias_ih=np.zeros(12),
            bias_hh=gru.bias_hh,
            head_weight=gru.head_weight,
            head_bias=gru.head_bias,
        )


def test_linear_chain_errors():
    with pytest.raises(ValueError, match=r"`weight` must be a square matrix; got shape \(2, 3\)"):
        LinearChain(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`output_size` must be <= the size of `weight` \(2\)"):
        LinearChain(np.zeros((2, 2)), output_size=3)
    with pytest.raises(ValueError, match=r"`output_size` must be >= 1; got output_size=0"):
        LinearChain(np.zeros((2, 2)), output_size=0)
    with pytest.raises(ValueError, match=r"`weight` must have at least one row"):
        LinearChain(np.zeros((0, 0)))
    with pytest.raises(ValueError, match=r"`weight` must be a 2-D array"):
        LinearChain(np.zeros(3))
    with pytest.raises(ValueError, match=r"`weight` must contain only finite values"):
        LinearChain([[np.nan]])
    with pytest.raises(TypeError, match=r"`weight` must be an array of real numbers"):
        LinearChain("W")
    with pytest.raises(ValueError, match=r"`hidden_size` must be >= 0; got hidden_size=-1"):
        LinearChain.random(1, -1)
    with pytest.raises(ValueError, match=r"`scale` must lie in \(0, inf\)"):
        LinearChain.random(1, 1, scale=0.0)


def _mrnnf_kwargs(cls=MRNNF, **changes):
    net = cls.random(2, 3, memory_size=4, output_size=1, filter_length=5, rng=0)
    kwargs = {f.name: getattr(net, f.name) for f in dataclasses.fields(net)}
    kwargs.update(changes)
    return kwargs


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"weight_hh": np.zeros((3, 2))}, r"`weight_hh` must have shape \(3, 3\) \(square\)"),
        ({"weight_hh": np.zeros((0, 0))}, r"`weight_hh` must not be empty"),
        ({"weight_mm": np.zeros((4, 5))}, r"`weight_mm` must have shape \(4, 4\)"),
        (
            {"weight_hx": np.zeros((3, 3))},
            r"`weight_mf` must have shape \(4, 3\) for memory_size=4",
        ),
        ({"weight_mf": np.zeros((4, 3))}, r"`weight_mf` must have shape \(4, 2\)"),
        ({"bias_h": np.zeros(4)}, r"`bias_h` must have shape \(3,\)"),
        ({"bias_m": np.zeros(3)}, r"`bias_m` must have shape \(4,\)"),
        ({"head_weight": np.zeros((1, 3))}, r"`head_weight` must have shape \(1, 7\)"),
        ({"head_weight": np.zeros((0, 7))}, r"`head_weight` must have at least one row"),
        ({"head_bias": np.zeros(2)}, r"`head_bias` must have shape \(1,\)"),
        ({"filter_length": 0}, r"`filter_length` must be >= 1; got filter_length=0"),
        ({"bias_d": np.array([np.nan, 0.0])}, r"`bias_d` must contain only finite values"),
    ],
)
def test_mrnnf_errors(changes, match):
    with pytest.raises(ValueError, match=match):
        MRNNF(**_mrnnf_kwargs(**changes))


def test_mrnn_weight_d_shape():
    with pytest.raises(ValueError, match=r"`weight_d` must have shape \(2, 11\) to act on"):
        MRNN(**_mrnnf_kwargs(MRNN, weight_d=np.zeros((2, 10))))


def _mlstmf_kwargs(cls=MLSTMF, **changes):
    net = cls.random(2, 3, output_size=1, filter_length=5, rng=0)
    kwargs = {f.name: getattr(net, f.name) for f in dataclasses.fields(net)}
    kwargs.update(changes)
    return kwargs


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"weight_hh": np.zeros((8, 3))}, r"`weight_hh` must have shape \(3 \* hidden_size"),
        ({"weight_ih": np.zeros((9, 0))}, r"`weight_ih` must have at least one column"),
        ({"weight_ih": np.zeros((8, 2))}, r"`weight_ih` must have shape \(9, 2\)"),
        ({"bias": np.zeros(8)}, r"`bias` must have shape \(9,\)"),
        ({"head_weight": np.zeros((1, 2))}, r"`head_weight` must have shape \(1, 3\)"),
        ({"head_weight": np.zeros((0, 3))}, r"`head_weight` must have at least one row"),
        ({"head_bias": np.zeros(3)}, r"`head_bias` must have shape \(1,\)"),
        ({"bias_d": np.zeros(2)}, r"`bias_d` must have shape \(3,\)"),
        ({"filter_length": -2}, r"`filter_length` must be >= 1"),
    ],
)
def test_mlstmf_errors(changes, match):
    with pytest.raises(ValueError, match=match):
        MLSTMF(**_mlstmf_kwargs(**changes))


def test_mlstm_weight_d_shape():
    with pytest.raises(ValueError, match=r"`weight_d` must have shape \(3, 8\)"):
        MLSTM(**_mlstmf_kwargs(MLSTM, weight_d=np.zeros((3, 7))))


@pytest.mark.parametrize("d", [0.0, 0.5, -0.1, 0.62, [0.2, 0.5]])
def test_d_outside_open_half_interval(d):
    with pytest.raises(ValueError, match=r"`d` must lie in \(0, 0.5\), since d = 0.5 sigmoid"):
        MRNNF.random(2, 3, d=d)
    with pytest.raises(ValueError, match=r"`d` must lie in \(0, 0.5\)"):
        MLSTMF.random(2, 2, d=d)


def test_d_wrong_length():
    with pytest.raises(ValueError, match=r"`d` must be a scalar or have shape \(3,\); got \(2,\)"):
        MRNNF.random(3, 2, d=[0.1, 0.2])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: RNN.random(0, 3), ValueError, r"`input_size` must be >= 1; got input_size=0"),
        (lambda: LSTM.random(1, 0), ValueError, r"`hidden_size` must be >= 1; got hidden_size=0"),
        (lambda: GRU.random(1, 2, num_layers=0), ValueError, r"`num_layers` must be >= 1"),
        (lambda: RNN.random(1, 2, scale=-1.0), ValueError, r"`scale` must lie in \(0, inf\)"),
        (lambda: MRNNF.random(1, 2, filter_length=0), ValueError, r"`filter_length` must be >= 1"),
        (lambda: MLSTM.random(1, 2, rng=-1), ValueError, r"`rng` must be a non-negative"),
        (lambda: RNN.random(1.5, 2), TypeError, r"`input_size` must be an integer"),
    ],
)
def test_random_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_load_errors(tmp_path):
    plain = tmp_path / "plain.npz"
    np.savez(plain, a=np.zeros(2))
    with pytest.raises(ValueError, match=r"`path` must be a file written by Network.save"):
        load(plain)
    net = RNN.random(1, 2, rng=0)
    path = tmp_path / "net.npz"
    net.save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["__meta__"] = np.array(str(arrays["__meta__"]).replace('"RNN"', '"Transformer"'))
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=r"`path` names an unknown network class"):
        load(path)
