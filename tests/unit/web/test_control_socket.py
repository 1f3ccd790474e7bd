"""`onething serve` gives gunicorn a control socket of the instance's own."""

from onething import serving


def test_each_address_and_port_has_its_own_socket_in_a_private_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ONETHING_DATA_DIR", str(tmp_path))
    options = serving.control_socket_options("0.0.0.0", 8000, print)
    path = serving.control_socket_path("0.0.0.0", 8000)
    assert options == ["--control-socket", str(path), "--control-socket-mode", "0600"]
    assert path.parent == tmp_path / "run" and path.name.endswith("-0.0.0.0-8000.ctl")
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
    assert serving.control_socket_path("0.0.0.0", 8001) != path
    assert "[" not in serving.control_socket_path("[::1]", 8000).name


def test_a_path_too_long_for_a_unix_socket_means_none(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 120)
    monkeypatch.setenv("ONETHING_DATA_DIR", str(deep))
    notes = []
    assert serving.control_socket_options("127.0.0.1", 8000, notes.append) == [
        "--no-control-socket"
    ]
    assert "no gunicorn control socket: the path is too long" in notes[0]
    assert not deep.exists()
