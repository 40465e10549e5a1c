"""Page images for the paper tests: a PDF page rendered small and grey by poppler's pdftoppm, and
a comparison that forgives what differs between machines (anti-aliasing, a pixel's shade) but
not a moved line or a changed word.

Approving new images is deliberate: ``SDV_APPROVE_PAPER=1 python -m pytest tests/paper`` writes
the images it renders into ``tests/paper/approved/``; look at them (``git diff --stat`` lists what
changed; open the PNGs) before committing them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

APPROVED = Path(__file__).with_name("approved")
APPROVE = os.environ.get("SDV_APPROVE_PAPER") == "1"
DPI = 60  # an A4 page is 496 × 702 pixels: small files, a changed number still shows
SHADE = 64  # a pixel differs when its grey differs by more than this, after a light blur …
PIXELS = 12  # … and a page differs when more pixels than this do (two digits swapped: ~18;
# the same page with vector anti-aliasing off, or 8 % lighter: 0)


def render(pdf: Path, page: int, out: Path) -> Path:
    """Page `page` (from 1) of the PDF as a grey PNG at DPI."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed to look at the pages")
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-singlefile", "-r",
                    str(DPI), "-gray", "-png", str(pdf), str(stem)], check=True,
                   capture_output=True)
    return stem.with_suffix(".png")


@dataclass(frozen=True)
class Difference:
    pixels: int  # that differ
    size_changed: bool

    @property
    def same(self) -> bool:
        return not self.size_changed and self.pixels <= PIXELS


def compare(actual: Path, approved: Path, diff_out: Path | None = None) -> Difference:
    """How much two page images differ, forgiving anti-aliasing: both are blurred a little
    (a glyph's edge drawn a shade lighter or a half pixel aside no longer counts) before the
    pixels are compared.  `diff_out` receives an image of the differences."""
    with Image.open(actual) as a, Image.open(approved) as b:
        if a.size != b.size:
            return Difference(a.size[0] * a.size[1], True)
        soft = ImageFilter.BoxBlur(1)
        delta = ImageChops.difference(a.convert("L").filter(soft), b.convert("L").filter(soft))
        marked = delta.point(lambda v: 255 if v > SHADE else 0)
        pixels = marked.histogram()[255]
        if diff_out is not None and pixels:
            ImageChops.invert(marked).save(diff_out)
        return Difference(pixels, False)


def check_page(pdf: Path, page: int, name: str, work: Path) -> str:
    """'' when page `page` of the PDF looks like the approved image `name`; else what is wrong
    (and where the rendered page and the differences were written).  With SDV_APPROVE_PAPER=1
    the rendered page becomes the approved image."""
    actual = render(pdf, page, work / f"{name}.png")
    approved = APPROVED / f"{name}.png"
    if APPROVE:
        APPROVED.mkdir(exist_ok=True)
        shutil.copyfile(actual, approved)
        return ""
    if not approved.exists():
        return (f"{name}: no approved image; look at {actual} and approve it with "
                "SDV_APPROVE_PAPER=1 python -m pytest tests/paper")
    diff = work / f"{name}-differences.png"
    found = compare(actual, approved, diff)
    if found.same:
        return ""
    what = "its size changed" if found.size_changed else f"{found.pixels} pixels differ"
    return (f"{name}: the page no longer looks as approved ({what}); rendered: {actual}, "
            f"differences: {diff}. If the change is meant, look at it and approve it with "
            "SDV_APPROVE_PAPER=1 python -m pytest tests/paper")
