"""A patient's data as the pages read it: loading it into the plain records of diary/clinical, the course and
its prescriptions, the /today panel, and the charts (drawn from that data and stored under its data_version).

Every blueprint reads patients' data through here; no blueprint imports another.

loading.py      load_patient_data(_many): entries, check-ins, labs, course, tests, safety events → PatientData
course.py       the course, its revisions and the prescription in force; pregnancy tests and check-ins
panel.py        what the course adds to /today (and /course)
charts.py       what the six charts draw, the words beside them, and their PNG for a window
chart_cache.py  rendered charts stored in the database under (patient, data_version, APP_VERSION, window)
reminders.py    whose chosen reminders are due now, what decides them, and the calendar feed's dates
"""
