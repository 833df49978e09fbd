"""to_network: driven simulation of the converted network reproduces the module's outputs."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnmem import networks  # noqa: E402
from rnnmem.nn import MLSTM, MLSTMF, MRNN, MRNNF, to_network  # noqa: E402
from rnnmem.simulate import run  # noqa: E402

TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-6}


def _simulate(net, x):
    """x: (T, B, I) tensor -> outputs (T, B, O) of the driven chain from a zero state."""
    inputs = x.detach().to(torch.float64).permute(1, 0, 2).numpy()
    path = run(net, x.shape[0], mode="driven", inputs=inputs, n_chains=x.shape[1])
    return path.outputs.transpose(1, 0, 2)


def _perturb(module, scale=0.3):
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.add_(scale * torch.randn_like(parameter))
    return module


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", ["rnn-tanh", "rnn-relu", "rnn-nobias", "lstm", "gru"])
def test_stacks_with_and_without_head(kind, num_layers, dtype):
    torch.manual_seed(num_layers)
    common = dict(input_size=3, hidden_size=5, num_layers=num_layers, dtype=dtype)
    if kind.startswith("rnn"):
        module = torch.nn.RNN(nonlinearity="relu" if kind == "rnn-relu" else "tanh",
                              bias=kind != "rnn-nobias", **common)
    elif kind == "lstm":
        module = torch.nn.LSTM(**common)
    else:
        module = torch.nn.GRU(**common)
    head = torch.nn.Linear(5, 2, dtype=dtype)
    x = torch.randn(40, 3, 3, dtype=dtype)
    hidden, _ = module(x)
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(_simulate(to_network(module), x), hidden.detach().double().numpy(),
                               rtol=0, atol=tol)
    converted = to_network(module, head=head)
    assert isinstance(converted, networks.Network) and converted.output_size == 2
    np.testing.assert_allclose(_simulate(converted, x), head(hidden).detach().double().numpy(),
                               rtol=0, atol=tol)


@pytest.mark.parametrize("cell_cls", [torch.nn.RNNCell, torch.nn.LSTMCell, torch.nn.GRUCell])
def test_cells_with_head(cell_cls):
    torch.manual_seed(3)
    cell = cell_cls(2, 4, dtype=torch.float64)
    head = torch.nn.Linear(4, 1, dtype=torch.float64)
    x = torch.randn(25, 2, 2, dtype=torch.float64)
    state, outputs = None, []
    for t in range(25):
        state = cell(x[t], state)
        h = state[0] if isinstance(state, tuple) else state
        outputs.append(head(h))
    expected = torch.stack(outputs).detach().numpy()
    np.testing.assert_allclose(_simulate(to_network(cell, head=head), x), expected, rtol=0,
                               atol=1e-10)


@pytest.mark.parametrize("cls", [MRNNF, MRNN, MLSTMF, MLSTM])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_memory_modules(cls, dtype):
    torch.manual_seed(7)
    module = _perturb(cls(2, 4, filter_length=9, dtype=dtype))
    x = torch.randn(50, 3, 2, dtype=dtype)
    z, _ = module(x)
    net = to_network(module)
    assert type(net).__name__ == cls.__name__
    tolerance = TOLERANCE[dtype]
    if dtype == torch.float32 and cls in (MRNN, MLSTM):
        # d_t feeds back on the state, so the float32 module's own rounding grows along the
        # sequence (measured 1.1e-6 at T = 50 for MRNN); the conversion itself is exact
        # (float64 case).
        tolerance = 5e-6
    np.testing.assert_allclose(_simulate(net, x), z.detach().double().numpy(), rtol=0,
                               atol=tolerance)


def test_refusals():
    with pytest.raises(ValueError, match=r"not a causal recurrent process"):
        to_network(torch.nn.LSTM(2, 3, bidirectional=True))
    with pytest.raises(ValueError, match=r"`module` must have proj_size=0; got proj_size=2"):
        to_network(torch.nn.LSTM(2, 4, proj_size=2))
    with pytest.raises(TypeError, match=r"got Linear"):
        to_network(torch.nn.Linear(2, 3))
    with pytest.raises(TypeError, match=r"`head` must be a torch.nn.Linear or None; got ReLU"):
        to_network(torch.nn.RNN(2, 3), head=torch.nn.ReLU())
    with pytest.raises(ValueError, match=r"`head` must take the last layer's hidden state \(3"):
        to_network(torch.nn.GRU(2, 3), head=torch.nn.Linear(4, 1))
    with pytest.raises(ValueError, match=r"`head` must be None for MRNNF"):
        to_network(MRNNF(2, 3), head=torch.nn.Linear(3, 1))
