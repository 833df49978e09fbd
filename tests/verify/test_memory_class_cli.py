"""rnnmem.verify._check_cli: the handler of ``rnnmem check``."""

import argparse
import json

import numpy as np
import pytest

from rnnmem.networks import RNN
from rnnmem.verify._check_cli import add_check_arguments, check_command


def _parse(argv):
    parser = argparse.ArgumentParser()
    add_check_arguments(parser)
    return parser.parse_args(argv)


def test_check_prints_json_report(tmp_path, capsys):
    path = tmp_path / "net.npz"
    RNN.random(1, 4, scale=0.5, rng=0).save(path)
    assert check_command(_parse([str(path), "--json", "--seed", "1"])) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["target"] == "RNN" and payload["definition1"] in {
        "short", "anti-persistent", "inconclusive"}
    assert payload["definition3"] == "short"


def test_check_prints_summary(tmp_path, capsys):
    path = tmp_path / "net.npz"
    RNN.random(1, 4, scale=0.5, rng=0).save(path)
    check_command(_parse([str(path)]))
    assert "Memory class of RNN" in capsys.readouterr().out


def test_check_errors(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        check_command(_parse([str(tmp_path / "missing.npz")]))
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(ValueError, match="must be a file written by Network.save"):
        check_command(_parse([str(other)]))
