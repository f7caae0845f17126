"""Cross-process invalidation notices through the real Redis: delivered to the other
process within moments, never twice to the sender, and a reconnect says "drop all"."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from phantom.kit.broadcast import Broadcast


def wait_for(event: threading.Event, seconds: float = 5.0) -> bool:
    return event.wait(seconds)


def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def subscribed(listener: Broadcast, other: Broadcast) -> None:
    """Wait until ``listener`` hears ``other`` through Redis: a subscription is live only
    once its SUBSCRIBE reached Redis, which the "drop everything" call does not wait for."""
    heard: list[dict[str, Any]] = []
    listener.on("test.probe", heard.append)
    deadline = time.monotonic() + 10
    while not any("origin" in m for m in heard):  # local calls carry no origin
        assert time.monotonic() < deadline, "the listener never subscribed"
        other.publish({"kind": "test.probe"})
        wait_until(lambda: any("origin" in m for m in heard), 0.2)


def test_a_notice_reaches_another_process_once_and_the_sender_once() -> None:
    sender, receiver = Broadcast(), Broadcast()
    seen_by_sender: list[dict[str, Any]] = []
    seen_by_receiver: list[dict[str, Any]] = []
    arrived_at: dict[int, float] = {}

    def on_receiver(message: dict[str, Any]) -> None:
        seen_by_receiver.append(message)
        if message["kind"] == "test.notice":
            arrived_at[message["n"]] = time.monotonic()

    def notices(seen: list[dict[str, Any]]) -> list[int]:
        return [m["n"] for m in seen if m["kind"] == "test.notice"]

    sender.on("test.notice", seen_by_sender.append)
    receiver.on("test.notice", on_receiver)
    sender.start()
    receiver.start()
    try:
        # given: each listener hears the other
        subscribed(receiver, sender)
        subscribed(sender, receiver)
        # when: the sender publishes
        started = time.monotonic()
        sender.publish({"kind": "test.notice", "n": 1})
        # then: the other process's callback has it within a second (timed in the callback,
        # not when this thread gets the CPU back)
        assert wait_until(lambda: 1 in arrived_at)
        assert arrived_at[1] - started < 1.0
        # and the sender's own copy, which comes back through Redis, is ignored: a reply
        # sent after the receiver got the notice reaches the sender after that copy (one
        # channel, in order); a third notice does the same for the receiver's own copy
        receiver.publish({"kind": "test.notice", "n": 2})
        assert wait_until(lambda: 2 in notices(seen_by_sender))
        sender.publish({"kind": "test.notice", "n": 3})
        assert wait_until(lambda: 3 in arrived_at)
        assert notices(seen_by_sender) == [1, 2, 3]  # 1 and 3 at once (local), 2 via Redis
        assert notices(seen_by_receiver) == [1, 2, 3]  # 2 at once (local); never twice
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
        subscribed(listener, Broadcast())
        other = redis.Redis.from_url(theirs)
        other.publish(channel_name(theirs), '{"kind": "test.foreign", "origin": "x"}')
        other.publish(channel_name(ours), '{"kind": "test.foreign", "origin": "y"}')
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m["origin"] for m in heard] == ["y"]  # ours arrived; theirs, sent first, not
    finally:
        listener.stop()
