"""diary/imaging.py without HTTP: the type by decoding, the pixel limit from the header, orientation applied,
every metadata block gone, and each bad file refused with the patient's message (never another exception)."""

import io

import pytest
from photo_files import BAD_FILES, GPS_IFD, SCRIPT, SECRET, heic, phone_jpeg, photo, polyglot
from PIL import Image

from diary.imaging import LONGEST_SIDE, THUMB_SIDE, PhotoRefused, clean_photo

LIMIT = 50_000_000


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_photo_with_gps_comes_back_with_no_exif_xmp_comment_or_profile():
    clean = clean_photo(phone_jpeg(), LIMIT)
    for data in (clean.content, clean.thumbnail):
        image = opened(data)
        assert image.format == "JPEG"
        assert not image.getexif()  # no EXIF block at all: no GPS, no camera, no orientation
        assert not image.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert SECRET not in data and b"Exif" not in data and b"PhoneMaker" not in data


def test_a_rotated_photo_comes_back_upright():
    # Stored landscape, the camera says "rotate 90° clockwise to view": the red corner ends top right.
    clean = clean_photo(phone_jpeg((800, 600), orientation=6), LIMIT)
    image = opened(clean.content).convert("RGB")
    assert (clean.width, clean.height) == image.size == (600, 800)
    red, plain = image.getpixel((image.width - 20, 20)), image.getpixel((20, 20))
    assert red[0] > 200 and red[1] < 60, red
    assert plain[1] > 100, plain


def test_the_script_after_a_polyglot_jpeg_is_gone():
    clean = clean_photo(polyglot(), LIMIT)
    assert SCRIPT not in clean.content and b"<script" not in clean.content
    assert opened(clean.content).size == (800, 600)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("JPEG", photo(fmt="JPEG")),
        ("PNG", photo(fmt="PNG")),
        ("WEBP", photo(fmt="WEBP")),
        ("HEIF", heic()),
    ],
)
def test_jpeg_png_webp_and_heic_are_accepted_and_kept_as_jpeg(fmt, data):
    clean = clean_photo(data, LIMIT)
    assert clean.source_format == fmt
    assert opened(clean.content).format == opened(clean.thumbnail).format == "JPEG"


def test_a_transparent_png_is_laid_on_white_not_black():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    assert opened(clean_photo(out.getvalue(), LIMIT).content).convert("RGB").getpixel((50, 50)) > (240,) * 3


def test_a_phone_sized_photo_is_scaled_to_the_longest_side_and_given_a_thumbnail():
    clean = clean_photo(photo((4000, 3000), quality=90), LIMIT)
    assert (clean.width, clean.height) == (LONGEST_SIDE, 1200)
    assert max(clean.thumb_width, clean.thumb_height) == THUMB_SIDE
    assert opened(clean.thumbnail).size == (clean.thumb_width, clean.thumb_height)


def test_a_small_photo_is_not_enlarged():
    clean = clean_photo(photo((300, 200)), LIMIT)
    assert (clean.width, clean.height) == (300, 200) == (clean.thumb_width, clean.thumb_height)


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[name for name, _, _ in BAD_FILES])
def test_each_bad_file_is_refused_with_a_message_for_the_patient(name, data, message):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data, LIMIT)
    assert refused.value.message.startswith(message)


def test_the_pixel_limit_is_the_one_given():
    data = photo((1000, 1000))
    assert clean_photo(data, 1_000_000).width == 1000
    with pytest.raises(PhotoRefused, match="too many pixels"):
        clean_photo(data, 999_999)


def test_a_file_object_is_read_from_where_it_stands():
    stream = io.BytesIO(photo())
    assert clean_photo(stream, LIMIT).width == 800
