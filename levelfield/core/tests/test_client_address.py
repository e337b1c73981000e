"""The client's address: the connection's own unless proxies are trusted, then the one the
trusted proxies report, however the client fills X-Forwarded-For."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from levelfield.core.client_address import client_address

CLIENT = "203.0.113.7"
PROXY = "10.0.0.5"
SPOOF = "198.51.100.1"


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("trusted", ["", "0"])
def test_with_no_proxy_trusted_x_forwarded_for_is_ignored(settings, trusted):
    settings.LEVELFIELD_TRUSTED_PROXIES = trusted
    assert client_address(request(CLIENT)) == CLIENT
    assert client_address(request(CLIENT, SPOOF)) == CLIENT
    assert client_address(request(CLIENT, f"{SPOOF}, 192.0.2.1")) == CLIENT


def test_with_one_trusted_proxy_the_address_it_appended_is_the_clients(settings):
    settings.LEVELFIELD_TRUSTED_PROXIES = "1"
    # The proxy connects to us and appends the address it was reached from.
    assert client_address(request(PROXY, CLIENT)) == CLIENT
    # Whatever the client wrote itself stands further left and is not believed.
    assert client_address(request(PROXY, f"{SPOOF}, {CLIENT}")) == CLIENT
    # A request without the header (not through the proxy) is the connection's.
    assert client_address(request(CLIENT)) == CLIENT
    # Something that is not an address is not used.
    assert client_address(request(PROXY, "not-an-address")) == PROXY


def test_with_two_trusted_proxies_the_entry_the_first_appended_is_the_clients(settings):
    settings.LEVELFIELD_TRUSTED_PROXIES = 2
    assert client_address(request(PROXY, f"{SPOOF}, {CLIENT}, 10.0.0.9")) == CLIENT
    # Fewer entries than proxies: the request skipped one, so only the connection is known.
    assert client_address(request(PROXY, CLIENT)) == PROXY


def test_trusted_proxy_networks_are_skipped_from_the_right(settings):
    settings.LEVELFIELD_TRUSTED_PROXIES = "10.0.0.0/8, 2001:db8::/32"
    assert client_address(request(PROXY, f"{SPOOF}, {CLIENT}, 10.1.2.3")) == CLIENT
    assert client_address(request("2001:db8::1", f"{SPOOF}, {CLIENT}")) == CLIENT
    # A connection from outside the proxies' networks wrote its header itself.
    assert client_address(request(CLIENT, SPOOF)) == CLIENT
    # Ports and IPv6 brackets as some proxies write them.
    assert client_address(request(PROXY, "[2001:db9::7]:443")) == "2001:db9::7"
    assert client_address(request(PROXY, f"{CLIENT}:51234")) == CLIENT
    # Every entry a proxy: the leftmost is as far as we can see.
    assert client_address(request(PROXY, "10.9.9.9")) == "10.9.9.9"


def test_a_mistyped_setting_stops_with_a_clear_message(settings):
    settings.LEVELFIELD_TRUSTED_PROXIES = "one"
    with pytest.raises(ImproperlyConfigured, match="number of proxies or a comma-separated"):
        client_address(request(PROXY, CLIENT))
