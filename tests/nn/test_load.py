"""Saved PyTorch networks: TorchScript, state_dicts and (with trust) pickled modules."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnmem.cli import main  # noqa: E402
from rnnmem.networks import GRU, LSTM, RNN  # noqa: E402
from rnnmem.nn import from_state_dict, load_network, to_network  # noqa: E402

# The tests write TorchScript files with torch.jit.script/save, deprecated since torch 2.9.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")


def _same_weights(a, b):
    for left, right in zip(a.weight_hh + a.weight_ih, b.weight_hh + b.weight_ih, strict=True):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize("factory, cls", [
    (lambda: torch.nn.LSTM(2, 5, num_layers=2), LSTM),
    (lambda: torch.nn.GRU(1, 3), GRU),
    (lambda: torch.nn.RNN(1, 3, nonlinearity="relu", bias=False), RNN)])
def test_state_dict_and_torchscript(tmp_path, factory, cls):
    module = factory()
    reference = to_network(module)
    torch.save(module.state_dict(), tmp_path / "weights.pt")
    arch = "rnn-relu" if cls is RNN else None
    loaded = load_network(tmp_path / "weights.pt", arch=arch)
    assert isinstance(loaded, cls)
    _same_weights(loaded, reference)
    torch.jit.save(torch.jit.script(module), tmp_path / "scripted.pt")
    scripted = load_network(tmp_path / "scripted.pt")
    assert isinstance(scripted, cls)
    _same_weights(scripted, reference)
    if cls is RNN:
        assert scripted.activation == "relu" and loaded.activation == "relu"


def test_pickled_module_needs_trust(tmp_path):
    torch.save(torch.nn.LSTM(1, 4), tmp_path / "module.pt")
    with pytest.raises(ValueError, match=r"executes code stored in the file: pass trust=True"):
        load_network(tmp_path / "module.pt")
    assert isinstance(load_network(tmp_path / "module.pt", trust=True), LSTM)


def test_state_dict_errors(tmp_path):
    with pytest.raises(ValueError, match=r"bidirectional network.*not a causal"):
        from_state_dict(torch.nn.GRU(1, 2, bidirectional=True).state_dict())
    with pytest.raises(ValueError, match=r"projections"):
        from_state_dict(torch.nn.LSTM(1, 4, proj_size=2).state_dict())
    with pytest.raises(ValueError, match=r"`arch` must match the parameter shapes"):
        from_state_dict(torch.nn.GRU(1, 2).state_dict(), arch="lstm")
    with pytest.raises(ValueError, match=r"`arch` must be one of"):
        from_state_dict(torch.nn.GRU(1, 2).state_dict(), arch="transformer")
    with pytest.raises(ValueError, match=r"keys weight_ih_l0"):
        from_state_dict({"weight": torch.zeros(2)})
    with pytest.raises(ValueError, match=r"no such file"):
        load_network(tmp_path / "missing.pt")
    torch.save([1, 2], tmp_path / "list.pt")
    with pytest.raises(ValueError, match=r"holds a list"):
        load_network(tmp_path / "list.pt")


def test_cli_check_on_torch_files(tmp_path, capsys):
    torch.manual_seed(0)
    module = torch.nn.GRU(1, 4)
    torch.jit.save(torch.jit.script(module), tmp_path / "gru.pt")
    assert main(["check", str(tmp_path / "gru.pt"), "--json", "--seed", "2"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["target"] == "GRU"
    torch.save(module, tmp_path / "pickled.pt")
    assert main(["check", str(tmp_path / "pickled.pt")]) == 2
    assert "--trust" in capsys.readouterr().err


def test_cli_check_on_trusted_pickle(tmp_path, capsys):
    # Issue 6: `rnnmem check` on a file written by torch.save (whole module, --trust).
    torch.manual_seed(1)
    torch.save(torch.nn.LSTM(1, 3), tmp_path / "lstm.pt")
    assert main(["check", str(tmp_path / "lstm.pt"), "--trust", "--json", "--seed", "1"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["target"] == "LSTM"
