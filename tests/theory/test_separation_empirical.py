"""Empirical (float) Start-End rank of callables and torch modules.

References: separable models with known rank (additive: 2, multiplicative: 1), the float RAC
kernel (the matrix must equal :func:`start_end_matrix`), and a NumPy re-implementation of
torch.nn.RNN's forward pass (the sequence-to-row/column layout must match).
"""

import numpy as np
import pytest

from rnnmem.theory.separation_empirical import empirical_start_end_rank
from rnnmem.theory.separation_rac import RecurrentArithmeticCircuit, start_end_matrix
from rnnmem.theory.separation_rank import circuit_rank


def rac_forward(rac):
    """A NumPy forward pass of a float RAC on (batch, T, M) inputs."""
    def forward(x):
        states = [None] * rac.depth
        for t in range(x.shape[1]):
            below = x[:, t, :] @ rac.input_first.T
            for l in range(rac.depth):
                drive = below if l == 0 else below @ rac.input_deep[l - 1].T
                recur = 1.0 if t == 0 else states[l] @ rac.hidden[l].T
                states[l] = recur * drive
                below = states[l]
        return states[-1] @ rac.output
    return forward


def test_float_rac_callable_matches_the_circuit_kernel():
    rac = RecurrentArithmeticCircuit.random(2, 3, 2, rng=41, exact=False)
    result = empirical_start_end_rank(rac_forward(rac), np.eye(3), 4)
    np.testing.assert_allclose(result.matrix, start_end_matrix(rac, 4), rtol=1e-12, atol=1e-12)
    assert result.rank == circuit_rank(rac, 4).rank == 6  # depth-2 upper bound min(9, 6, 6)
    assert result.output_dtype == "float64"
    assert "Empirical Start-End rank, T=4, M=3" in result.summary()


def test_separable_models_have_their_known_ranks():
    rng = np.random.default_rng(42)
    templates = rng.standard_normal((3, 2))
    additive = lambda x: np.tanh(x[:, :3, 0]).sum(axis=1) + x[:, 3:, 1].sum(axis=1) ** 2
    product = lambda x: np.prod(1.0 + x[:, :, 0] ** 2, axis=1)
    start_only = lambda x: np.cos(x[:, :3, :].sum(axis=(1, 2)))
    assert empirical_start_end_rank(additive, templates, 6).rank == 2
    assert empirical_start_end_rank(product, templates, 6).rank == 1
    assert empirical_start_end_rank(start_only, templates, 6).rank == 1
    # batches split the sequences without changing the matrix
    a = empirical_start_end_rank(additive, templates, 6, batch_size=7)
    b = empirical_start_end_rank(additive, templates, 6)
    np.testing.assert_array_equal(a.matrix, b.matrix)
    assert empirical_start_end_rank(additive, templates, 6, tol=1e300).rank == 0


def test_torch_rnn_module():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn = torch.nn.RNN(input_size=2, hidden_size=3, batch_first=True).double()
    templates = np.eye(2)
    result = empirical_start_end_rank(rnn, templates, 6, output=1)
    # reference: the same recursion in NumPy, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
    w_ih, w_hh, b_ih, b_hh = (p.detach().numpy() for p in
                              (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0))
    expected = np.empty(64)
    for index in range(64):
        digits = [(index >> (5 - t)) & 1 for t in range(6)]
        h = np.zeros(3)
        for d in digits:
            h = np.tanh(w_ih @ templates[d] + b_ih + w_hh @ h + b_hh)
        expected[index] = h[1]
    np.testing.assert_allclose(result.matrix.ravel(), expected, rtol=1e-12, atol=1e-14)
    assert 1 <= result.rank <= 8
    # a float32 module: outputs float32, tolerance from float32's eps
    linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 1))
    single = empirical_start_end_rank(linear, templates, 6)
    assert single.output_dtype == "float32" and single.rank == 2


def test_bad_input_is_refused():
    model = lambda x: x[:, :, 0].sum(axis=1)
    with pytest.raises(ValueError, match=r"`T` must be even .*; got T=5\."):
        empirical_start_end_rank(model, np.eye(2), 5)
    with pytest.raises(TypeError, match=r"`model` must be callable"):
        empirical_start_end_rank("rnn", np.eye(2), 4)
    with pytest.raises(ValueError, match=r"the M\^T = 4\^16 = 4294967296 sequences exceed"):
        empirical_start_end_rank(model, np.eye(4), 16)
    with pytest.raises(ValueError, match=r"`output` must index the model's 1 output\(s\); got output=3"):
        empirical_start_end_rank(model, np.eye(2), 4, output=3)
    with pytest.raises(ValueError, match=r"the model returned NaN or inf"):
        empirical_start_end_rank(lambda x: np.where(x[:, 0, 0] > 0, np.nan, 1.0), np.eye(2), 2)
    with pytest.raises(ValueError, match=r"`templates` must be a 2-D array"):
        empirical_start_end_rank(model, np.ones(3), 4)
