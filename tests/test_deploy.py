"""The Docker files, `.env.example`, `studybot health`, /healthz + /metrics and JSON logs.

There is no Docker engine here: the compose file is validated by the compose_spec parser
(the Rust implementation of the Compose specification, from PyPI) after YAML merge keys are
resolved as Compose resolves them, and the container's commands are run outside Docker.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from compose_spec import PyCompose

from bot.config import Settings
from bot.logs import setup_logging
from bot.ops import check_health, write_heartbeat
from catalog import load_catalog
from index.build import build_index
from tests.conftest import TINY_CATALOG, FakeEmbedder

ROOT = Path(__file__).parent.parent
STUDYBOT = str(Path(sys.executable).parent / "studybot")


def resolved(data: dict) -> str:
    """The file with merge keys resolved and no anchors: the YAML the parser accepts."""
    return yaml.safe_dump(json.loads(json.dumps(data)), sort_keys=False)


def compose() -> dict:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return PyCompose.from_yaml(resolved(data)).to_dict()  # raises ValueError when invalid


def dockerfile() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_compose_file_is_valid_and_wires_the_bot_as_documented() -> None:
    services = compose()["services"]
    bot, index = services["bot"], services["index"]
    assert bot["restart"] == "unless-stopped" and bot["env_file"] == ".env"
    assert bot["healthcheck"]["test"] == ["CMD", "studybot", "health", "--bot"]
    for service in (bot, index):
        mounts = dict(volume.split(":", 1) for volume in service["volumes"])
        assert mounts["./catalog/data"] == "/catalog:ro", "catalog edits reach the container"
        assert mounts["studybot-data"] == "/data", "index and database in a named volume"
        assert service["environment"]["STUDYBOT_DATA_DIR"] == "/data"
    assert index["command"] == ["index", "build"] and index["profiles"] == ["tools"]
    assert "studybot-data" in compose()["volumes"]


def test_a_broken_compose_file_is_caught_by_the_same_check() -> None:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    data["services"]["bot"]["restart"] = "sometimes"
    with pytest.raises(ValueError, match=r"services\.bot\.restart: unknown variant `sometimes`"):
        PyCompose.from_yaml(resolved(data))


def test_the_dockerfile_is_multi_stage_and_runs_as_a_user() -> None:
    lines = dockerfile()
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) == 2 and stages[0].endswith(" AS build")
    final = lines[lines.index(stages[1]) :]
    assert any(line.startswith("COPY --from=build /opt/venv") for line in final)
    assert any("embedder(building=True)" in line for line in lines), "ONNX at build"
    [user] = [line for line in final if line.startswith("USER ")]
    assert user.split()[1] not in ("root", "0")
    assert 'ENTRYPOINT ["studybot"]' in final and 'CMD ["run"]' in final


def test_the_containers_commands_work_outside_docker(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    """What `docker compose run --rm index`, then the bot's healthcheck, run in the image."""
    services = compose()["services"]
    env = {
        **os.environ,
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CATALOG_DIR": str(TINY_CATALOG),
    }
    env.pop("STUDYBOT_INDEX_DIR", None)
    run = lambda argv: subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)  # noqa: E731
    built = run([STUDYBOT, *services["index"]["command"]])
    assert built.returncode == 0, built.stderr
    check = services["bot"]["healthcheck"]["test"]  # ["CMD", "studybot", "health", "--bot"]
    assert check[1] == "studybot"
    healthcheck = [STUDYBOT, *check[2:]]
    assert run(healthcheck[:-1]).returncode == 0, "without --bot: the index loads"
    waiting = run(healthcheck)
    assert waiting.returncode == 1 and "has not reported in" in waiting.stderr
    write_heartbeat(tmp_path / "data" / "heartbeat.json", ready=True, version="v")
    assert run(healthcheck).returncode == 0


def test_health_reports_a_damaged_index_and_a_stale_heartbeat(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    beat = tmp_path / "beat.json"
    missing = check_health(index_dir, bot=False, max_age=60, heartbeat=beat)
    assert missing[0].startswith("the index does not load")
    build_index(load_catalog(TINY_CATALOG), FakeEmbedder(), index_dir)
    assert check_health(index_dir, bot=False, max_age=60, heartbeat=beat) == []
    beat.write_text(json.dumps({"time": time.time() - 600, "ready": True}))
    [problem] = check_health(index_dir, bot=True, max_age=60, heartbeat=beat)
    assert problem.startswith("the bot last reported 6")


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    listed = {}
    for number, line in enumerate(lines):
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            listed[name] = number
            assert lines[number - 1].startswith("#"), f"{name} has no comment above it"
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert set(listed) == aliases
    Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]  # the defaults parse


def test_json_logs_are_one_object_per_line_without_the_token(capsys) -> None:  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("discord").level
    try:
        setup_logging("json", secret="s3cr3t-token")
        logging.getLogger("studybot").info("connected with %s", "s3cr3t-token")
        logging.getLogger("discord.gateway").info("library chatter")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        logging.getLogger("discord").setLevel(saved[2])
    [line] = capsys.readouterr().err.splitlines()
    entry = json.loads(line)
    assert entry["level"] == "info" and entry["logger"] == "studybot"
    assert entry["message"] == "connected with [token]"
    assert "s3cr3t" not in line
