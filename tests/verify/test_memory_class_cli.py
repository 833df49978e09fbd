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


# The format follows the extension, in either case.
@pytest.mark.parametrize("name, magic", [("report.png", b"\x89PNG"), ("report.SVG", b"<?xml")])
def test_check_writes_report_figure(tmp_path, capsys, name, magic):
    path = tmp_path / "net.npz"
    RNN.random(1, 4, scale=0.5, rng=0).save(path)
    figure = tmp_path / name
    assert check_command(_parse([str(path), "--json", "--figure", str(figure)])) == 0
    assert figure.read_bytes().startswith(magic)
    out = capsys.readouterr()
    json.loads(out.out)  # the figure's notice goes to stderr: stdout stays pure JSON
    assert f"figure written to {figure}" in out.err


def test_check_refuses_bad_figure_path_before_computing(tmp_path):
    # The network file does not exist: the figure path is refused before it is looked at.
    missing = str(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match=r"`--figure` must name a \.png or \.svg file .*"
                                         r"got --figure='.*report\.pdf'"):
        check_command(_parse([missing, "--figure", str(tmp_path / "report.pdf")]))
    with pytest.raises(ValueError, match="`--figure` must lie in an existing folder"):
        check_command(_parse([missing, "--figure", str(tmp_path / "no" / "report.png")]))
