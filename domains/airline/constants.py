"""The airline domain's facts, one definition each: time conventions, cabins, prices and policy
amounts, airports, and the ids tau2's tools hand out.

The tools, the world builder, the parameter space and the simulated target's pricing all read
these, so a fee or an airport cannot drift between what the agent is charged and what a task
expects. Numbers that only shape synthesized worlds (fare bands, balances) live here too, so a
realism pass can tune them in one place.
"""

from __future__ import annotations

# --- time: tau2's clock (EST). Synthesized worlds live in its month. ---------------------------

DEFAULT_CURRENT_TIME = "2024-05-15T15:00:00"  # tau2's "now", also new bookings' created_at
TODAY = int(DEFAULT_CURRENT_TIME[8:10])  # day of the month of "now"
MONTH_NAME = "May"  # the month of "now", as a customer writes it


def day(d: int) -> str:
    """The date of day `d` of the current month (YYYY-MM-DD)."""
    return f"{DEFAULT_CURRENT_TIME[:8]}{d:02d}"


def hhmm(minutes: int) -> str:
    """Minutes after midnight as a scheduled time (HH:MM:SS)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def minutes(text: str) -> int:
    """A scheduled time (HH:MM:SS, "+1" for the next day) as minutes after midnight."""
    h, m = text[:5].split(":")
    extra = 24 * 60 if text.endswith("+1") else 0
    return int(h) * 60 + int(m) + extra


# --- cabins and the policy's amounts ---------------------------------------------------------

CABINS = ("basic_economy", "economy", "business")
CABIN_WORDS = {"basic_economy": "basic economy", "economy": "economy", "business": "business"}
INSURANCE_PER_PASSENGER = 30
BAG_PRICE = 50  # per checked bag beyond the free allowance
# Free checked bags per passenger: membership -> cabin -> count.
FREE_BAGS = {
    "regular": {"basic_economy": 0, "economy": 1, "business": 2},
    "silver": {"basic_economy": 1, "economy": 2, "business": 3},
    "gold": {"basic_economy": 2, "economy": 3, "business": 4},
}
# Checked bags a synthesized reservation or request holds at most, per passenger: tau2's world
# never holds more than 2; one more leaves room for a bag over a 2-bag allowance. Over a larger
# allowance a bag to pay for would take a pile no traveller checks (a gold business party of
# five booking 21 bags), so such points have no paid bags.
MAX_BAGS_PER_PASSENGER = 3
# Compensation certificate per passenger, by what happened to the flight.
COMPENSATION_PER_PASSENGER = {"cancelled": 100, "delayed": 50}

# --- synthesized worlds: fares and balances ---------------------------------------------------

# Fares scale with distance: see domains/airline/network.py (bands, ladders, block times).
CERTIFICATE_AMOUNTS = (100, 150, 250, 500)  # travel certificates a customer may hold (tau2's)
# Synthesized flight numbers: HAT301-HAT999, clear of tau2's HAT001-HAT300.
FLIGHT_NUMBERS = (301, 999)

# --- airports: the twenty the tools know (IATA code -> city, in `list_all_airports` order) ----

AIRPORTS = {
    "SFO": "San Francisco", "JFK": "New York", "LAX": "Los Angeles", "ORD": "Chicago",
    "DFW": "Dallas", "DEN": "Denver", "SEA": "Seattle", "ATL": "Atlanta", "MIA": "Miami",
    "BOS": "Boston", "PHX": "Phoenix", "IAH": "Houston", "LAS": "Las Vegas", "MCO": "Orlando",
    "EWR": "Newark", "CLT": "Charlotte", "MSP": "Minneapolis", "DTW": "Detroit",
    "PHL": "Philadelphia", "LGA": "LaGuardia",
}  # fmt: skip
# Where they are and which pairs make routes: domains/airline/network.py.

# --- ids the tools hand out (tau2's) ----------------------------------------------------------

NEW_RESERVATION_IDS = ("HATHAT", "HATHAU", "HATHAV")  # at most three bookings per world
CERTIFICATE_ID_NUMBERS = (3221322, 3221323, 3221324)  # send_certificate's certificate_<n>

# --- the hand-off to a human: what the policy tells the agent to say after the transfer call ---

TRANSFER_MESSAGE = "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON."
