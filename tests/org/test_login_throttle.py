"""Login throttling: per account and real client address, shared across workers through Redis.

An account is one counter whether its username or its phone number is typed; a correct password
from another address is never locked out by someone guessing elsewhere; one address trying many
accounts is stopped too; behind nginx the client's address comes from the trusted proxy only.
"""
from __future__ import annotations

import socket
import uuid

import pytest

from tests.conftest import make_test_app
from webapp.extensions import db, limiter

A, B = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}


def _login(client, login: str, password: str = "pass-1234", **kwargs):
    return client.post("/login", data={"login": login, "password": password}, **kwargs).status_code


def test_guessing_from_one_address_never_locks_the_owner_out_from_another(county, client):
    for _ in range(5):
        assert _login(client, "school_a1", "wrong", environ_base=A) == 200
    assert _login(client, "school_a1", environ_base=A) == 429  # here guessing stops, right password or not
    assert _login(client, "school_a1", environ_base=B) == 302  # the owner, on their own phone, logs in


def test_the_phone_number_and_the_username_are_one_account(county, client):
    county.users.school_a1.phone = "13911112222"
    db.session.commit()
    for login in ("school_a1", "13911112222", " school_a1 ", "school_a1", "13911112222"):
        assert _login(client, login, "wrong", environ_base=A) == 200
    assert _login(client, "13911112222", "wrong", environ_base=A) == 429
    assert _login(client, "school_a1", environ_base=A) == 429


def test_one_address_trying_many_accounts_is_stopped(app, county, client):
    app.config["LOGIN_ADDRESS_LIMIT"] = "4 per 5 minutes"
    for username in ("school_a1", "school_b1", "county", "township_a"):
        assert _login(client, username, "wrong", environ_base=A) == 200
    assert _login(client, "teacher_a1", "wrong", environ_base=A) == 429
    assert _login(client, "teacher_a1", environ_base=B) == 302  # other addresses are not concerned


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(database_url):
    app = make_test_app(database_url, TRUSTED_PROXIES=1)
    with app.app_context():
        from tests.factories import build_county
        build_county(db.session)
        db.session.commit()
        limiter.reset()
        client = app.test_client()
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        for _ in range(5):
            assert _login(client, "school_a1", "wrong", environ_base=proxy,
                          headers={"X-Forwarded-For": "203.0.113.9"}) == 200
        # Every answer came through nginx (127.0.0.1), yet only the guesser's own address is stopped.
        assert _login(client, "school_a1", environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.9"}) == 429
        assert _login(client, "school_a1", environ_base=proxy, headers={"X-Forwarded-For": "198.51.100.4"}) == 302
        db.session.remove()
        db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_address_gives_no_fresh_counter(county, client):
    for number in range(5):
        assert _login(client, "school_a1", "wrong", environ_base=A, headers={"X-Forwarded-For": f"10.9.9.{number}"}) == 200
    assert _login(client, "school_a1", environ_base=A, headers={"X-Forwarded-For": "10.9.9.99"}) == 429


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_worker_shares_the_count(database_url):
    """Two workers: two apps, each with its own limiter storage; with memory:// the second would start at 0."""
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "RATELIMIT_KEY_PREFIX": prefix}
    try:
        first = make_test_app(database_url, **settings)
        with first.app_context():
            from tests.factories import build_county
            build_county(db.session)
            db.session.commit()
            for _ in range(5):
                assert _login(first.test_client(), "school_a1", "wrong", environ_base=A) == 200
            db.session.remove()
            db.engine.dispose()
        second = make_test_app(database_url, **settings)  # init_app gives the limiter a new storage
        with second.app_context():
            assert _login(second.test_client(), "school_a1", environ_base=A) == 429
            assert _login(second.test_client(), "school_a1", environ_base=B) == 302
            db.session.remove()
            db.engine.dispose()
    finally:
        connection = redis.Redis(host="127.0.0.1", port=6379)
        keys = list(connection.scan_iter(f"*{prefix}*"))
        if keys:
            connection.delete(*keys)
        connection.close()
