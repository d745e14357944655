"""Instructions a replica page costs, site rules against trafilatura (run by hand).

Wall-clock rates on a shared machine move by a third from minute to minute; the number of
instructions does not. This runs `valgrind --tool=callgrind` twice per extractor — over one
warm-up round of the replica's 35 article pages, then over the warm-up and `--rounds` more —
and divides the difference by the pages read. `PYTHONHASHSEED` is fixed (it moves the count by
up to 0.5 %). Needs valgrind (`apt install valgrind`); a run takes a few minutes.

    python bench/instructions.py [--rounds 2] [--seed 0]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction import replica_pages, site_text, trafilatura_text

EXTRACTORS = {"site": site_text, "trafilatura": trafilatura_text}
SUMMARY = re.compile(r"^summary: (\d+)", re.M)


def read_pages(extractor: str, rounds: int) -> None:
    """The measured program: a warm-up round, then `rounds` rounds over the replica pages."""
    extract = EXTRACTORS[extractor]
    pages = replica_pages()
    for _ in range(1 + rounds):
        for page in pages:
            extract(page.html, page.url)


def instructions(extractor: str, rounds: int, seed: int, folder: Path) -> int:
    out = folder / f"callgrind.{extractor}.{rounds}"
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, __file__, "--run", extractor, "--rounds", str(rounds)],
                   env=env, check=True, capture_output=True)
    found = SUMMARY.search(out.read_text(errors="replace"))
    if found is None:
        raise SystemExit(f"no instruction count in {out}")
    return int(found[1])


def main(rounds: int = 2, seed: int = 0, run: str = "") -> None:
    if run:  # under valgrind
        read_pages(run, rounds)
        return
    pages = len(replica_pages())
    per_page: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, Progress() as progress:
        task = progress.add_task("callgrind runs", total=2 * len(EXTRACTORS))
        for extractor in EXTRACTORS:
            counts = []
            for n in (0, rounds):
                counts.append(instructions(extractor, n, seed, Path(tmp)))
                progress.advance(task)
            per_page[extractor] = (counts[1] - counts[0]) / (rounds * pages)
    console = Console()
    for extractor, count in per_page.items():
        console.print(f"{extractor}: {count / 1e6:.3f} M instructions a page")
    console.print(f"site rules / trafilatura: {per_page['trafilatura'] / per_page['site']:.2f}×")


if __name__ == "__main__":
    typer.run(main)
