"""事项编制 on the command line: export and re-import to the same digest; the review verbs."""

import pytest
from typer.testing import CliRunner

from onething.catalog.services import current_catalog
from onething.cli import app
from onething.editing import services
from tests.catalogs import FIXTURES
from tests.factories import user
from tests.faults import onething_cli

SMALL = str(FIXTURES / "small.yaml")


def test_an_exported_version_reimports_to_the_same_digest(tmp_path):
    assert onething_cli("setup", "--no-demo", data_dir=tmp_path).returncode == 0
    assert onething_cli("catalog", "import", SMALL, data_dir=tmp_path).returncode == 0
    out = tmp_path / "v1.yaml"
    exported = onething_cli("catalog", "export", str(out), data_dir=tmp_path)
    assert exported.returncode == 0 and exported.stdout.startswith("exported version 1 (")
    again = onething_cli("catalog", "import", str(out), data_dir=tmp_path)
    assert again.stdout == "unchanged: version 1 is already this catalogue\n"
    missing = onething_cli("catalog", "export", str(out), "--version", "9", data_dir=tmp_path)
    assert missing.returncode == 2 and "没有第 9 版目录" in missing.stderr


@pytest.mark.django_db
def test_review_verbs_submit_publish_and_roll_back(demo):
    editor = user("editor")
    draft = services.draft_for(editor)
    row = services.entry_of(draft, "items", "drug_retail_licence")
    services.save_entry(editor, "items", row.key, {**row.data, "promised_days": 10}, row.revision)
    runner = CliRunner()
    told = runner.invoke(app, ["editing", "differences"])
    assert told.stdout == "事项 药品经营许可证核发（零售）：承诺时限 15 → 10 个工作日\n"
    refused = runner.invoke(app, ["editing", "publish", "--as", "publisher"])
    assert refused.exit_code == 1 and "尚未提交审核" in refused.stderr
    assert runner.invoke(app, ["editing", "submit", "--as", "editor"]).exit_code == 0
    published = runner.invoke(app, ["editing", "publish", "--as", "publisher"])
    assert published.exit_code == 0 and published.stdout.startswith("published: version 2")
    assert current_catalog().catalog.items["drug_retail_licence"].promised_days == 10
    back = runner.invoke(app, ["editing", "rollback", "1", "--as", "publisher"])
    assert back.exit_code == 0 and current_catalog().number == 3
    assert runner.invoke(app, ["editing", "rollback", "1", "--as", "nobody"]).exit_code == 2


@pytest.mark.django_db
def test_discard_on_the_command_line(demo):
    services.draft_for(user("editor"))
    runner = CliRunner()
    refused = runner.invoke(app, ["editing", "discard", "--as", "editor_amr"])
    assert refused.exit_code == 1 and "放弃编制稿" in refused.stderr
    assert runner.invoke(app, ["editing", "discard", "--as", "editor"]).stdout == "discarded\n"
    assert runner.invoke(app, ["editing", "status"]).stdout == "no draft\n"
