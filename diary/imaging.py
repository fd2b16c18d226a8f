"""Skin photos as bytes in, clean JPEGs out: no Flask, no database (tested directly in tests/test_imaging.py).

What a phone sends is never trusted: the type is what Pillow decodes it as (JPEG, PNG, WebP or HEIC, never
the name or the Content-Type), the pixel count is checked from the header before any pixel is decoded (a
20,000 × 20,000 PNG of a few KB is refused unread), the orientation the camera recorded is applied, and the
pixels are copied into a fresh image and encoded anew, so nothing of the upload survives but the picture:
no EXIF (GPS, camera, time), no XMP, no comment, no ICC profile (colours are converted to sRGB first), and
nothing appended after the image (a "polyglot" JPEG with a script behind it).
"""

import contextlib
import io
import math
import struct
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

try:  # HEIC, the photos iPhones take (pillow-heif): registered once, as Pillow's opener for HEIF files.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; without it HEIC is refused as unknown
    HEIF = False

# Pillow's openers for what we accept (its JPEG opener also reads MPO, the multi-picture JPEG some Android
# cameras write).
FORMATS = ("JPEG", "PNG", "WEBP", *(("HEIF",) if HEIF else ()))
LONGEST_SIDE = 1600  # px: what the browser scales to before upload, and what is kept
THUMB_SIDE = 320  # px: the longest side of a thumbnail
QUALITY = 85
THUMB_QUALITY = 80
# What a broken or hostile file can make Pillow raise while it reads the header or decodes (its own fuzzing
# harness allows these); each is a refusal, never a 500.
DECODE_ERRORS = (
    OSError,  # UnidentifiedImageError, "image file is truncated", broken streams
    ValueError,  # e.g. a PNG text chunk that decompresses past Pillow's limit
    SyntaxError,
    EOFError,
    IndexError,
    TypeError,
    struct.error,
)
# Pillow's own decompression-bomb check, above our limit: an error, or a warning (raised where warnings are
# errors, as in the tests; elsewhere it is only logged, and our own check below refuses the image).
BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
SRGB = ImageCms.createProfile("sRGB")

NOT_A_PHOTO = "That file is not a photo the diary can read. Please choose a JPEG, PNG, WebP or HEIC photo."
TOO_MANY_PIXELS = (
    "That image has too many pixels (a photo may have at most {limit} megapixels). Please choose a photo."
)
TRUNCATED = (
    "That photo is incomplete (the file may not have finished copying). Please take or choose it again."
)
EMPTY = "Choose a photo to upload."


class PhotoRefused(ValueError):
    """The upload is not a photo we keep; `message` says why, in words for the patient."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded photo and its thumbnail (JPEG bytes, upright, sRGB, without metadata)."""

    content: bytes
    width: int
    height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int
    source_format: str


def clean_photo(upload: BinaryIO | bytes, max_pixels: int) -> CleanPhoto:
    """Decode `upload`, refuse anything that is not a photo of at most `max_pixels`, and return it clean.

    Raises PhotoRefused with a message for the patient; never anything else for bad input.
    """
    stream = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    if _empty(stream):
        raise PhotoRefused(EMPTY)
    try:
        with Image.open(stream, formats=FORMATS) as image:
            _check_pixels(image.size, max_pixels)
            source_format = image.format or "unknown"
            picture = _decoded(image)
    except PhotoRefused:
        raise
    except BOMB:
        raise PhotoRefused(_too_many_pixels(max_pixels)) from None
    except DECODE_ERRORS as error:
        raise PhotoRefused(TRUNCATED if "truncated" in str(error) else NOT_A_PHOTO) from None
    content, width, height = _encode(picture, LONGEST_SIDE, QUALITY)
    thumbnail, thumb_width, thumb_height = _encode(picture, THUMB_SIDE, THUMB_QUALITY)
    return CleanPhoto(content, width, height, thumbnail, thumb_width, thumb_height, source_format)


def _empty(stream: BinaryIO) -> bool:
    start = stream.tell()
    first = stream.read(1)
    stream.seek(start)
    return not first


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise PhotoRefused(NOT_A_PHOTO)
    if width * height > max_pixels:
        raise PhotoRefused(_too_many_pixels(max_pixels))


def _too_many_pixels(max_pixels: int) -> str:
    return TOO_MANY_PIXELS.format(limit=round(max_pixels / 1e6))


def _decoded(image: Image.Image) -> Image.Image:
    """The upload's pixels, upright, in sRGB RGB, at most LONGEST_SIDE: a fresh image with no `info`."""
    if image.format in ("JPEG", "MPO"):
        # libjpeg decodes straight to 1/2, 1/4 or 1/8 size when that is still at least the size kept: a
        # 12 MP photo costs a quarter of the work and memory. (Asked with a box of the photo's own shape,
        # so that its longest side stays at least LONGEST_SIDE.)
        width, height = image.size
        scale = LONGEST_SIDE / max(width, height)
        if scale < 1:
            image.draft("RGB", (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))))
    image.load()  # a truncated file fails here, before anything else is done with it
    icc = image.info.get("icc_profile")
    # EXIF that cannot be read leaves the pixels as stored (the EXIF is dropped either way). Pillow warns of
    # it (an exception where warnings are errors, as in the tests).
    with contextlib.suppress(*DECODE_ERRORS, UserWarning):
        ImageOps.exif_transpose(image, in_place=True)
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    rgb = _to_rgb(image)
    if icc:
        rgb = _to_srgb(rgb, icc)
    fresh = Image.new("RGB", rgb.size)
    fresh.paste(rgb)
    return fresh


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB on white: transparency (PNG, WebP) is laid on a white page rather than turned black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, (255, 255, 255))
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image if image.mode == "RGB" else image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Colours converted from the photo's own profile (an iPhone's Display P3) to sRGB, which is what a
    JPEG without a profile is shown as. A profile that cannot be read leaves the pixels as they are."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB") or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _encode(picture: Image.Image, side: int, quality: int) -> tuple[bytes, int, int]:
    """`picture` at most `side` px on its longest side, as a baseline JPEG with nothing but the pixels."""
    sized = picture
    if max(picture.size) > side:
        sized = picture.copy()
        sized.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    # exif, icc_profile and comment given empty: Pillow adds nothing of its own beyond the JFIF header.
    sized.save(out, "JPEG", quality=quality, optimize=True, exif=b"", icc_profile=None, comment=b"")
    return out.getvalue(), sized.width, sized.height
