"""Facts are stated as whole tokens with their units; the wording around them may vary."""

from __future__ import annotations

import pytest

from mining.rollout.facts import amounts, mentions, said, tokens


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The total is $1,786.", "$1786"),
        ("The total is $1,786.00 in all.", "$1786"),
        ("That comes to 1786 dollars.", "$1786"),
        ("That comes to USD 1,786.", "$1786"),
        ("That comes to $ 1786.", "$1786"),
        ("You get a $100 certificate.", "100"),  # a bare number accepts its unit
        ("Booked more than 24-hour ago.", "24 hours"),
        ("It was booked over 24 hrs ago.", "24 hours"),
        ("The flight is on-time.", "on time"),
        ("The flight was canceled.", "cancelled"),
        ("Your cabin is Basic_Economy.", "basic economy"),
        ("Reservation 4WQ150 is cancelled.", "4wq150"),
    ],
)
def test_stated(text: str, fact: str) -> None:
    assert said([text], fact)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The total is $1,500.", "$50"),  # tau2's substring check finds "50" here
        ("The total is $1,500.", "$150"),
        ("The total is $1500.50.", "$1500"),
        ("The total is 1786.", "$1786"),  # the unit is part of the fact
        ("Flight HAT1234 is delayed.", "HAT123"),
        ("The cancellation fee applies.", "cancelled"),
        ("We'll refund it within 24 days.", "24 hours"),
        ("", "$50"),
    ],
)
def test_not_stated(text: str, fact: str) -> None:
    assert not said([text], fact)


def test_alternative_wordings_count() -> None:
    assert said(["That segment has already departed."], "flown", ["already departed"])
    assert not said(["Sorry, I can't do that."], "flown", ["already departed"])


def test_masks_hide_longer_phrases() -> None:
    assert not mentions("I'll book basic economy.", "economy", ["basic economy"])
    assert mentions("Economy, not basic economy.", "economy", ["basic economy"])


def test_amounts_and_tokens() -> None:
    assert amounts("Total $1,120.50; bags 50 USD; 3 bags.") == [1120.5, 50.0]
    assert tokens("HAT301 on 2024-05-21") == ("hat301", "on", "2024", "05", "21")
