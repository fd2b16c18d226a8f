"""Files a phone (or an attacker) might send as a photo, made here with Pillow and by hand: real photos with
EXIF (GPS, orientation), XMP and a comment, every accepted format, and every bad input the issue names.
"""

import io
import struct
import zlib

from PIL import Image

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
ORIENTATION = 0x0112
GPS_IFD = 0x8825
SECRET = b"secret-metadata-8f3a"  # in the comment and the XMP: must never reach the stored bytes
SCRIPT = b"<script>alert('polyglot')</script>"


def photo(size=(800, 600), fmt="JPEG", colour=(200, 140, 120), **save) -> bytes:
    """A plain photo in `fmt`, its top-left quarter red (so a test can tell which way up it is)."""
    image = Image.new("RGB", size, colour)
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def phone_jpeg(size=(800, 600), orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, GPS position and orientation, XMP and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = GPS
    return photo(size, exif=exif.tobytes(), comment=SECRET, xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>")


def heic(size=(640, 480)) -> bytes:
    """A HEIC, as an iPhone takes them (pillow-heif writes it)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    return photo(size, "HEIF", quality=80)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, in a few hundred bytes (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 2048))
        + chunk(b"IEND", b"")
    )


def polyglot() -> bytes:
    """A valid JPEG with a script appended after its end."""
    return photo() + SCRIPT


def truncated() -> bytes:
    data = photo((1200, 900), quality=95)
    return data[: len(data) // 2]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'

# (name, bytes, the start of the message the patient sees): every bad input of the issue.
NOT_A_PHOTO = "That file is not a photo"
BAD_FILES = [
    ("pdf-renamed.jpg", PDF, NOT_A_PHOTO),
    ("page-renamed.jpg", HTML, NOT_A_PHOTO),
    ("drawing.svg", SVG, NOT_A_PHOTO),
    ("animation.gif", photo(fmt="GIF"), NOT_A_PHOTO),
    ("bomb.png", png_header_only(20_000, 20_000), "That image has too many pixels"),
    ("big.png", png_header_only(8_000, 8_000), "That image has too many pixels"),
    ("truncated.jpg", truncated(), "That photo is incomplete"),
    ("empty.jpg", b"", "Choose a photo to upload"),
]
