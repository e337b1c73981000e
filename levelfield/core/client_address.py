"""The address a request came from, as the sign-in throttle (django-axes), the rate limits and
anything else that counts per address must see it.

Behind a reverse proxy (a load balancer, nginx) every request reaches Django from the proxy's
address; the proxy appends the address it was reached from to `X-Forwarded-For`. Anything else
in that header was written by whoever sent the request, so only as many entries as there are
trusted proxies are believed, counted from the right. `LEVELFIELD_TRUSTED_PROXIES` says which:

- empty or "0" (the default): no proxy is trusted, `X-Forwarded-For` is ignored and the address
  is the connection's own (REMOTE_ADDR), so a client cannot choose the address it is counted by;
- a number N: N proxies stand in front of the servers, the last of which connects to Django;
- addresses and networks (CIDRs, comma-separated): a connection from one of them is a proxy, and
  so is each entry of `X-Forwarded-For`, read from the right, that falls in one of them; the
  first entry that does not is the client.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_trusted_proxies(value) -> int | tuple[Network, ...]:
    """The setting as a count of proxies or a tuple of networks; a loud failure when it is
    neither, since a mistyped setting would otherwise count every client as the proxy."""
    if isinstance(value, int):
        if value < 0:
            raise ImproperlyConfigured("LEVELFIELD_TRUSTED_PROXIES cannot be negative")
        return value
    if isinstance(value, list | tuple):
        items = [str(item).strip() for item in value]
    else:
        items = [item.strip() for item in str(value or "").split(",")]
    items = [item for item in items if item]
    if not items:
        return 0
    if len(items) == 1 and items[0].isdigit():
        return int(items[0])
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "LEVELFIELD_TRUSTED_PROXIES must be a number of proxies or a comma-separated list "
            f"of addresses and networks (like 10.0.0.0/8): {exc}"
        ) from exc


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request) -> str:
    """The client's address, as the trusted proxies report it (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    setting = getattr(settings, "LEVELFIELD_TRUSTED_PROXIES", "")
    trusted = parse_trusted_proxies(tuple(setting) if isinstance(setting, list) else setting)
    if not trusted:
        return remote
    forwarded = [
        item for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()
    ]
    if isinstance(trusted, int):
        # The last proxy connected to us; the N-1 before it each appended one entry; the entry
        # the first proxy appended is the client. Fewer entries: a request that skipped proxies.
        if len(forwarded) < trusted:
            return remote
        address = _address(forwarded[len(forwarded) - trusted])
        return str(address) if address else remote
    found = _address(remote)
    if found is None or not _trusted(found, trusted):
        return remote  # not from a proxy: its X-Forwarded-For is whatever the client wrote
    for item in reversed(forwarded):
        address = _address(item)
        if address is None:
            break  # a proxy we trust wrote a valid address; this came from further out
        found = address
        if not _trusted(address, trusted):
            break
    return str(found)


def axes_client_address(request) -> str:
    """`AXES_CLIENT_IP_CALLABLE`: django-axes asks with the request (or, from some signals, an
    object carrying it)."""
    return client_address(getattr(request, "_request", request))
