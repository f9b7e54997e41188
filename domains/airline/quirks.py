"""tau2's airline quirks that toolmine's tools reproduce on purpose (the tests cover each):
behaviours that change outcomes, kept so that an agent sees exactly what it would see in tau2."""

from __future__ import annotations

# tau2 behaviours that change outcomes and that we reproduce on purpose (tests cover each).
QUIRKS = (
    "cancel_reservation: no status or eligibility check; appends a negated copy of every "
    "payment_history entry (again on a second cancel); seats are not released; gift-card and "
    "certificate balances are not restored",
    "book_reservation: a certificate is removed whole however little of it is used; the same gift "
    "card listed twice is checked per line, so its balance can go negative; listing the same "
    "certificate twice removes it, then fails with a KeyError after earlier deductions were made",
    "book_reservation: nonfree_baggages is trusted (no free-bag arithmetic), no check of "
    "origin/destination against the flights, of flight_type, of passenger or payment-method "
    "limits; an empty flight list books at $0",
    "book_reservation: new ids HATHAT, HATHAU, HATHAV, then 'Too many reservations'; created_at "
    "is the world's current time",
    "update_reservation_flights: a segment keeps its old price only if the same flight and date is "
    "in the reservation and the cabin is unchanged (a cabin change re-prices every segment, and a "
    "flown segment then fails as not available); no route, trip-type or basic-economy check; seat "
    "counts untouched; refunds (negative differences) go to the given payment method and raise a "
    "gift card's balance at once; a zero difference adds no payment line; works on cancelled "
    "reservations; an unknown cabin fails with a bare KeyError text",
    "update_reservation_flights / update_reservation_baggages: the payment method is always "
    "checked, and a certificate is refused even when nothing is owed",
    "update_reservation_baggages: charges only for added non-free bags; removing bags refunds "
    "nothing; negative counts accepted",
    "update_reservation_passengers: the new passengers are validated before the reservation is "
    "looked up; extra passenger fields are ignored",
    "send_certificate: ids certificate_3221322/3/4 per user, then 'Too many certificates'; the "
    "amount is not checked (0, negative, fractional, numeric strings), the message echoes it raw",
    "search_onestop_flight: the next-day date for overnight first legs is built without zero "
    "padding (2024-05-9 style) and as day 31 on the 30th, so such connections are not found; "
    "connection times are compared as strings and zero-minute layovers are allowed",
    "lookups are exact (case-sensitive); unknown tools answer \"Tool 'X' not found.\"",
)
