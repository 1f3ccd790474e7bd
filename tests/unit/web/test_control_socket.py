"""`onething serve` gives gunicorn a control socket of the instance's own."""

from onething import cli


def test_each_address_and_port_has_its_own_socket_in_a_private_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ONETHING_DATA_DIR", str(tmp_path))
    options = cli._control_socket_options("0.0.0.0", 8000)
    path = cli.control_socket_path("0.0.0.0", 8000)
    assert options == ["--control-socket", str(path), "--control-socket-mode", "0600"]
    assert path.parent == tmp_path / "run" and path.name.endswith("-0.0.0.0-8000.ctl")
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
    assert cli.control_socket_path("0.0.0.0", 8001) != path
    assert "[" not in cli.control_socket_path("[::1]", 8000).name


def test_a_path_too_long_for_a_unix_socket_means_none(tmp_path, monkeypatch, capsys):
    deep = tmp_path / ("d" * 120)
    monkeypatch.setenv("ONETHING_DATA_DIR", str(deep))
    assert cli._control_socket_options("127.0.0.1", 8000) == ["--no-control-socket"]
    assert "no gunicorn control socket: the path is too long" in capsys.readouterr().err
    assert not deep.exists()
