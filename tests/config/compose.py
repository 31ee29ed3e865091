"""docker-compose.yml read as compose reads it: anchors and merge keys, `${VAR:-default}` with
no .env and nothing exported (the defaults), `$$` for a literal `$`; the web service's command
is the Dockerfile's CMD. Only the addresses compose's network provides (db, redis, mailpit) are
mapped to the services of this machine."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

from config.env import BASE_DIR

VARIABLE = re.compile(r"\$\$|\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}")
# Set by the network compose creates: the container names resolve to these services.
NETWORK_ADDRESSES = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")
BIN = str(Path(sys.executable).parent)


def interpolate(value: str, shell: dict[str, str] | None = None) -> str:
    """Compose's interpolation, with `shell` as the variables the user exported (none)."""
    shell = shell or {}

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        return shell.get(name) or (default if default is not None else "")

    return VARIABLE.sub(replace, value)


def _resolve(node):
    if isinstance(node, str):
        return interpolate(node)
    if isinstance(node, list):
        return [_resolve(item) for item in node]
    if isinstance(node, dict):
        return {key: _resolve(value) for key, value in node.items()}
    return node


def compose_services() -> dict[str, dict]:
    """The services, interpolated (merge keys resolved by the YAML loader)."""
    document = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    return _resolve(document["services"])


def dockerfile_cmd() -> list[str]:
    """The image's CMD (JSON form, continued over lines)."""
    text = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    (cmd,) = re.findall(r"^CMD (\[.*\])\s*$", text, flags=re.MULTILINE)
    return json.loads(cmd)


def dockerfile_env() -> dict[str, str]:
    """The runtime stage's ENV (the last ENV instruction)."""
    text = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    last = re.findall(r"^ENV (.*)$", text, flags=re.MULTILINE)[-1]
    return dict(pair.split("=", 1) for pair in last.split())


def service_env(service: dict, *, local: dict[str, str], home: Path) -> dict[str, str]:
    """The container's environment: the image's ENV, then the service's `environment:`, with
    the network addresses replaced by `local`. Nothing inherited from this process."""
    image = dockerfile_env()
    env = {
        **{k: v for k, v in image.items() if k != "PATH"},
        **{k: str(v) for k, v in service.get("environment", {}).items()},
        **local,
    }
    env["PATH"] = f"{BIN}:/usr/bin:/bin"
    env["HOME"] = str(home)
    env["LANG"] = "C.UTF-8"
    env["IMPRIMATUR_NO_DOTENV"] = "1"  # the image has no .env; never read this checkout's
    return env


def command(service: dict) -> list[str]:
    return list(service.get("command") or dockerfile_cmd())


def in_checkout(argv: list[str]) -> list[str]:
    """Run the container's command here: `python` is this interpreter."""
    return [sys.executable if arg == "python" else arg for arg in argv]


def environment_names(service: dict) -> set[str]:
    return set(service.get("environment", {}))
