"""HTTP load: gunicorn (2 workers) serving the app on SQLite and on PostgreSQL, beside a minimal Flask app
rendering a page of the same size, 16 signed-in clients on loopback. See bench/http_load.py.

    .venv/bin/python bench/http.py [--seconds 6] [--rounds 3] [--no-record]

Running a script from bench/ puts bench/ first on sys.path, so this file is what `import http` finds there
(werkzeug and http.client import it). When imported under that name it hands over to the standard
library's `http` package, so every script in bench/ still gets the real one.
"""

import sys

if __name__ == "http":
    import importlib.machinery
    import importlib.util
    import sysconfig

    _spec = importlib.machinery.PathFinder.find_spec("http", [sysconfig.get_paths()["stdlib"]])
    _stdlib_http = importlib.util.module_from_spec(_spec)
    sys.modules["http"] = _stdlib_http  # what the import statement that found this file will return
    _spec.loader.exec_module(_stdlib_http)
elif __name__ == "__main__":
    from http_load import main

    main()
