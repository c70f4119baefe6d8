"""DEP-02: every runtime dependency is pinned with hashes in requirements.lock, and an SBOM can be built from it."""

import json
import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def requirement_lines(path: Path) -> list[str]:
    """The logical lines of a requirements file: continuations joined, comments and options dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def locked() -> dict[str, tuple[Version, list[str]]]:
    pins = {}
    for line in requirement_lines(ROOT / "requirements.lock"):
        spec, *options = line.split(" --hash=")
        name, _, version = spec.strip().partition("==")
        pins[canonicalize_name(name)] = (Version(version), [option.strip() for option in options])
    return pins


def test_every_locked_package_is_pinned_exactly_with_hashes():  # DEP-02
    pins = locked()
    assert len(pins) > 20  # the runtime closure, not only the direct dependencies
    for name, (_version, hashes) in pins.items():
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name


def test_the_lock_satisfies_every_lower_bound_of_requirements_txt():  # DEP-02
    pins = locked()
    for line in requirement_lines(ROOT / "requirements.txt"):
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run `make lock`"
        assert pins[name][0] in requirement.specifier, (
            f"requirements.lock pins {requirement.name} {pins[name][0]}, outside {requirement.specifier}: "
            "run `make lock`")


def test_an_sbom_lists_every_locked_package_with_its_version(tmp_path):  # DEP-02
    sbom = tmp_path / "sbom.cdx.json"
    subprocess.run([str(Path(sys.executable).parent / "cyclonedx-py"), "requirements", str(ROOT / "requirements.lock"),
                    "--of", "JSON", "--output-reproducible", "-o", str(sbom)], check=True, capture_output=True)
    components = json.loads(sbom.read_text())["components"]
    listed = {canonicalize_name(component["name"]): Version(component["version"]) for component in components}
    assert listed == {name: version for name, (version, _hashes) in locked().items()}
    assert all(component["purl"].startswith("pkg:pypi/") for component in components)
