"""The explicit list of domains. CLI choices come from here; nothing is discovered by magic."""

from __future__ import annotations

import threading

from domains.base import Domain

_DOMAINS: dict[str, Domain] = {}
_LOAD_LOCK = threading.Lock()  # rollouts and the sim-server load the registry from many threads


class UnknownDomainError(ValueError):
    """Raised for a domain name that is not registered; the message lists the allowed names."""


def register(domain: Domain) -> None:
    if domain.name in _DOMAINS:
        raise ValueError(f"domain {domain.name!r} is already registered")
    _DOMAINS[domain.name] = domain


def names() -> list[str]:
    _load_builtin()
    return sorted(_DOMAINS)


def get(name: str) -> Domain:
    _load_builtin()
    try:
        return _DOMAINS[name]
    except KeyError:
        allowed = ", ".join(sorted(_DOMAINS))
        raise UnknownDomainError(f"unknown domain {name!r}; allowed: {allowed}") from None


def _load_builtin() -> None:
    # Imported lazily so that importing the registry stays cheap and cycle-free.
    if _DOMAINS:
        return
    with _LOAD_LOCK:
        if _DOMAINS:
            return
        from domains.airline import DOMAIN as airline
        from domains.mock import DOMAIN as mock

        for domain in (airline, mock):
            register(domain)
