"""Rebuild flows/situation/vendor/ — the libraries and country shapes the situation page embeds — from npm.

    python scripts/build_page_assets.py

Installs the exact versions of scripts/page_assets/package-lock.json (`npm ci`, no install scripts) in a temporary
folder, copies each library's built file and licence, derives the Sahel-area outlines from world-atlas with
topojson-client (scripts/page_assets/shapes.mjs) and writes vendor/NOTICE.md. Needs node and npm; the result is
committed, so neither a user nor CI needs them. To upgrade a library: change its version in package.json, run
`npm install --package-lock-only --ignore-scripts` in scripts/page_assets/, then this script, then the tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "scripts" / "page_assets"
VENDOR = ROOT / "flows" / "situation" / "vendor"

# package → (files to copy as (path in package, name in vendor/), licence file, what it is, licence name)
LIBRARIES = {
    "leaflet": (
        [("dist/leaflet.js", "leaflet.js"), ("dist/leaflet.css", "leaflet.css")],
        "LICENSE",
        "the map (panning, zooming, country outlines, event markers on a canvas)",
        "BSD-2-Clause",
    ),
    "vega": (
        [("build/vega.min.js", "vega.min.js")],
        "LICENSE",
        "the runtime that draws the timeline (bundles d3 modules, ISC)",
        "BSD-3-Clause",
    ),
    "vega-lite": (
        [("build/vega-lite.min.js", "vega-lite.min.js")],
        "LICENSE",
        "the timeline's charts, written as Vega-Lite specifications",
        "BSD-3-Clause",
    ),
    "d3-time-format": (
        [("locale/fr-FR.json", "time-locale-fr.json")],
        "LICENSE",
        "French month and day names for the timeline's axes",
        "ISC",
    ),
    "d3-format": (
        [("locale/fr-FR.json", "number-locale-fr.json")],
        "LICENSE",
        "French number format for the timeline's axes",
        "ISC",
    ),
    "world-atlas": ([], "LICENSE", "the country outlines, as derived in sahel-countries.json", "ISC"),
}
SHAPES = "sahel-countries.json"


def npm_install(folder: Path) -> None:
    shutil.copy(SOURCE / "package.json", folder)
    shutil.copy(SOURCE / "package-lock.json", folder)
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=folder, check=True)


def version(modules: Path, package: str) -> str:
    return json.loads((modules / package / "package.json").read_text(encoding="utf-8"))["version"]


def copy_libraries(modules: Path) -> list[str]:
    """Copy each library's files and licence; return the NOTICE lines."""
    lines = []
    for package, (files, licence, what, licence_name) in LIBRARIES.items():
        for inside, name in files:
            shutil.copy(modules / package / inside, VENDOR / name)
        shutil.copy(modules / package / licence, VENDOR / "licenses" / f"{package}.txt")
        shipped = ", ".join(f"`{name}`" for _, name in files) or f"`{SHAPES}` (derived)"
        lines.append(
            f"| {package} {version(modules, package)} | {shipped} | {licence_name}, `licenses/{package}.txt` | {what} |"
        )
    return lines


def derive_shapes(folder: Path) -> None:
    topology = folder / "node_modules" / "world-atlas" / "countries-50m.json"
    shutil.copy(SOURCE / "shapes.mjs", folder)
    shapes = subprocess.run(
        ["node", "shapes.mjs", str(topology)], cwd=folder, check=True, capture_output=True, text=True
    ).stdout
    (VENDOR / SHAPES).write_text(shapes, encoding="utf-8")


def write_notice(lines: list[str]) -> None:
    header = [
        "# Third-party files embedded in the situation page",
        "",
        "Built by `scripts/build_page_assets.py` from the npm packages pinned in `scripts/page_assets/`; every page",
        '`sahelwatch report` writes embeds these files and shows these notices (its footer, "Licences").',
        "",
        "| package | shipped here | licence | what for |",
        "|---|---|---|---|",
    ]
    footer = [
        "",
        f"`{SHAPES}`: country outlines from Natural Earth (1:50m admin-0 countries, public domain), as packaged",
        "in world-atlas (TopoJSON, ISC, Michael Bostock); converted to GeoJSON with topojson-client (ISC) and cut",
        "to the countries of the Sahel and around it, coordinates rounded to 0.01°.",
    ]
    (VENDOR / "NOTICE.md").write_text("\n".join(header + lines + footer) + "\n", encoding="utf-8")


def main() -> None:
    (VENDOR / "licenses").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sahelwatch-assets-") as tmp:
        folder = Path(tmp)
        npm_install(folder)
        lines = copy_libraries(folder / "node_modules")
        derive_shapes(folder)
    write_notice(lines)
    for path in sorted(VENDOR.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size:>9,}  {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
