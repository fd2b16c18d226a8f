"""A small least-recently-used map for one process: rendered markup and per-patient panels.

Every key it holds names the version of the data it was computed from (a patient's `data_version`, a field's
value), so a stale item is never read; it is just pushed out. Nothing here is shared between processes, so
any number of app processes stay correct.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app


def app_memo(name: str, size: int) -> "Memo":
    """The app's memo called `name` (one per app, so apps on other databases never share one)."""
    return current_app.extensions.setdefault(name, Memo(size))


def account_key(user) -> tuple:
    """Who and which version of their data: the id, when the account was created (SQLite gives a new account
    the id of a deleted last one, and both start at data version 0) and `users.data_version`."""
    return (user.id, user.created_at, user.data_version)


class Memo:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.misses = 0  # tests read it: a warm page computes nothing

    def get(self, key: Hashable):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value):
        with self.lock:
            self.misses += 1
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], object]):
        value = self.get(key)
        return self.put(key, compute()) if value is None else value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
