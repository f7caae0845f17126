"""Cross-process invalidation notices through the real Redis: delivered to the other
process within moments, never twice to the sender, and a reconnect says "drop all"."""

from __future__ import annotations

import threading
import time
from typing import Any

from phantom.kit.broadcast import Broadcast


def wait_for(event: threading.Event, seconds: float = 5.0) -> bool:
    return event.wait(seconds)


def test_a_notice_reaches_another_process_once_and_the_sender_once() -> None:
    sender, receiver = Broadcast(), Broadcast()
    seen_by_sender: list[dict[str, Any]] = []
    seen_by_receiver: list[dict[str, Any]] = []
    arrived, connected = threading.Event(), threading.Event()

    def on_receiver(message: dict[str, Any]) -> None:
        if message["kind"] == "*":
            connected.set()
            return
        seen_by_receiver.append(message)
        arrived.set()

    sender.on("test.notice", seen_by_sender.append)
    receiver.on("test.notice", on_receiver)
    sender.start()
    receiver.start()
    try:
        assert wait_for(connected)  # a new listener first says "drop everything"
        time.sleep(0.2)  # the sender's listener subscribes too
        started = time.monotonic()
        sender.publish({"kind": "test.notice", "n": 1})
        assert wait_for(arrived)
        assert time.monotonic() - started < 1.0
        time.sleep(0.3)  # the sender's own copy comes back through Redis: ignored
        assert [m["n"] for m in seen_by_receiver] == [1]
        assert [m.get("n") for m in seen_by_sender if m["kind"] == "test.notice"] == [1]
    finally:
        sender.stop()
        receiver.stop()


def test_without_redis_only_local_callbacks_run(monkeypatch: Any) -> None:
    from phantom.kit import broadcast as module

    monkeypatch.setattr(module, "settings", module.settings.model_copy(update={"REDIS_URL": None}))
    local = Broadcast()
    seen: list[dict[str, Any]] = []
    local.on("test.notice", seen.append)
    local.start()  # no-op
    local.publish({"kind": "test.notice"})
    assert seen == [{"kind": "test.notice"}]


def test_a_notice_on_another_redis_database_is_not_heard() -> None:
    """Pub/sub ignores the database number: a deployment (or test run) on another database
    of the same server publishing on its channel never reaches our listener."""
    import redis

    from phantom.config import settings
    from phantom.kit.broadcast import channel_name

    ours = str(settings.REDIS_URL)
    database = int(ours.rsplit("/", 1)[1])
    theirs = ours.rsplit("/", 1)[0] + f"/{database % 15 + 1}"
    assert channel_name(ours) != channel_name(theirs)
    listener = Broadcast()
    heard: list[dict[str, Any]] = []
    connected = threading.Event()

    def on_foreign(message: dict[str, Any]) -> None:
        if message["kind"] == "*":  # a new listener says "drop everything" to every kind
            connected.set()
        else:
            heard.append(message)

    listener.on("test.foreign", on_foreign)
    listener.start()
    try:
        assert wait_for(connected)
        time.sleep(0.2)
        other = redis.Redis.from_url(theirs)
        other.publish(channel_name(theirs), '{"kind": "test.foreign", "origin": "x"}')
        other.publish(channel_name(ours), '{"kind": "test.foreign", "origin": "y"}')
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m["origin"] for m in heard] == ["y"]  # ours arrived; theirs, sent first, not
    finally:
        listener.stop()
