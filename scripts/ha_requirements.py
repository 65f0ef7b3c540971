"""Print the requirements of every integration the develop configuration loads.

`scripts/develop` starts Home Assistant with `--skip-pip`, so the Python packages of
each integration it sets up must already be in `.venv`. This reads the configuration
the way Home Assistant's bootstrap does (top-level keys, `platform:` entries, the
integrations it always sets up), follows `dependencies` and `after_dependencies`
through the manifests of the installed `homeassistant` package and of the repo's
`custom_components`, and prints one requirement a line for `pip install -r`.

Usage: .venv/bin/python scripts/ha_requirements.py CONFIG_DIR CUSTOM_COMPONENTS_DIR
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from homeassistant import bootstrap, components
from homeassistant.config import extract_platform_integrations
from homeassistant.const import BASE_PLATFORMS
from homeassistant.helpers.config_validation import domain_key
from homeassistant.util.yaml import Secrets, load_yaml_dict

# Loaded although the configuration names neither: /api/services builds action
# descriptions for camera (PyTurboJPEG) and tts (mutagen).
INDIRECT = {"camera", "tts"}
# Added by onboarding when the first user finishes it (homeassistant/components/
# onboarding/views.py): without their libraries each shows "Failed to set up".
ONBOARDING = {"google_translate", "met", "radio_browser", "shopping_list"}


def _manifest(domain: str, custom_dir: Path) -> dict[str, object] | None:
    """Return the manifest of a custom or core integration, or None if unknown."""
    for base in (custom_dir, Path(components.__file__).parent):
        path = base / domain / "manifest.json"
        if path.is_file():
            manifest: dict[str, object] = json.loads(path.read_text())
            return manifest
    return None


def _names(manifest: dict[str, object], key: str) -> list[str]:
    value = manifest.get(key) or []
    return [str(item) for item in value] if isinstance(value, list) else []


def main(config_dir: Path, custom_dir: Path) -> int:
    """Print the requirements, sorted and unique."""
    config_file = config_dir / "configuration.yaml"
    config = load_yaml_dict(config_file, Secrets(config_dir))
    wanted = {domain_key(key) for key in config}
    wanted |= bootstrap.CORE_INTEGRATIONS | bootstrap.DEFAULT_INTEGRATIONS
    wanted |= set(BASE_PLATFORMS)
    for platforms in extract_platform_integrations(config, BASE_PLATFORMS).values():
        wanted |= platforms
    wanted |= INDIRECT | ONBOARDING
    # The repo's own integrations, as a config entry would set them up.
    wanted |= {path.parent.name for path in custom_dir.glob("*/manifest.json")}

    seen: set[str] = set()
    requirements: set[str] = set()
    todo = sorted(wanted)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = _manifest(domain, custom_dir)
        if manifest is None:
            continue
        requirements.update(_names(manifest, "requirements"))
        todo.extend(_names(manifest, "dependencies"))
        todo.extend(_names(manifest, "after_dependencies"))

    print("\n".join(sorted(requirements, key=str.lower)))
    print(f"ha_requirements: {len(seen)} integrations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
