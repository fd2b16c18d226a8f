"""The app as bench/photos.py serves it: `diary.create_app()` in development configuration with the photo
limits a patient meets lifted (a few per view a day, uploads per ten minutes, the storage cap), so one patient
can upload 200 photos in a row. Nothing else differs; never imported by the app or its tests.

    gunicorn --workers 1 'photos_app:app'   (with bench/ and the repository root on PYTHONPATH)
"""

from config import DevelopmentConfig
from diary import create_app

UNLIMITED = {
    "PHOTOS_PER_VIEW_PER_DAY": 10**6,
    "PHOTO_UPLOADS_PER_WINDOW": 10**6,
    "PHOTO_STORAGE_PER_PATIENT": 2**40,
}
app = create_app(type("PhotoBenchConfig", (DevelopmentConfig,), UNLIMITED))
