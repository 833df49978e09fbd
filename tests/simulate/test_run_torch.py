"""Driven outputs equal PyTorch's own nn.RNN / nn.LSTM / nn.GRU (float64) to 1e-10.

The torch modules receive our weights by a plain copy (same names, shapes and gate order);
the head is the identity, so the recorded outputs are the top layer's hidden states, which is
what the torch modules return.
"""

import numpy as np
import pytest

from rnnmem.networks import GRU, LSTM, RNN
from rnnmem.simulate.networks import run

torch = pytest.importorskip("torch")

TOL = 1e-10


def _tensor(array):
    """A writable float64 tensor copy (network weights are read-only arrays)."""
    return torch.from_numpy(np.array(array, dtype=np.float64))


def _with_identity_head(net):
    h = net.hidden_size
    cls = type(net)
    kwargs = {
        "weight_ih": net.weight_ih,
        "weight_hh": net.weight_hh,
        "bias_ih": net.bias_ih,
        "bias_hh": net.bias_hh,
        "head_weight": np.eye(h),
        "head_bias": np.zeros(h),
    }
    if cls is RNN:
        kwargs["activation"] = net.activation
    return cls(**kwargs)


def _torch_module(net):
    common = {
        "input_size": net.input_size,
        "hidden_size": net.hidden_size,
        "num_layers": net.num_layers,
        "batch_first": True,
        "dtype": torch.float64,
    }
    if isinstance(net, RNN):
        module = torch.nn.RNN(nonlinearity=net.activation, **common)
    elif isinstance(net, LSTM):
        module = torch.nn.LSTM(**common)
    else:
        module = torch.nn.GRU(**common)
    with torch.no_grad():
        for k in range(net.num_layers):
            getattr(module, f"weight_ih_l{k}").copy_(_tensor(net.weight_ih[k]))
            getattr(module, f"weight_hh_l{k}").copy_(_tensor(net.weight_hh[k]))
            getattr(module, f"bias_ih_l{k}").copy_(_tensor(net.bias_ih[k]))
            getattr(module, f"bias_hh_l{k}").copy_(_tensor(net.bias_hh[k]))
    return module


CASES = [
    (RNN, {"activation": "tanh"}),
    (RNN, {"activation": "relu", "scale": 0.8}),
    (LSTM, {}),
    (GRU, {}),
]


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("cls, options", CASES, ids=["rnn-tanh", "rnn-relu", "lstm", "gru"])
def test_driven_outputs_equal_torch(cls, options, num_layers):
    net = _with_identity_head(cls.random(3, 5, num_layers=num_layers, rng=11, **options))
    gen = np.random.default_rng(5)
    inputs = gen.standard_normal((4, 60, 3))
    init = 0.5 * gen.standard_normal((4, net.state_size))
    path = run(net, 60, mode="driven", inputs=inputs, n_chains=4, init=init, record_states=True)

    module = _torch_module(net)
    layers, hidden = net.num_layers, net.hidden_size
    h0 = torch.from_numpy(
        init[:, : layers * hidden].reshape(4, layers, hidden).transpose(1, 0, 2).copy()
    )
    with torch.no_grad():
        if cls is LSTM:
            c0 = torch.from_numpy(
                init[:, layers * hidden :].reshape(4, layers, hidden).transpose(1, 0, 2).copy()
            )
            out, (h_n, c_n) = module(torch.from_numpy(inputs), (h0, c0))
        else:
            out, h_n = module(torch.from_numpy(inputs), h0)
    np.testing.assert_allclose(path.outputs, out.numpy(), rtol=0, atol=TOL)
    final = path.states[:, -1, : layers * hidden].reshape(4, layers, hidden)
    np.testing.assert_allclose(final, h_n.numpy().transpose(1, 0, 2), rtol=0, atol=TOL)
    if cls is LSTM:
        cells = path.states[:, -1, layers * hidden :].reshape(4, layers, hidden)
        np.testing.assert_allclose(cells, c_n.numpy().transpose(1, 0, 2), rtol=0, atol=TOL)


def test_head_and_output_function_against_torch():
    """A non-trivial head g(W h + b) on top of torch's hidden states."""
    net = LSTM.random(2, 4, output_size=3, num_layers=2, rng=2, output="tanh")
    inputs = np.random.default_rng(0).standard_normal((40, 2))
    path = run(net, 40, mode="driven", inputs=inputs)
    module = _torch_module(net)
    with torch.no_grad():
        out, _ = module(torch.from_numpy(inputs[None]))
        head = torch.nn.functional.linear(out, _tensor(net.head_weight), _tensor(net.head_bias))
        expected = torch.tanh(head).numpy()
    np.testing.assert_allclose(path.outputs, expected, rtol=0, atol=TOL)
