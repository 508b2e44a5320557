#!/usr/bin/env python3
"""Writes Synth's shipped corpora: four small synthetic data sets, one per record kind.

    python3 Tools/corpora/make_corpora.py --out corpora        # from the repository root

Everything here is authored in this file: templates, slot values, word lists, the
fictional retailer, towns, people and companies. No text comes from a real data set.
Python 3 standard library only; every random draw comes from `random.Random` seeded
from SEED, so re-running the script reproduces every file byte for byte.

Writes, under --out:
- transactions/      train.csv, heldout.csv   card transactions of a fictional retailer
- support-dialogues/ train.jsonl, heldout.jsonl  support desk conversations
- app-logs/          train.log, heldout.log, templates.csv, header.regex  web shop backend log
- paraphrases/       train.jsonl, heldout.jsonl  sentence pairs made by rewriting rules
and a README.md in each directory and at the top (sizes computed from the files).
`Tools/corpora/check_corpora.py` parses the files and prints their statistics.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import re
from pathlib import Path

SEED = 20260314
COMMAND = "python3 Tools/corpora/make_corpora.py --out corpora"


# ============================================================================ helpers
def weighted(rng: random.Random, table: dict):
    """One key of `table` drawn with probability proportional to its value."""
    keys = list(table)
    total = sum(table[k] for k in keys)
    x = rng.random() * total
    for k in keys:
        x -= table[k]
        if x < 0:
            return k
    return keys[-1]


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def split_records(rng: random.Random, records: list, heldout_share: float = 0.2):
    """Shuffles and splits records into (train, held-out)."""
    records = list(records)
    rng.shuffle(records)
    cut = len(records) - round(len(records) * heldout_share)
    return records[:cut], records[cut:]


def kb(path: Path) -> str:
    size = path.stat().st_size
    return f"{size:,} bytes" if size < 10_000 else f"{size / 1000:.0f} KB ({size:,} bytes)"


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# ======================================================================= transactions
# A fictional retailer ("Hollin & Vey", stores in Germany, Austria and Switzerland, web
# shop and phone orders across Europe). Each row is one card payment.

TX_COLUMNS = ["date", "weekday", "hour", "channel", "country", "currency", "merchant_category",
              "items", "amount", "payment_method", "customer_age", "customer_segment", "is_fraud"]

TX_YEAR = 2025
CURRENCY = {"DE": "EUR", "AT": "EUR", "FR": "EUR", "NL": "EUR", "IT": "EUR", "ES": "EUR",
            "BE": "EUR", "CH": "CHF", "GB": "GBP", "PL": "PLN", "SE": "SEK", "DK": "DKK",
            "US": "USD"}
EUR_RATE = {"EUR": 1.0, "CHF": 0.94, "GBP": 0.85, "PLN": 4.27, "SEK": 11.1, "DKK": 7.46,
            "USD": 1.09}
HOME = "DE"

COUNTRY_BY_CHANNEL = {
    "store": {"DE": 86, "AT": 6, "CH": 3, "NL": 1.5, "FR": 1, "GB": 1, "US": 1, "PL": 0.5},
    "online": {"DE": 58, "AT": 9, "FR": 6, "NL": 5, "IT": 4, "ES": 3, "BE": 2, "CH": 4,
               "GB": 3, "PL": 2.5, "SE": 1.5, "DK": 1, "US": 1},
    "phone": {"DE": 84, "AT": 9, "CH": 7},
}

CATEGORY_BY_CHANNEL = {
    "store": {"groceries": 30, "clothing": 16, "electronics": 7, "home_garden": 10, "beauty": 10,
              "sports": 6, "books": 6, "toys": 5, "gift_cards": 4},
    "online": {"groceries": 6, "clothing": 20, "electronics": 18, "home_garden": 10, "beauty": 8,
               "sports": 8, "books": 10, "toys": 6, "travel": 9, "gift_cards": 5},
    "phone": {"groceries": 2, "clothing": 5, "electronics": 10, "home_garden": 12, "beauty": 2,
              "sports": 3, "books": 3, "toys": 3, "travel": 30, "gift_cards": 2},
}

# month (1...12) -> multiplier, per category
SEASON = {
    "toys": {11: 1.6, 12: 3.0},
    "gift_cards": {11: 1.3, 12: 3.2},
    "travel": {1: 0.6, 2: 0.7, 5: 1.5, 6: 1.7, 7: 1.8, 8: 1.5, 11: 0.6, 12: 0.7},
    "sports": {4: 1.4, 5: 1.5, 6: 1.5, 7: 1.3, 1: 1.3},
    "home_garden": {3: 1.3, 4: 1.7, 5: 1.7, 6: 1.4, 11: 0.7},
    "electronics": {11: 1.8, 12: 1.4},
    "clothing": {3: 1.2, 9: 1.3, 10: 1.3},
}

SEGMENT_TASTE = {
    "student": {"books": 1.8, "electronics": 1.3, "groceries": 1.2, "travel": 0.6, "home_garden": 0.3,
                "toys": 0.3},
    "young_professional": {"clothing": 1.3, "sports": 1.4, "travel": 1.2, "toys": 0.5},
    "family": {"toys": 2.2, "groceries": 1.3, "home_garden": 1.2},
    "standard": {},
    "premium": {"travel": 1.7, "electronics": 1.3, "beauty": 1.3, "groceries": 0.7},
    "senior": {"books": 1.4, "home_garden": 1.5, "electronics": 0.6, "travel": 1.3, "sports": 0.5},
    "guest": {"gift_cards": 2.0, "electronics": 1.5},
}

# category -> (median price in EUR for one item, log-normal sigma, exponent on items)
PRICE = {
    "groceries": (3.1, 0.35, 0.97), "clothing": (32.0, 0.55, 0.9), "electronics": (120.0, 0.85, 1.0),
    "home_garden": (38.0, 0.8, 0.9), "beauty": (16.0, 0.5, 0.9), "sports": (42.0, 0.75, 0.9),
    "books": (13.5, 0.35, 0.95), "toys": (24.0, 0.6, 0.9), "travel": (190.0, 0.6, 1.0),
}
GIFT_CARD_VALUES = {25: 30, 50: 35, 100: 25, 200: 10}
SEGMENT_SPEND = {"student": 0.7, "young_professional": 1.05, "family": 1.1, "standard": 1.0,
                 "premium": 1.6, "senior": 0.9, "guest": 1.0}

PAYMENT_BY_CHANNEL = {
    "store": {"debit_card": 45, "credit_card": 20, "mobile_wallet": 30, "prepaid_card": 5},
    "online": {"credit_card": 42, "debit_card": 15, "mobile_wallet": 20, "virtual_card": 12,
               "prepaid_card": 11},
    "phone": {"credit_card": 80, "debit_card": 20},
}

STORE_HOURS = {8: 3, 9: 5, 10: 7, 11: 9, 12: 10, 13: 9, 14: 7, 15: 7, 16: 8, 17: 10, 18: 9, 19: 6}
ONLINE_HOURS = {0: 2.5, 1: 1.6, 2: 1.1, 3: 0.8, 4: 0.7, 5: 0.8, 6: 1.5, 7: 2.5, 8: 3.5, 9: 4,
                10: 4.5, 11: 4.5, 12: 5, 13: 5, 14: 4.5, 15: 4.5, 16: 5, 17: 5.5, 18: 6.5,
                19: 8, 20: 9, 21: 8.5, 22: 6.5, 23: 4}
PHONE_HOURS = {8: 4, 9: 7, 10: 9, 11: 8, 12: 5, 13: 6, 14: 8, 15: 8, 16: 6, 17: 4, 18: 3, 19: 2}
MONTH_VOLUME = {1: 0.8, 2: 0.8, 3: 0.9, 4: 0.95, 5: 1.0, 6: 1.0, 7: 1.05, 8: 1.0, 9: 0.95,
                10: 1.0, 11: 1.25, 12: 1.5}


def tx_day_weights():
    """Every day of TX_YEAR -> (date, relative volume, stores open)."""
    days = []
    d = dt.date(TX_YEAR, 1, 1)
    black_friday = max(dt.date(TX_YEAR, 11, x) for x in range(22, 29) if dt.date(TX_YEAR, 11, x).weekday() == 4)
    closed = {dt.date(TX_YEAR, 1, 1), dt.date(TX_YEAR, 12, 25), dt.date(TX_YEAR, 12, 26),
              dt.date(TX_YEAR, 5, 1), dt.date(TX_YEAR, 10, 3)}
    while d.year == TX_YEAR:
        w = MONTH_VOLUME[d.month] * {5: 1.4, 6: 0.75}.get(d.weekday(), 1.0)
        if d.month == 12 and 10 <= d.day <= 23:
            w *= 1.4
        if d.month == 12 and d.day >= 27:
            w *= 0.8
        if 0 <= (d - black_friday).days <= 3:
            w *= 2.2
        stores_open = d.weekday() != 6 and d not in closed
        days.append((d, w, stores_open))
        d += dt.timedelta(days=1)
    return days


def tx_segment(rng: random.Random, age: int) -> str:
    if age <= 24:
        table = {"student": 80, "young_professional": 12, "standard": 8}
    elif age <= 34:
        table = {"young_professional": 65, "family": 20, "standard": 12, "student": 3}
    elif age <= 54:
        table = {"family": 52, "standard": 36, "premium": 12}
    elif age <= 64:
        table = {"standard": 55, "premium": 33, "family": 12}
    else:
        table = {"senior": 86, "premium": 14}
    return weighted(rng, table)


def tx_row(rng: random.Random, days):
    date, _, stores_open = days[weighted(rng, {i: w for i, (_, w, _) in enumerate(days)})]
    guest = rng.random() < 0.04
    if guest:
        age, segment = None, "guest"
        channel = weighted(rng, {"online": 85, "phone": 15})
    else:
        age = int(round(rng.gauss(42, 15)))
        while not 18 <= age <= 88:
            age = int(round(rng.gauss(42, 15)))
        segment = tx_segment(rng, age)
        online = 0.68 if age < 30 else 0.52 if age < 50 else 0.38 if age < 65 else 0.22
        phone = 0.04 if age < 50 else 0.08 if age < 65 else 0.16
        if date.weekday() == 5:
            online *= 0.8
        channel = weighted(rng, {"online": online, "phone": phone, "store": 1 - online - phone})
    if channel == "store" and not stores_open:
        channel = "online"
    if channel == "phone" and date.weekday() == 6:
        channel = "online"
    country = weighted(rng, COUNTRY_BY_CHANNEL[channel])
    currency = CURRENCY[country]

    taste = SEGMENT_TASTE[segment]
    categories = {c: w * SEASON.get(c, {}).get(date.month, 1.0) * taste.get(c, 1.0)
                  for c, w in CATEGORY_BY_CHANNEL[channel].items()}
    category = weighted(rng, categories)

    hours = {"store": STORE_HOURS, "online": ONLINE_HOURS, "phone": PHONE_HOURS}[channel]
    if channel == "online" and segment in ("student", "young_professional"):
        hours = {h: w * (1.8 if h <= 2 or h == 23 else 1.0) for h, w in hours.items()}
    if channel == "online" and segment == "senior":
        hours = {h: w * (0.3 if h <= 5 or h >= 22 else 1.2 if 8 <= h <= 16 else 1.0) for h, w in hours.items()}
    if channel == "store" and date.weekday() == 5:
        hours = {h: w * (1.4 if 10 <= h <= 15 else 0.8) for h, w in hours.items()}
    hour = weighted(rng, hours)

    if category == "groceries":
        items = max(1, min(45, int(rng.gammavariate(2.2, 4.2)) + 1))
        if segment == "family":
            items = min(45, items + rng.randint(2, 8))
    elif category == "electronics":
        items = 1 if rng.random() < 0.84 else rng.randint(2, 3)
    elif category == "travel":
        items = weighted(rng, {1: 40, 2: 35, 3: 10, 4: 15} if segment == "family" else {1: 55, 2: 35, 3: 6, 4: 4})
    elif category == "gift_cards":
        items = weighted(rng, {1: 80, 2: 15, 3: 5})
    elif category == "clothing":
        items = min(8, 1 + int(rng.expovariate(0.8)))
    else:
        items = min(6, 1 + int(rng.expovariate(1.1)))

    if category == "gift_cards":
        eur = sum(weighted(rng, GIFT_CARD_VALUES) for _ in range(items))
    else:
        median, sigma, exponent = PRICE[category]
        eur = median * math.exp(rng.gauss(0, sigma)) * items ** exponent * SEGMENT_SPEND[segment]
        if channel == "phone" and category != "travel":
            eur *= 1.3
    payment = weighted(rng, {m: w * (2.0 if m == "mobile_wallet" and age is not None and age < 35 else
                                     0.3 if m == "mobile_wallet" and age is not None and age >= 65 else
                                     2.2 if m == "prepaid_card" and segment in ("student", "guest") else
                                     1.8 if m == "credit_card" and country in ("US", "GB") else
                                     1.8 if m == "credit_card" and segment == "premium" else 1.0)
                             for m, w in PAYMENT_BY_CHANNEL[channel].items()})

    # fraud: high amount, night, online, foreign card, gift cards, prepaid/virtual cards
    night = hour <= 4
    logit = (-7.4 + 0.95 * math.log(max(eur, 1.0) / 40) + 1.8 * night + 1.5 * (channel == "online")
             + 0.6 * (channel == "phone") + 1.5 * (country != HOME) + 1.3 * (category == "gift_cards")
             + 0.7 * (category == "electronics") + 1.0 * (payment == "prepaid_card")
             + 0.7 * (payment == "virtual_card") + 0.9 * guest)
    is_fraud = int(rng.random() < 1 / (1 + math.exp(-logit)))
    if is_fraud and category not in ("gift_cards", "travel") and rng.random() < 0.5:
        items = 1 if category != "groceries" else items
        eur *= 1.0 + rng.random()          # fraudsters go for the upper end of the range

    amount = eur * EUR_RATE[currency]
    if category == "gift_cards":
        amount = float(round(amount)) if currency != "EUR" else amount
    elif category == "travel" and rng.random() < 0.6:
        amount = float(round(amount))
    elif category != "groceries" and amount > 2 and rng.random() < 0.45:
        amount = math.floor(amount) + 0.99          # shelf prices ending in .99
    amount = max(amount, 0.5)

    items_cell = "" if rng.random() < 0.012 else str(items)
    return [date.isoformat(), WEEKDAYS[date.weekday()][:3], str(hour), channel, country, currency,
            category, items_cell, f"{amount:.2f}", payment, "" if age is None else str(age), segment,
            str(is_fraud)]


def make_transactions(out: Path) -> dict:
    rng = random.Random(SEED * 10 + 1)
    days = tx_day_weights()
    rows = [tx_row(rng, days) for _ in range(5000)]
    train, heldout = split_records(rng, rows)
    for name, part in (("train.csv", train), ("heldout.csv", heldout)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TX_COLUMNS)
        writer.writerows(part)
        write_text(out / "transactions" / name, buffer.getvalue())
    fraud = sum(row[-1] == "1" for row in rows)
    by_channel = {}
    for channel in ("online", "phone", "store"):
        mine = [row for row in rows if row[3] == channel]
        by_channel[channel] = (len(mine), sum(row[-1] == "1" for row in mine))
    return {"train": len(train), "heldout": len(heldout), "fraud": fraud, "rows": len(rows), "by_channel": by_channel,
            "missing_age": sum(row[10] == "" for row in rows), "missing_items": sum(row[7] == "" for row in rows)}


# =========================================================================== app logs
# The backend of a fictional web shop: one line per event, header then message.
# Every message comes from LOG_TEMPLATES (loghub style, `<*>` = parameter); scenarios
# (a search, a login, a checkout with payment retries, a later shipment of the same
# order...) emit their lines on one thread with increasing timestamps, interleaved with
# other scenarios and with scheduled jobs.

LOG_COMPONENTS = ["HttpServer", "AuthService", "CatalogService", "CartService", "OrderService",
                  "PaymentService", "InventoryService", "MailService"]
LOG_THREADS = ["worker", "scheduler", "mail-sender"]

# EventId -> (level, component, template)
LOG_TEMPLATES = {
    "E1": ("INFO", "HttpServer", "request <*> started: <*> <*> from <*>"),
    "E2": ("INFO", "HttpServer", "request <*> completed: status <*> in <*>ms"),
    "E3": ("WARN", "HttpServer", "request <*> rejected: status <*> in <*>ms"),
    "E4": ("ERROR", "HttpServer", "request <*> failed: status <*> in <*>ms"),
    "E5": ("WARN", "HttpServer", "slow request <*>: <*> <*> took <*>ms (limit 800ms)"),
    "E6": ("ERROR", "HttpServer", "unhandled exception in <*>: <*>"),
    "E7": ("INFO", "AuthService", "user <*> logged in, session <*>"),
    "E8": ("WARN", "AuthService", "login failed for user <*>: wrong password (attempt <*> of 5)"),
    "E9": ("WARN", "AuthService", "account <*> locked after 5 failed login attempts"),
    "E10": ("DEBUG", "AuthService", "session <*> expired for user <*>"),
    "E11": ("INFO", "AuthService", "password reset requested for user <*>"),
    "E12": ("INFO", "CatalogService", "search \"<*>\" returned <*> results in <*>ms"),
    "E13": ("DEBUG", "CatalogService", "product <*> viewed by user <*>"),
    "E14": ("DEBUG", "CatalogService", "cache miss for product <*>, loaded in <*>ms"),
    "E15": ("INFO", "CatalogService", "product cache refreshed: <*> entries in <*>ms"),
    "E16": ("WARN", "CatalogService", "product <*> not found"),
    "E17": ("INFO", "CartService", "user <*> added product <*> x<*> to cart <*>"),
    "E18": ("DEBUG", "CartService", "cart <*> now holds <*> items, subtotal <*> EUR"),
    "E19": ("INFO", "CartService", "user <*> removed product <*> from cart <*>"),
    "E20": ("INFO", "CartService", "cart <*> abandoned after <*> minutes idle"),
    "E21": ("INFO", "OrderService", "order <*> placed by user <*> total=<*> EUR"),
    "E22": ("INFO", "OrderService", "order <*> status changed from <*> to <*>"),
    "E23": ("INFO", "OrderService", "order <*> cancelled by user <*>: <*>"),
    "E24": ("WARN", "OrderService", "checkout rejected for user <*>: cart <*> is empty"),
    "E25": ("DEBUG", "OrderService", "order <*> loaded for user <*>"),
    "E26": ("INFO", "PaymentService", "charging <*> EUR for order <*> with <*>"),
    "E27": ("INFO", "PaymentService", "payment for order <*> authorized, transaction <*>"),
    "E28": ("WARN", "PaymentService", "provider timeout after <*>ms for order <*>, retry <*> of 3"),
    "E29": ("WARN", "PaymentService", "payment for order <*> declined: <*>"),
    "E30": ("ERROR", "PaymentService", "payment for order <*> failed after 3 retries"),
    "E31": ("INFO", "PaymentService", "refund of <*> EUR issued for order <*>, transaction <*>"),
    "E32": ("DEBUG", "InventoryService", "reserved <*> units of product <*> for order <*>"),
    "E33": ("WARN", "InventoryService", "stock for product <*> is low: <*> units left"),
    "E34": ("WARN", "InventoryService", "product <*> out of stock, order <*> backordered"),
    "E35": ("DEBUG", "InventoryService", "released reservation for order <*>"),
    "E36": ("INFO", "InventoryService", "inventory sync finished: <*> products updated, <*> unchanged"),
    "E37": ("INFO", "MailService", "sent <*> email for order <*> to user <*>"),
    "E38": ("INFO", "MailService", "sent password reset email to user <*>"),
    "E39": ("ERROR", "MailService", "SMTP delivery to <*> failed: <*>; retrying in <*>s"),
}

LOG_HEADER_REGEX = (r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3} "
                    r"(INFO |WARN |DEBUG|ERROR) \[(" + "|".join(LOG_THREADS) + r")-\d{1,2}\] ("
                    + "|".join(LOG_COMPONENTS) + "): ")

SEARCH_TERMS = ["desk lamp", "running shoes", "rain jacket", "coffee grinder", "yoga mat", "phone case",
                "backpack", "kettle", "monitor stand", "blender", "wool socks", "headphones",
                "garden hose", "bike light", "water bottle", "board game", "notebook", "sunglasses",
                "winter boots", "tea set", "usb cable", "pillow", "frying pan", "toaster", "scarf",
                "camping chair", "hair dryer", "wall clock", "plant pot", "drill"]
CANCEL_REASONS = ["changed_mind", "found_cheaper", "ordered_twice", "delivery_too_slow", "wrong_size"]
DECLINE_REASONS = ["insufficient_funds", "card_expired", "suspected_fraud", "invalid_cvc"]
PAY_METHODS = {"card": 55, "paypal": 25, "sepa_debit": 12, "gift_card": 8}
EXCEPTIONS = [("OrderController.show", "order repository returned no row"),
              ("CartController.update", "optimistic lock conflict on cart"),
              ("SearchController.query", "index shard 2 unavailable"),
              ("CheckoutController.submit", "connection reset by peer"),
              ("ProductController.show", "price missing for product variant")]
SMTP_HOSTS = ["smtp-1.mail.internal", "smtp-2.mail.internal"]
SMTP_ERRORS = ["connection timed out", "451 temporary local problem", "TLS handshake failed"]


class LogSimulator:
    """Scenarios that emit timestamped lines; `lines()` returns them in time order."""

    def __init__(self, rng: random.Random, start: dt.datetime):
        self.rng = rng
        self.start = start
        self.events = []            # (ms since start, sequence, line)
        self.sequence = 0
        self.workers_free = [0] * 12
        self.next_order = 48213
        self.users = list(range(1000, 10000))
        rng.shuffle(self.users)
        self.users = self.users[:700]
        self.user_ip = {u: rng.choice(["192.0.2.", "198.51.100.", "203.0.113."]) + str(rng.randint(2, 254))
                        for u in self.users}
        self.carts = {}             # user -> (cart id, {product: (qty, unit price)})
        self.next_cart = 7301
        self.paid = []              # (ms paid, order, user, total) not yet shipped or cancelled
        self.failed_logins = {}     # user -> attempts so far
        self.products = {p: round(math.exp(rng.gauss(3.2, 0.9)), 2) + 0.0 for p in range(1001, 1601)}
        self.stock = {p: rng.randint(3, 120) if rng.random() < 0.85 else rng.randint(0, 8) for p in self.products}
        self.sessions = {}          # user -> session id
        self.later = []             # (ms, sequence, user, attacker address or None): login retries

    # --------------------------------------------------------------------- emitting
    def emit(self, ms: int, thread: str, event: str, *params) -> None:
        level, component, template = LOG_TEMPLATES[event]
        parts = template.split("<*>")
        assert len(parts) == len(params) + 1, event
        message = parts[0] + "".join(str(p) + rest for p, rest in zip(params, parts[1:]))
        stamp = self.start + dt.timedelta(milliseconds=ms)
        line = (f"{stamp:%Y-%m-%d %H:%M:%S}.{stamp.microsecond // 1000:03d} {level:<5} [{thread}] "
                f"{component}: {message}")
        self.events.append((ms, self.sequence, line))
        self.sequence += 1

    def lines(self) -> list:
        return [line for _, _, line in sorted(self.events)]

    def user(self) -> int:
        # the first 40 users are regulars, much more active than the rest
        return self.rng.choice(self.users[:40] if self.rng.random() < 0.3 else self.users)

    def request_id(self) -> str:
        return f"{self.rng.getrandbits(32):08x}"

    def transaction_id(self) -> str:
        return f"tx-{self.rng.getrandbits(40):010x}"

    def worker(self, ms: int) -> tuple:
        """A free worker thread at `ms` (or the first to become free) and the start time."""
        best = min(range(len(self.workers_free)), key=lambda i: (max(self.workers_free[i], ms), i))
        free_at = [i for i in range(len(self.workers_free)) if self.workers_free[i] <= ms]
        if free_at:
            best = self.rng.choice(free_at)
        return best, max(ms, self.workers_free[best])

    def request(self, ms: int, method: str, path: str, user, body, ip=None) -> None:
        """Runs `body(t, thread, rid)` -> (t, status) inside a request's start/end lines."""
        index, t = self.worker(ms)
        thread = f"worker-{index + 1}"
        rid = self.request_id()
        ip = ip or self.user_ip.get(user) or self.rng.choice(["192.0.2.", "198.51.100.", "203.0.113."]) + str(self.rng.randint(2, 254))
        begin = t
        self.emit(t, thread, "E1", rid, method, path, ip)
        t, status = body(t + self.rng.randint(1, 6), thread, rid)
        t += self.rng.randint(1, 9)
        duration = t - begin
        if duration > 800:
            self.emit(t, thread, "E5", rid, method, path, duration)
        if status >= 500:
            self.emit(t, thread, "E4", rid, status, duration)
        elif status >= 400:
            self.emit(t, thread, "E3", rid, status, duration)
        else:
            self.emit(t, thread, "E2", rid, status, duration)
        self.workers_free[index] = t + 1

    def mail(self, ms: int, kind: str, order, user) -> None:
        thread = f"mail-sender-{self.rng.randint(1, 2)}"
        t = ms + self.rng.randint(300, 4000)
        if self.rng.random() < 0.03:
            wait = self.rng.choice([30, 60, 120])
            self.emit(t, thread, "E39", self.rng.choice(SMTP_HOSTS), self.rng.choice(SMTP_ERRORS), wait)
            t += wait * 1000 + self.rng.randint(5, 900)
        if kind == "password_reset":
            self.emit(t, thread, "E38", user)
        else:
            self.emit(t, thread, "E37", kind, order, user)

    # -------------------------------------------------------------------- scenarios
    def search(self, ms):
        term = self.rng.choice(SEARCH_TERMS)
        results = 0 if self.rng.random() < 0.06 else self.rng.randint(1, 180)

        def body(t, thread, rid):
            took = int(self.rng.lognormvariate(3.2, 0.7)) + 2
            if self.rng.random() < 0.02:
                took += self.rng.randint(900, 2500)
            t += took
            self.emit(t, thread, "E12", term, results, took)
            return t, 200
        self.request(ms, "GET", "/api/search?q=" + term.replace(" ", "+"), None, body)

    def view_product(self, ms):
        user = self.user() if self.rng.random() < 0.6 else "anonymous"
        product = self.rng.randint(1001, 1600) if self.rng.random() > 0.04 else self.rng.randint(1601, 1999)

        def body(t, thread, rid):
            if product not in self.products:
                t += self.rng.randint(2, 9)
                self.emit(t, thread, "E16", product)
                return t, 404
            if self.rng.random() < 0.2:
                took = int(self.rng.lognormvariate(3.5, 0.6))
                t += took
                self.emit(t, thread, "E14", product, took)
            t += self.rng.randint(1, 5)
            self.emit(t, thread, "E13", product, user)
            return t, 200
        self.request(ms, "GET", f"/api/products/{product}", user if user != "anonymous" else None, body)

    def login(self, ms, user=None, attacker=None):
        user = user or self.user()
        fails = self.failed_logins.get(user, 0)
        wrong = attacker is not None or self.rng.random() < (0.12 if fails == 0 else 0.55)

        def body(t, thread, rid):
            t += int(self.rng.lognormvariate(4.0, 0.3))          # password hashing
            if wrong:
                attempt = fails + 1
                self.failed_logins[user] = attempt
                self.emit(t, thread, "E8", user, attempt)
                if attempt == 5:
                    self.emit(t + 2, thread, "E9", user)
                    self.failed_logins[user] = 0
                    return t + 3, 423
                return t, 401
            self.failed_logins.pop(user, None)
            session = f"{self.rng.getrandbits(48):012x}"
            self.sessions[user] = session
            self.emit(t, thread, "E7", user, session)
            return t, 200
        self.request(ms, "POST", "/api/login", user, body, ip=attacker)
        if wrong and fails + 1 < 5 and (attacker or self.rng.random() < 0.7):
            # the same user (or someone guessing passwords) tries again a few seconds later
            delay = self.rng.randint(400, 2500) if attacker else self.rng.randint(3000, 25000)
            self.later.append((ms + delay, self.sequence, user, attacker))

    def guess_passwords(self, ms):
        attacker = f"192.0.2.{self.rng.randint(2, 254)}"
        self.login(ms, self.rng.choice(self.users), attacker)

    def add_to_cart(self, ms):
        user = self.user()
        cart_id, items = self.carts.get(user, (None, {}))
        if cart_id is None:
            cart_id = self.next_cart
            self.next_cart += 1
        remove = bool(items) and self.rng.random() < 0.3
        product = self.rng.choice(sorted(items)) if remove else self.rng.randint(1001, 1600)
        qty = 1 if self.rng.random() < 0.8 else self.rng.randint(2, 4)

        def body(t, thread, rid):
            t += self.rng.randint(3, 25)
            if remove:
                del items[product]
                self.emit(t, thread, "E19", user, product, cart_id)
            else:
                old = items.get(product, (0, self.products[product]))[0]
                items[product] = (old + qty, self.products[product])
                self.emit(t, thread, "E17", user, product, qty, cart_id)
            self.carts[user] = (cart_id, items)
            t += self.rng.randint(1, 4)
            count = sum(q for q, _ in items.values())
            subtotal = sum(q * p for q, p in items.values())
            self.emit(t, thread, "E18", cart_id, count, f"{subtotal:.2f}")
            return t, 200 if remove else 201
        path = f"/api/cart/{cart_id}/items" + (f"/{product}" if remove else "")
        self.request(ms, "DELETE" if remove else "POST", path, user, body)

    def checkout(self, ms):
        users_with_carts = sorted(u for u, (_, items) in self.carts.items() if items)
        if users_with_carts and self.rng.random() < 0.97:
            user = self.rng.choice(users_with_carts)
        else:
            user = self.user()
        cart_id, items = self.carts.get(user, (self.next_cart, {}))

        def body(t, thread, rid):
            t += self.rng.randint(2, 12)
            if not items:
                self.emit(t, thread, "E24", user, cart_id)
                return t, 400
            order = self.next_order
            self.next_order += 1
            total = sum(q * p for q, p in items.values())
            self.emit(t, thread, "E21", order, user, f"{total:.2f}")
            for product, (qty, _) in sorted(items.items()):
                t += self.rng.randint(1, 8)
                if self.stock[product] < qty:
                    self.emit(t, thread, "E34", product, order)
                    self.stock[product] = self.rng.randint(20, 120)
                    continue
                self.stock[product] -= qty
                self.emit(t, thread, "E32", qty, product, order)
                if self.stock[product] <= 5:
                    self.emit(t + 1, thread, "E33", product, self.stock[product])
            method = weighted(self.rng, PAY_METHODS)
            t += self.rng.randint(2, 10)
            self.emit(t, thread, "E26", f"{total:.2f}", order, method)
            timeouts = weighted(self.rng, {0: 85, 1: 9, 2: 3, 3: 3})
            for retry in range(1, timeouts + 1):
                t += 3000
                self.emit(t, thread, "E28", 3000, order, retry)
            if timeouts == 3:
                t += self.rng.randint(1, 4)
                self.emit(t, thread, "E30", order)
                self.emit(t + 1, thread, "E22", order, "created", "payment_failed")
                self.emit(t + 2, thread, "E35", order)
                return t + 3, 502
            t += int(self.rng.lognormvariate(5.5, 0.4))             # the provider's answer
            if self.rng.random() < 0.05:
                self.emit(t, thread, "E29", order, self.rng.choice(DECLINE_REASONS))
                self.emit(t + 1, thread, "E22", order, "created", "payment_failed")
                self.emit(t + 2, thread, "E35", order)
                return t + 3, 402
            self.emit(t, thread, "E27", order, self.transaction_id())
            self.emit(t + 1, thread, "E22", order, "created", "paid")
            self.carts.pop(user, None)
            self.paid.append((t, order, user, total))
            self.mail(t, "order_confirmation", order, user)
            return t + 2, 201
        self.request(ms, "POST", "/api/orders", user, body)

    def view_order(self, ms):
        if not self.paid:
            return self.search(ms)
        _, order, user, _ = self.rng.choice(self.paid[-60:])

        def body(t, thread, rid):
            t += self.rng.randint(3, 30)
            self.emit(t, thread, "E25", order, user)
            return t, 200
        self.request(ms, "GET", f"/api/orders/{order}", user, body)

    def cancel_order(self, ms):
        if not self.paid:
            return self.search(ms)
        entry = self.rng.choice(self.paid[-40:])
        self.paid.remove(entry)
        _, order, user, total = entry

        def body(t, thread, rid):
            t += self.rng.randint(3, 15)
            self.emit(t, thread, "E23", order, user, self.rng.choice(CANCEL_REASONS))
            self.emit(t + 1, thread, "E35", order)
            t += int(self.rng.lognormvariate(5.3, 0.4))
            self.emit(t, thread, "E31", f"{total:.2f}", order, self.transaction_id())
            self.emit(t + 1, thread, "E22", order, "paid", "cancelled")
            self.mail(t, "refund_notice", order, user)
            return t + 2, 200
        self.request(ms, "POST", f"/api/orders/{order}/cancel", user, body)

    def password_reset(self, ms):
        user = self.user()

        def body(t, thread, rid):
            t += self.rng.randint(5, 30)
            self.emit(t, thread, "E11", user)
            self.mail(t, "password_reset", None, user)
            return t, 202
        self.request(ms, "POST", "/api/password-reset", user, body)

    def server_error(self, ms):
        handler, message = self.rng.choice(EXCEPTIONS)
        paths = {"OrderController.show": ("GET", f"/api/orders/{self.rng.randint(40000, 48212)}"),
                 "CartController.update": ("POST", f"/api/cart/{self.rng.randint(7000, 7300)}/items"),
                 "SearchController.query": ("GET", "/api/search?q=" + self.rng.choice(SEARCH_TERMS).replace(" ", "+")),
                 "CheckoutController.submit": ("POST", "/api/orders"),
                 "ProductController.show": ("GET", f"/api/products/{self.rng.randint(1001, 1600)}")}
        method, path = paths[handler]

        def body(t, thread, rid):
            t += int(self.rng.lognormvariate(4.5, 1.0))
            self.emit(t, thread, "E6", handler, message)
            return t, 500
        self.request(ms, method, path, None, body)

    # ------------------------------------------------------------------ scheduled jobs
    def every_5_minutes(self, ms):
        for user in sorted(self.sessions)[: self.rng.randint(0, 3)]:
            if self.rng.random() < 0.5:
                self.emit(ms + self.rng.randint(0, 40), "scheduler-1", "E10", self.sessions.pop(user), user)

    def every_10_minutes(self, ms):
        stale = [u for u, (_, items) in sorted(self.carts.items()) if items]
        for user in stale[: weighted(self.rng, {0: 2, 1: 2, 2: 1})]:
            cart_id, _ = self.carts.pop(user)
            self.emit(ms + self.rng.randint(0, 30), "scheduler-2", "E20", cart_id, self.rng.choice([30, 45, 60, 90]))

    def every_15_minutes(self, ms):
        updated = self.rng.randint(0, 40)
        took = ms + self.rng.randint(800, 4000)
        self.emit(took, "scheduler-1", "E36", updated, 600 - updated)

    def every_30_minutes(self, ms):
        took = self.rng.randint(150, 900)
        self.emit(ms + took, "scheduler-2", "E15", 600, took)

    def every_hour(self, ms):
        # the shipping batch: orders paid at least 20 minutes ago leave the warehouse
        ready = [p for p in self.paid if p[0] < ms - 20 * 60_000]
        self.paid = [p for p in self.paid if p[0] >= ms - 20 * 60_000]
        t = ms + self.rng.randint(100, 500)
        for _, order, user, _ in ready:
            t += self.rng.randint(5, 60)
            self.emit(t, "scheduler-1", "E22", order, "paid", "shipped")
            self.mail(t, "shipping_notice", order, user)

    def run(self, hours: float) -> None:
        scenarios = {self.search: 24, self.view_product: 24, self.login: 11, self.add_to_cart: 17,
                     self.checkout: 9, self.view_order: 4, self.cancel_order: 1.2,
                     self.password_reset: 1.5, self.server_error: 0.6, self.guess_passwords: 0.3}
        # requests per minute by hour of day
        per_minute = [0.35, 0.25, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.4,
                      1.5, 1.4, 1.3, 1.3, 1.4, 1.6, 1.9, 2.2, 2.3, 2.0, 1.4, 0.8]
        ms, end = 0, int(hours * 3_600_000)
        next_job = {5: 0, 10: 0, 15: 0, 30: 0, 60: 0}
        jobs = {5: self.every_5_minutes, 10: self.every_10_minutes, 15: self.every_15_minutes,
                30: self.every_30_minutes, 60: self.every_hour}
        while ms < end:
            for minutes in sorted(jobs):
                if ms >= next_job[minutes]:
                    jobs[minutes](next_job[minutes])
                    next_job[minutes] += minutes * 60_000
            self.later.sort()
            while self.later and self.later[0][0] <= ms:
                when, _, user, attacker = self.later.pop(0)
                self.login(when, user, attacker)
            hour = (self.start + dt.timedelta(milliseconds=ms)).hour
            weekend = (self.start + dt.timedelta(milliseconds=ms)).weekday() >= 5
            rate = 0.7 * per_minute[hour] * (1.15 if weekend else 1.0)
            weighted(self.rng, scenarios)(ms)
            ms += max(1, int(self.rng.expovariate(rate) * 60_000))


def make_app_logs(out: Path) -> dict:
    rng = random.Random(SEED * 10 + 3)
    sim = LogSimulator(rng, dt.datetime(2026, 3, 13, 22, 0, 0))
    sim.run(hours=40)
    lines = sim.lines()
    assert len(lines) >= 7500, len(lines)
    lines = lines[:7500]
    train, heldout = lines[:6000], lines[6000:]
    folder = out / "app-logs"
    write_text(folder / "train.log", "".join(line + "\n" for line in train))
    write_text(folder / "heldout.log", "".join(line + "\n" for line in heldout))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["EventId", "EventTemplate"])
    for event, (_, _, template) in LOG_TEMPLATES.items():
        writer.writerow([event, template])
    write_text(folder / "templates.csv", buffer.getvalue())
    write_text(folder / "header.regex", LOG_HEADER_REGEX)
    return {"train": len(train), "heldout": len(heldout), "first": lines[0][:23], "last": lines[-1][:23],
            "train_last": train[-1][:23], "heldout_first": heldout[0][:23],
            "example": next(line for line in train if " placed by user " in line)}


# ================================================================== support dialogues
# The support desk of the same fictional shop (web shop, app, membership plans).
# Each intent is a small script: the customer's opener (several phrasings per tone),
# the agent asking for what is missing, a resolution computed from the facts (dates,
# amounts, versions), optional follow-up questions and an optional closing. The facts
# are drawn once per dialogue, so every turn that mentions them agrees.

AGENT_NAMES = ["Mara", "Jonas", "Leila", "Tomas", "Priya", "Ben", "Ines", "Karl", "Sofia", "Noah",
               "Ayla", "Emil", "Greta", "Yusuf", "Lena", "Omar"]
FIRST_NAMES = ["anna", "ben", "clara", "david", "elif", "felix", "hanna", "igor", "julia", "kemal",
               "lisa", "marco", "nina", "oskar", "paula", "rosa", "sven", "tara", "ugo", "vera"]
SURNAMES = ["berger", "dunst", "falk", "haller", "imhof", "jansen", "kessel", "lorenz", "moser",
            "nowak", "ortner", "pichler", "rainer", "sauter", "thal", "vogt", "weiss", "zeller"]
MAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "post.example"]
BRANDS = ["Norvik", "Calder", "Lumio", "Brisa", "Tessel", "Oakhurst", "Velta", "Quill & Co", "Marlo",
          "Fennick", "Arvo", "Sundry"]
# product kind (singular nouns, so one set of templates fits all) -> price range in EUR
PRODUCT_KINDS = {
    "desk lamp": (25, 90), "wireless headset": (49, 249), "coffee grinder": (35, 160),
    "rain jacket": (59, 189), "yoga mat": (19, 69), "backpack": (39, 129), "electric kettle": (29, 89),
    "monitor stand": (25, 79), "blender": (45, 199), "fleece jacket": (49, 129),
    "winter coat": (89, 249), "smartwatch": (99, 329), "bike light set": (15, 59),
    "frying pan": (22, 89), "bluetooth speaker": (35, 179), "wool sweater": (49, 139),
}
WEARABLE = {"rain jacket", "fleece jacket", "winter coat", "wool sweater"}
CARRIERS = ["Parcelo", "SwiftPost", "Nordline Express", "Kurio"]
PAYMENTS = ["credit card", "debit card", "PayPal account", "bank account"]
STREETS = ["Lindenweg", "Hafenstrasse", "Birkenallee", "Am Mühlbach", "Kirchgasse", "Seestrasse",
           "Rosenplatz", "Feldweg", "Bergstrasse", "Ulmenring"]
TOWNS = ["Brackenfeld", "Ellmersdorf", "Hollwangen", "Rittersau", "Ostermoor", "Kaltbrunn",
         "Weidenau", "Falkenried"]
PLANS = {"Basic": 0.0, "Plus": 4.99, "Premium": 9.99, "Family": 14.99}
PLAN_FEATURES = {"Plus": "free standard delivery", "Premium": "free next-day delivery and early access to sales",
                 "Family": "everything in Premium for up to five people"}
# error code -> (what the customer tried, platform it happens on, fixed in version or None, workaround)
ERRORS = {
    "E-1042": ("open my cart", "Android", "4.3.1", "use the website to check out"),
    "E-2210": ("sync my wishlist", "iOS", "4.3.0", "log out and back in, which forces a sync"),
    "E-3307": ("upload a photo with my review", "Android", None, "make the photo smaller than 10 MB"),
    "E-4013": ("pay with a gift card", "iOS", "4.2.4", "enter the gift card on the website instead"),
    "E-5120": ("log in with my fingerprint", "Android", "4.3.0", "log in with your password for now"),
    "E-6071": ("scan a barcode in the store", "iOS", None, "type the number under the barcode"),
}
APP_VERSIONS = ["4.2.1", "4.2.3", "4.2.4", "4.3.0", "4.3.1", "4.3.2"]


def version_key(v: str) -> tuple:
    return tuple(int(x) for x in v.split("."))


def euro(x: float) -> str:
    return f"€{x:,.2f}"


def say(rng: random.Random, options, **slots) -> str:
    return rng.choice(options).format(**slots)


def long_date(d: dt.date) -> str:
    return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}"


def short_date(rng: random.Random, d: dt.date) -> str:
    return rng.choice([f"{MONTHS[d.month - 1]} {d.day}", f"{d.day} {MONTHS[d.month - 1]}",
                       f"the {ordinal(d.day)}", f"{MONTHS[d.month - 1][:3]} {d.day}"])


class Dialogue:
    """Turns that alternate CUSTOMER, AGENT, ... plus the facts shared by all turns."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.turns = []
        self.tone = weighted(rng, {"polite": 4, "neutral": 5, "annoyed": 2})
        self.agent = rng.choice(AGENT_NAMES)
        self.today = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(330))
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        self.email = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{first}{rng.randint(1, 99)}",
                                 f"{last}.{first}"]) + "@" + rng.choice(MAIL_DOMAINS)
        self.order = f"{rng.randint(100000, 999999)}"
        kind = rng.choice(sorted(PRODUCT_KINDS))
        low, high = PRODUCT_KINDS[kind]
        self.kind = kind
        self.product = f"{rng.choice(BRANDS)} {kind}"
        self.price = round(rng.uniform(low, high)) - 0.01 if rng.random() < 0.7 else round(rng.uniform(low, high), 2)
        self.payment = rng.choice(PAYMENTS)

    def customer(self, text: str) -> None:
        assert len(self.turns) % 2 == 0
        self.turns.append({"speaker": "CUSTOMER", "text": text})

    def agent_says(self, text: str) -> None:
        assert len(self.turns) % 2 == 1
        self.turns.append({"speaker": "AGENT", "text": text})

    def order_ref(self) -> str:
        """The order number as a customer writes it."""
        return self.rng.choice([f"order {self.order}", f"order #{self.order}", f"order number {self.order}",
                                f"order HV-{self.order}"])

    def greet(self, text: str) -> str:
        """The customer's first message with a greeting in front, sometimes."""
        rng = self.rng
        hello = weighted(rng, {"": 4, "Hi, ": 3, "Hello, ": 2, "Hi there. ": 1, "Good morning. ": 1,
                               "Hey, ": 1 if self.tone != "polite" else 0})
        if not hello.endswith(", ") or text.split(" ")[0] in ("I", "I'd", "I'm", "I've"):
            return hello + text
        if text.startswith("Bug"):
            return hello[:-2] + ". " + text
        return hello + text[0].lower() + text[1:]

    def opening(self, problem: bool) -> str:
        """What the agent says before the first answer, sometimes."""
        rng = self.rng
        options = {"": 5, f"Hi, this is {self.agent}. ": 2, "Thanks for getting in touch. ": 2,
                   "Thanks for reaching out. ": 1}
        if problem:
            options["I'm sorry to hear that. "] = 2
            if self.tone == "annoyed":
                options["I understand how frustrating that is. "] = 4
                options["Sorry about the trouble. "] = 2
        return weighted(rng, options)

    def ask_email(self) -> None:
        self.agent_says(say(self.rng, ["Could you tell me the email address on your account?",
                                       "Which email address do you use to sign in?",
                                       "Sure. What's the email address linked to your account?",
                                       "I can help with that. Which email address is the account registered with?"]))
        self.customer(say(self.rng, ["It's {e}.", "{e}", "Sure, it's {e}.", "The address is {e}."], e=self.email))

    def ask_order(self) -> None:
        self.agent_says(say(self.rng, ["Could you give me the order number?",
                                       "Which order is it? The order number is in your confirmation email.",
                                       "Can you tell me the order number, please?",
                                       "Let me look into it. What's the order number?"]))
        self.customer(say(self.rng, ["It's {o}.", "{o}", "Sure, it's {o}.", "The order number is {o}."],
                          o=self.rng.choice([self.order, "#" + self.order, "HV-" + self.order])))

    def close(self) -> None:
        rng = self.rng
        if len(self.turns) <= 8 and rng.random() < 0.35:
            self.customer(say(rng, ["Thanks!", "Great, thank you.", "Perfect, that's all I needed.",
                                    "Thank you for your help.", "OK, thanks a lot.", "Thanks, that helps."]
                              if self.tone != "annoyed" else ["OK.", "Fine, thanks.", "Alright, thank you.",
                                                              "OK, let's hope it works this time."]))
            self.agent_says(say(rng, ["You're welcome! Have a nice day.", "Glad I could help. Take care!",
                                      "You're welcome. Is there anything else I can do for you?",
                                      "Happy to help. Have a great {d}!"], d=WEEKDAYS[self.today.weekday()]))
            if self.turns[-1]["text"].endswith("?") and len(self.turns) <= 9:
                self.customer(say(rng, ["No, that's everything. Bye!", "No, that's all. Thanks again.",
                                        "Nope, all good."]))


def dialogue_password(d: Dialogue) -> None:
    rng = d.rng
    variant = weighted(rng, {"no_email": 4, "expired": 3, "locked": 2, "lost_phone": 2})
    mins = rng.choice([15, 30, 60])
    give_email = rng.random() < 0.5
    with_email = f" My email is {d.email}." if give_email else ""
    opener = {
        "no_email": ["I asked for a password reset but the email never came.", "I can't log in and the reset email isn't arriving.",
                     "I've requested a new password three times and got nothing."],
        "expired": ["The password reset link says it has expired.", "I clicked the reset link and it says the link is no longer valid.",
                    "My reset link doesn't work, it says expired."],
        "locked": ["My account is locked after I typed the wrong password too often.", "It says my account is locked. I can't sign in at all.",
                   "I got locked out of my account."],
        "lost_phone": ["I lost my phone and now I can't get the login code.", "I got a new phone and the two-step verification codes go to the old one.",
                       "I can't sign in because the verification code goes to a phone I don't have anymore."],
    }[variant]
    text = rng.choice(opener) + with_email
    if d.tone == "polite":
        text += rng.choice([" Could you help me, please?", " Can you help?", " Thank you in advance."])
    elif d.tone == "annoyed":
        text += rng.choice([" This is really annoying.", " I need to get in today.", ""])
    d.customer(d.greet(text))
    if not give_email:
        d.ask_email()
        lead = rng.choice(["Thanks. ", "Thank you. ", "Got it. ", ""])
    else:
        lead = d.opening(problem=True)
    resolution = {
        "no_email": ["I've sent a new reset link to {e}. Please check your spam folder too; the link is valid for {m} minutes.",
                     "I've just sent a fresh reset link to {e}. Please check spam if you don't see it; it works for {m} minutes."],
        "expired": ["Reset links expire after {m} minutes for security. I've sent a new one to {e}, so please use it within {m} minutes.",
                    "Those links only work for {m} minutes. A new one is on its way to {e}."],
        "locked": ["It was locked after five failed attempts. I've unlocked it and sent a reset link to {e}, valid for {m} minutes.",
                   "I've unlocked the account for {e}. To be safe, please set a new password with the link I just sent there (valid for {m} minutes)."],
        "lost_phone": ["I've turned off two-step verification for {e}. Once you're in, set it up again under Settings > Security.",
                       "Two-step verification is now off for {e}, so you can sign in with just your password. Please turn it back on under Settings > Security."],
    }[variant]
    d.agent_says(lead + say(rng, resolution, e=d.email, m=mins))
    if rng.random() < 0.35:
        if variant == "lost_phone":
            d.customer(rng.choice(["Do my old backup codes still work?", "Will my old codes still work?"]))
            d.agent_says(rng.choice(["No, turning verification off cancelled them. You'll get new backup codes when you set it up again.",
                                     "They don't: the old backup codes stopped working when I turned verification off. New ones are created when you set it up again."]))
        else:
            d.customer(rng.choice(["How long is the link valid?", "How long do I have to use it?", "I still don't see it. What now?"]))
            if d.turns[-1]["text"].startswith("How long"):
                d.agent_says(say(rng, ["{m} minutes from when it was sent.", "It works for {m} minutes, so it's best to use it right away."], m=mins))
            else:
                sent = f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}"
                d.agent_says(say(rng, ["Our system shows the email to {e} was delivered at {t}. Please look in your spam or promotions folder.",
                                       "It was delivered to {e} at {t}. If it isn't in your inbox, it's probably in spam."], e=d.email, t=sent))
    d.close()


def dialogue_billing(d: Dialogue) -> None:
    rng = d.rng
    variant = weighted(rng, {"double": 5, "wrong_amount": 3, "after_cancel": 2})
    days = rng.choice(["3 to 5", "5 to 7", "up to 10"])
    charge_date = d.today - dt.timedelta(days=rng.randint(1, 9))
    if variant == "after_cancel":
        plan = rng.choice(["Plus", "Premium", "Family"])
        price = PLANS[plan]
        cancelled = charge_date - dt.timedelta(days=rng.randint(2, 20))
        d.customer(d.greet(say(rng, ["I cancelled my {p} membership but you still charged me {a}.",
                                     "Why was I charged {a} for {p}? I cancelled it weeks ago.",
                                     "I was billed for my {p} plan again even though I cancelled it."],
                               p=plan, a=euro(price))
                           + (" Please refund it." if d.tone != "annoyed" else " I want my money back.")))
        d.ask_email()
        d.agent_says(say(rng, ["Thanks. I can see the {p} membership for {e} was cancelled on {c}, but a renewal of {a} still went through on {r}. That shouldn't have happened, and I've refunded the {a}.",
                               "You're right: {p} was cancelled on {c}, and the {a} charged on {r} was a mistake on our side. I've refunded it in full."],
                         p=plan, e=d.email, c=long_date(cancelled), r=long_date(charge_date), a=euro(price)))
        amount = price
    else:
        give_order = rng.random() < 0.65
        ref = " for " + d.order_ref() if give_order else ""
        if variant == "double":
            opener = ["I was charged twice{ref}.", "There are two payments of {a} on my statement{ref}.",
                      "You took the money twice{ref}. I only ordered once."]
        else:
            charged = round(d.price + rng.choice([5, 10, 20, 15.5, 30]), 2)
            opener = ["I was charged {c}{ref}, but the price was {a}.", "The amount on my card is wrong{ref}: {c} instead of {a}.",
                      "I paid {c}{ref} although the {k} was {a} in the shop."]
        d.customer(d.greet(say(rng, opener, ref=ref, a=euro(d.price), c=euro(charged) if variant != "double" else "",
                               k=d.kind)))
        lead = d.opening(problem=True)
        if not give_order:
            d.ask_order()
            lead = rng.choice(["Thanks. ", "Thank you for waiting. ", ""])
        if variant == "double":
            d.agent_says(lead + say(rng, ["I can see two payments of {a} for order HV-{o} on {r}. The second one is a duplicate, and I've refunded it to your {p}.",
                                          "Order HV-{o} was indeed charged twice on {r}, {a} each time. I've cancelled the duplicate payment; the {a} goes back to your {p}."],
                                    a=euro(d.price), o=d.order, r=long_date(charge_date), p=d.payment))
            amount = d.price
        else:
            amount = round(charged - d.price, 2)
            d.agent_says(lead + say(rng, ["You're right: the {k} in order HV-{o} cost {a}, but {c} was charged. I've refunded the difference of {x} to your {p}.",
                                          "I checked order HV-{o}. The correct price was {a}, so you were overcharged by {x}. That amount is on its way back to your {p}."],
                                    k=d.kind, o=d.order, a=euro(d.price), c=euro(charged), x=euro(amount), p=d.payment))
    if rng.random() < 0.35:
        question = rng.choice(["When will I see the money?", "How long does that take?", "Will I get a confirmation?"])
        d.customer(question)
        if question.startswith("Will"):
            d.agent_says(say(rng, ["Yes, a confirmation for the refund of {a} is on its way to your inbox.",
                                   "Yes, you'll get an email confirming the {a} refund in a few minutes."], a=euro(amount)))
        else:
            d.agent_says(say(rng, ["Refunds usually show up within {n} business days, depending on your bank.",
                                   "The {a} should be back within {n} business days."], n=days, a=euro(amount)))
    d.close()


def dialogue_late_delivery(d: Dialogue) -> None:
    rng = d.rng
    ordered = d.today - dt.timedelta(days=rng.randint(6, 15))
    expected = ordered + dt.timedelta(days=rng.randint(2, 4))
    if expected.weekday() == 6:
        expected += dt.timedelta(days=1)
    shipped = ordered + dt.timedelta(days=1 if ordered.weekday() != 5 else 2)     # no pick-ups on Sundays
    carrier = rng.choice(CARRIERS)
    new = d.today + dt.timedelta(days=rng.randint(1, 3))
    if new.weekday() == 6:                                                         # nor deliveries
        new += dt.timedelta(days=1)
    lost = rng.random() < 0.3
    give_order = rng.random() < 0.7
    ref = d.order_ref() if give_order else "my order"
    text = say(rng, ["{r} still hasn't arrived. It was supposed to be here on {x}.",
                     "Where is {r}? I ordered the {k} on {o} and it's still not here.",
                     "{r} was due on {x} and I haven't received anything.",
                     "I'm still waiting for {r}, the {k}. Delivery was promised for {x}."],
               r=ref, x=short_date(rng, expected), o=short_date(rng, ordered), k=d.kind)
    text = text[0].upper() + text[1:]
    if d.tone == "annoyed":
        text += rng.choice([" This is the second time this happens.", " I've been waiting for over a week!", ""])
    d.customer(d.greet(text))
    lead = d.opening(problem=True)
    if not give_order:
        d.ask_order()
        lead = rng.choice(["Thanks, let me check. ", "Thank you. ", ""])
    if not lost:
        d.agent_says(lead + say(rng, ["Order HV-{o} ({p}) left our warehouse on {s} with {c}. It was held up at their depot; the new estimate is {n}.",
                                      "I've checked order HV-{o}: {c} picked it up on {s}, but it's running late. {c} now expects to deliver it on {n}."],
                                o=d.order, p=d.product, s=long_date(shipped), c=carrier, n=long_date(new)))
        if rng.random() < 0.35:
            d.customer(rng.choice(["Can I cancel it if it doesn't come by then?", "And if it doesn't arrive by then?",
                                   "What happens if it's late again?"]))
            d.agent_says(say(rng, ["If it hasn't arrived by {n}, just reply here and we'll refund the full {a}.",
                                   "Then we'll refund the full {a} or send a new {k}, whichever you prefer. Just let us know after {n}."],
                             n=long_date(new), a=euro(d.price), k=d.kind))
    else:
        d.agent_says(lead + say(rng, ["The tracking for order HV-{o} hasn't changed since {c} picked it up on {s}, so I'm afraid it's lost. Shall I send a new {k} or refund {a}?",
                                      "Order HV-{o} seems to be lost: {c} has had no scan since {s}. Would you like a replacement {k} or a refund of {a}?"],
                                o=d.order, c=carrier, s=long_date(shipped), k=d.kind, a=euro(d.price)))
        if rng.random() < 0.5:
            d.customer(rng.choice(["A replacement, please.", "Please send a new one.", "I'd like a replacement."]))
            d.agent_says(say(rng, ["Done. A new {p} ships today, and it should reach you by {n}.",
                                   "I've placed a free replacement order for the {p}. It leaves today and should arrive by {n}."],
                             p=d.product, n=long_date(new)))
        else:
            d.customer(rng.choice(["I'd rather have my money back.", "The refund, please.", "Refund it, please."]))
            d.agent_says(say(rng, ["I've refunded {a} to your {p}. It should appear within a few business days.",
                                   "Of course. The {a} is on its way back to your {p}."], a=euro(d.price), p=d.payment))
    d.close()


def dialogue_return(d: Dialogue) -> None:
    rng = d.rng
    faulty = rng.random() < 0.4
    days_ago = rng.choice([2, 4, 6, 9, 12, 15, 20, 24, 28]) if rng.random() < 0.7 else rng.choice([34, 41, 50, 65, 90, 140])
    delivered = d.today - dt.timedelta(days=days_ago)
    if faulty:
        reason = rng.choice(["It stopped working after a few days.", "It arrived damaged.", "It doesn't switch on anymore.",
                             "One part was broken when I opened the box."])
    elif d.kind in WEARABLE:
        reason = rng.choice(["It's too small.", "It doesn't fit.", "The size is wrong.", "I don't like the colour."])
    else:
        reason = rng.choice(["It's not what I expected.", "I don't need it anymore.", "I bought it by mistake."])
    when = rng.choice([f"I received it {days_ago} days ago.", f"It was delivered on {short_date(rng, delivered)}.",
                       f"It came {days_ago} days ago."]) if days_ago != 1 else "It came yesterday."
    d.customer(d.greet(say(rng, ["I'd like to return the {p} from {r}. {why} {w}",
                                 "Can I send back the {k} I bought? {why} {w} It's {r}.",
                                 "How do I return the {p}? {why} {w}"],
                           p=d.product, k=d.kind, r=d.order_ref(), why=reason, w=when)))
    lead = d.opening(problem=faulty)
    if "It's order" not in d.turns[-1]["text"] and " from order" not in d.turns[-1]["text"]:
        d.ask_order()
        lead = rng.choice(["Thanks. ", "Thank you. ", ""])
    if days_ago <= 30:
        d.agent_says(lead + say(rng, ["No problem: the {p} was delivered on {v}, within our 30-day return window. I've emailed you a return label, and we'll refund {a} to your {pay} once it reaches us.",
                                      "That's fine. Order HV-{o} arrived on {v}, well within the 30 days. The return label is in your inbox; we'll refund {a} when the {k} is back."],
                                p=d.product, k=d.kind, v=long_date(delivered), a=euro(d.price), pay=d.payment, o=d.order))
        refund = True
    elif faulty:
        claim = f"W-{rng.randint(10000, 99999)}"
        d.agent_says(lead + say(rng, ["It was delivered on {v}, so the 30-day return window has passed, but a faulty {k} is covered by the two-year warranty. I've opened claim {c} and emailed you a return label.",
                                      "Since it was delivered on {v}, a normal return isn't possible, but the warranty covers faults for two years. Your claim is {c}; the label is in your inbox."],
                                k=d.kind, v=long_date(delivered), c=claim))
        refund = False
    else:
        d.agent_says(lead + say(rng, ["I'm sorry, but the {p} was delivered on {v}, {n} days ago, which is outside our 30-day return window.",
                                      "Unfortunately order HV-{o} arrived on {v}. That's more than 30 days ago, so it can't be returned anymore."],
                                p=d.product, v=long_date(delivered), n=days_ago, o=d.order))
        refund = False
        if rng.random() < 0.5:
            d.customer(rng.choice(["Not even as store credit?", "Is there really nothing you can do?", "Can't you make an exception?"]))
            d.agent_says(say(rng, ["I can't refund it, but as a one-time gesture I can give you store credit of {c}, half the price.",
                                   "I'm afraid not, but I can offer a voucher for {c}, which is half of what you paid."], c=euro(round(d.price / 2, 2))))
    if refund and rng.random() < 0.35:
        d.customer(rng.choice(["How long does the refund take?", "When do I get the money back?"]))
        d.agent_says(say(rng, ["Usually {n} business days after the parcel arrives at our warehouse.",
                               "The {a} is refunded within {n} business days of the parcel reaching us."],
                         n=rng.choice(["3", "5", "3 to 5"]), a=euro(d.price)))
    d.close()


def dialogue_delete_account(d: Dialogue) -> None:
    rng = d.rng
    points = rng.randrange(0, 5000, 50)
    open_order = rng.random() < 0.2
    d.customer(d.greet(say(rng, ["Please delete my account.", "I want to close my account and remove all my data.",
                                 "How can I delete my account?", "I'd like my account and personal data deleted."])
                       + (" Thanks." if d.tone == "polite" and rng.random() < 0.5 else "")))
    d.ask_email()
    if open_order:
        d.agent_says(say(rng, ["Thanks. Order HV-{o} for {e} is still on its way, and I can only delete the account after it's delivered. Shall I do it then?",
                               "Order HV-{o} on the account for {e} hasn't arrived yet, so I can't delete it right now. Shall we delete it after the delivery?"],
                         o=d.order, e=d.email))
        d.customer(rng.choice(["Yes, please do that.", "OK, yes.", "Sure, go ahead then."]))
        d.agent_says(say(rng, ["Done. Once order HV-{o} is delivered, we'll delete the account and confirm it by email.",
                               "Noted. The account will be deleted after order HV-{o} arrives; we'll confirm it at {e}."],
                         o=d.order, e=d.email))
    else:
        warn = ("Deleting the account for {e} removes your order history" + (" and your {p} loyalty points" if points else "")
                + ", and it can't be undone. Shall I go ahead?")
        warn = warn.format(e=d.email, p=f"{points:,}")
        lead = rng.choice(["Thanks. ", "Thank you. Before I continue: ", ""])
        d.agent_says(lead + (warn[0].lower() + warn[1:] if lead.endswith(": ") else warn))
        if points >= 500 and rng.random() < 0.5:
            d.customer(rng.choice(["Wait, can I use the points first?", "Oh, what are the points worth?"]))
            d.agent_says(say(rng, ["Every 100 points are worth €1, so your {p} points are worth {v}. You can spend them first and write to us again.",
                                   "Your {p} points are worth {v} (100 points = €1). Just write to us again after you've used them."],
                             p=f"{points:,}", v=euro(points / 100)))
            if rng.random() < 0.4:
                d.customer(rng.choice(["OK, I'll do that first.", "Good, I'll place one more order then."]))
                d.agent_says(rng.choice(["Sounds good. We'll be here when you're ready.", "Great. Just reply here when you want the account deleted."]))
        else:
            d.customer(rng.choice(["Yes, please go ahead.", "Yes, delete it.", "Yes, I'm sure."]))
            d.agent_says(say(rng, ["Done. Your account will be deleted within {n} days, and we'll send a confirmation to {e}.",
                                   "All set. Everything linked to {e} will be deleted within {n} days."],
                             n=rng.choice([7, 14, 30]), e=d.email))
    d.close()


def dialogue_bug(d: Dialogue) -> None:
    rng = d.rng
    code = rng.choice(sorted(ERRORS))
    action, platform, fixed, workaround = ERRORS[code]
    if rng.random() < 0.25:
        platform = "Android" if platform == "iOS" else "iOS"
    version = rng.choice(APP_VERSIONS)
    known = fixed is not None and version_key(version) < version_key(fixed) and platform == ERRORS[code][1]
    store = "App Store" if platform == "iOS" else "Play Store"
    device = rng.choice(["an iPhone", "my iPhone", "an iPad"]) if platform == "iOS" else rng.choice(["an Android phone", "my Android phone", "a Pixel", "a Samsung phone"])
    give_details = rng.random() < 0.3
    text = say(rng, ["The app shows error {c} whenever I try to {a}.", "I get error {c} when I try to {a}.",
                     "Every time I try to {a}, the app says {c}.", "Bug report: error {c} when I {a}."], c=code, a=action)
    if give_details:
        text += f" I'm on {device}, app version {version}."
    if d.tone == "annoyed":
        text += rng.choice([" It's been like this for days.", " Please fix this."])
    d.customer(d.greet(text))
    if not give_details:
        d.agent_says(d.opening(problem=False) + rng.choice(["Which version of the app are you using, and on which device?",
                                                            "Could you tell me your app version and what phone you use?",
                                                            "Thanks for reporting it. What device and app version do you have?"]))
        d.customer(rng.choice([f"Version {version} on {device}.", f"{device[0].upper() + device[1:]}, version {version}.",
                               f"It's {device} with app version {version}."]))
        lead = rng.choice(["Thanks. ", "Thank you. ", ""])
    else:
        lead = d.opening(problem=False)
    if known:
        d.agent_says(lead + say(rng, ["Error {c} is a known problem in version {v} on {p}, and it's fixed in {f}. Please update the app from the {s} and try again.",
                                      "That's a bug in {v} that we fixed in version {f}. If you update from the {s}, you should be able to {a} again."],
                                c=code, v=version, p=platform, f=fixed, s=store, a=action.replace("my ", "your ")))
    else:
        ticket = f"T-{rng.randint(200000, 299999)}"
        d.agent_says(lead + say(rng, ["There's no known issue for {c} in version {v}, so I've opened ticket {t} for our developers. Could you reply to the ticket email with a screenshot?",
                                      "I've passed error {c} on {p}, version {v}, to our developers as ticket {t}. We'll email you when it's fixed."],
                                c=code, v=version, p=platform, t=ticket))
    if rng.random() < 0.35:
        if known:
            d.customer(rng.choice(["Updating fixed it, thanks!", "I updated and it works now.", "What if I can't update right now?"]))
            if d.turns[-1]["text"].startswith("What"):
                d.agent_says(f"Until then you can {workaround}.")
            else:
                d.agent_says(rng.choice(["Great to hear!", "Glad it works again.", "Perfect, thanks for letting us know."]))
        else:
            d.customer(rng.choice(["Is there a workaround until then?", "Can I do anything in the meantime?"]))
            d.agent_says(say(rng, ["Yes: for now, please {w}.", "In the meantime you can {w}."], w=workaround))
    d.close()


def dialogue_upgrade(d: Dialogue) -> None:
    rng = d.rng
    names = list(PLANS)
    current = rng.choice(names[:3])
    target = rng.choice(names[names.index(current) + 1:])
    diff = round(PLANS[target] - PLANS[current], 2)
    days_left = rng.randint(3, 27)
    prorated = round(diff * days_left / 30, 2)
    renewal = d.today + dt.timedelta(days=days_left)
    ask_price = rng.random() < 0.5
    if ask_price:
        d.customer(d.greet(say(rng, ["What does {t} cost compared to my {c} plan?", "I'm on {c}. How much more is {t}?",
                                     "Is {t} worth it? I currently have {c}."], t=target, c=current)))
        d.agent_says(d.opening(problem=False) + say(rng, ["{t} costs {p} a month, {x} more than {c}. It includes {f}. Shall I switch you over?",
                                                          "{t} is {p} per month, so {x} more than your {c} plan, and you get {f}. Would you like to upgrade?"],
                                                    t=target, p=euro(PLANS[target]), x=euro(diff), c=current, f=PLAN_FEATURES[target]))
        d.customer(rng.choice(["Yes, please.", "OK, let's do it.", "Sounds good, switch me over."]))
    else:
        d.customer(d.greet(say(rng, ["I'd like to upgrade from {c} to {t}.", "Please switch my membership from {c} to {t}.",
                                     "Can I move from {c} to {t} today?"], t=target, c=current)))
    d.agent_says(rng.choice(["Done! ", "All set. ", "No problem. "]) +
                 say(rng, ["You're now on {t}. Today you'll be charged {r} for the remaining {n} days of this billing month, and {p} a month from {d} on.",
                           "Your plan is now {t}. For the {n} days left in this billing month you pay {r} today; from {d}, it's {p} a month."],
                     t=target, r=euro(prorated), n=days_left, p=euro(PLANS[target]), d=long_date(renewal)))
    if rng.random() < 0.35:
        d.customer(rng.choice(["Can I switch back later?", "And if I want to downgrade again?"]))
        d.agent_says(say(rng, ["Yes, you can go back to {c} at any time; the change applies from the next billing month.",
                               "Of course. A downgrade to {c} takes effect at the start of the next billing month."], c=current))
    d.close()


def dialogue_address(d: Dialogue) -> None:
    rng = d.rng
    shipped = rng.random() < 0.35
    address = f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {rng.randint(10, 99)}{rng.randint(100, 999)} {rng.choice(TOWNS)}"
    carrier = rng.choice(CARRIERS)
    give_order = rng.random() < 0.6
    ref = d.order_ref() if give_order else "my order"
    d.customer(d.greet(say(rng, ["Can I change the delivery address for {r}?", "I've moved. Could you send {r} to my new address?",
                                 "I entered the wrong address for {r}."], r=ref)))
    if not give_order:
        d.ask_order()
    d.agent_says(rng.choice(["Which address should it go to?", "Sure, what's the new address?", "Let me check. What is the correct address?"]))
    d.customer(rng.choice([f"{address}.", f"It's {address}.", f"Please send it to {address}."]))
    if not shipped:
        d.agent_says(say(rng, ["Done. Order HV-{o} will now go to {a}.", "I've updated order HV-{o}; it will be delivered to {a}."],
                         o=d.order, a=address))
    else:
        tracking = f"{carrier[:2].upper()}{rng.randint(10**9, 10**10 - 1)}"
        handed = d.today - dt.timedelta(days=1 if d.today.weekday() != 0 else 2)       # not on a Sunday
        d.agent_says(say(rng, ["I'm sorry, order HV-{o} was handed to {c} on {s}, so I can't change it anymore. You can redirect it on the {c} website with tracking number {t}.",
                               "Order HV-{o} has already shipped with {c}. Please use tracking number {t} on their website to send it to {a}."],
                         o=d.order, c=carrier, s=long_date(handed), t=tracking, a=address))
    d.close()


DIALOGUE_INTENTS = {dialogue_password: 16, dialogue_billing: 14, dialogue_late_delivery: 16,
                    dialogue_return: 15, dialogue_delete_account: 8, dialogue_bug: 13, dialogue_upgrade: 10,
                    dialogue_address: 8}


def make_dialogues(out: Path) -> dict:
    rng = random.Random(SEED * 10 + 2)
    dialogues, seen = [], set()
    while len(dialogues) < 1500:
        d = Dialogue(rng)
        weighted(rng, DIALOGUE_INTENTS)(d)
        assert 2 <= len(d.turns) <= 10, d.turns
        key = json.dumps(d.turns)
        if key not in seen:
            seen.add(key)
            dialogues.append({"turns": d.turns})
    train, heldout = split_records(rng, dialogues)
    write_text(out / "support-dialogues" / "train.jsonl", jsonl(train))
    write_text(out / "support-dialogues" / "heldout.jsonl", jsonl(heldout))
    turns = [len(d["turns"]) for d in dialogues]
    return {"train": len(train), "heldout": len(heldout), "turns_mean": sum(turns) / len(turns),
            "turns_min": min(turns), "turns_max": max(turns)}


# ======================================================================== paraphrases
# Each pair comes from one meaning (a "frame": who did what, when, how much) realised
# twice. A realisation makes its surface choices through a Style: voice, clause order,
# date/number/time format, synonyms, nominal or verbal phrasing, "to" or "in order to",
# contractions. The paraphrase's Style copies each of the source's choices or changes
# it with probability one half, so the pair keeps the content and differs in form.

class Style:
    """Surface choices, made lazily by key; a paraphrase style varies its base's choices."""

    def __init__(self, rng: random.Random, base: "Style | None" = None, change: float = 0.5):
        self.rng, self.base, self.change = rng, base, change
        self.choices = {}

    def pick(self, key: str, n: int) -> int:
        if key not in self.choices:
            base = self.base.choices.get(key) if self.base else None
            if base is None or base >= n:
                self.choices[key] = self.rng.randrange(n)
            elif n > 1 and self.rng.random() < self.change:
                self.choices[key] = self.rng.choice([i for i in range(n) if i != base])
            else:
                self.choices[key] = base
        return self.choices[key]

    def one(self, key: str, options: list):
        return options[self.pick(key, len(options))]

    def flag(self, key: str) -> bool:
        return self.pick(key, 2) == 1


ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """`n` in English words (British 'and'), 0 <= n < 1,000,000."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + words(rest))
    rest = n % 1000
    return (words(n // 1000) + " thousand"
            + ("" if rest == 0 else (" and " if rest < 100 else " ") + words(rest)))


def a_or_an(phrase: str) -> str:
    digits = re.match(r"[\d,]+", phrase)
    spoken = words(int(digits.group().replace(",", ""))) if digits else phrase
    vowel = spoken[0].lower() in "aeiou" and not spoken.lower().startswith("one")
    return ("an " if vowel else "a ") + phrase


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def count_forms(n: int) -> list:
    """Equivalent spellings of a small or large count."""
    forms = [f"{n:,}"]
    if n <= 20 or (n < 100 and n % 10 == 0) or (n < 1000 and n % 100 == 0):
        forms.append(words(n))
    elif n >= 1000 and n % 100 == 0:
        forms.append(f"{n / 1000:g} thousand")
    return forms


def date_forms(d: dt.date, year: bool) -> list:
    m = MONTHS[d.month - 1]
    if year:
        return [f"{d.day} {m} {d.year}", f"{m} {d.day}, {d.year}", f"the {ordinal(d.day)} of {m} {d.year}",
                f"{d:%Y-%m-%d}"]
    return [f"{d.day} {m}", f"{m} {d.day}", f"{m} {ordinal(d.day)}", f"the {ordinal(d.day)} of {m}"]


def time_forms(hour: int, minute: int) -> list:
    twelve = hour % 12 or 12
    part = "in the morning" if hour < 12 else "in the afternoon" if hour < 18 else "in the evening"
    suffix = "am" if hour < 12 else "pm"
    spoken = {0: f"{words(twelve)} o'clock", 30: f"half past {words(twelve)}", 15: f"quarter past {words(twelve)}",
              45: f"quarter to {words(twelve % 12 + 1)}"}[minute]
    return [f"{twelve} {suffix}" if minute == 0 else f"{twelve}:{minute:02d} {suffix}",
            f"{twelve}:{minute:02d} {suffix[0]}.{suffix[1]}.", f"{hour:02d}:{minute:02d}", f"{spoken} {part}"]


def percent_forms(n) -> list:
    return [f"{n} percent", f"{n} per cent", f"{n}%"]


def money_forms(amount: int) -> list:
    """Euro amounts: 950 -> ['950 euros', '€950', 'EUR 950']; millions spelt both ways."""
    if amount >= 1_000_000:
        short = f"{amount / 1_000_000:g} million"
        return [f"{short} euros", f"€{short}", f"{amount:,} euros", f"€{amount:,}"]
    return [f"{amount:,} euros", f"€{amount:,}", f"EUR {amount:,}"]


# negations first, so that "I will not" becomes "I won't" rather than "I'll not"
CONTRACTIONS = [("cannot", "can't"), ("do not", "don't"), ("Do not", "Don't"), ("does not", "doesn't"),
                ("did not", "didn't"), ("will not", "won't"), ("I am", "I'm"), ("I would", "I'd"), ("I will", "I'll"),
                ("is not", "isn't"), ("are not", "aren't"), ("it is", "it's"), ("It is", "It's"),
                ("we have", "we've"), ("We have", "We've"), ("we will", "we'll"), ("We will", "We'll"),
                ("has not", "hasn't"), ("have not", "haven't"), ("was not", "wasn't"), ("let us", "let's"),
                ("Let us", "Let's"), ("there is", "there's"), ("There is", "There's"), ("you will", "you'll"),
                ("You will", "You'll"), ("would not", "wouldn't"), ("we are", "we're"), ("We are", "We're")]


def contract(text: str, style: Style) -> str:
    """Contracted or full forms throughout, as the style says."""
    if style.flag("contract"):
        for full, short in CONTRACTIONS:
            text = re.sub(r"\b" + full + r"\b", short, text)
    else:
        for full, short in CONTRACTIONS:
            text = re.sub(r"(?<![\w'])" + re.escape(short) + r"\b", full, text)
    return text


TOWN_HEADS = ["Ash", "Brack", "Cold", "Elm", "Fern", "Glen", "Hal", "Kings", "Mill", "Oak", "Raven", "Stone",
              "Thorn", "West", "Wil", "Har", "Lun", "Pell", "Corr", "Dun"]
TOWN_TAILS = ["ford", "mere", "bury", "field", "haven", "wick", "stead", "more", "brook", "dale", "ham", "ton"]
PEOPLE_FIRST = [("Elna", "she"), ("Tobias", "he"), ("Marit", "she"), ("Joaquin", "he"), ("Ilse", "she"),
                ("Ravi", "he"), ("Odile", "she"), ("Henrik", "he"), ("Sanna", "she"), ("Bram", "he"),
                ("Yara", "she"), ("Leif", "he"), ("Nadia", "she"), ("Cyril", "he"), ("Petra", "she"),
                ("Anselm", "he"), ("Mirela", "she"), ("Kofi", "he"), ("Liv", "she"), ("Dario", "he")]
SURNAME_HEADS = ["Var", "Ost", "Hel", "Brun", "Kes", "Mor", "Dal", "Fen", "Tor", "Lind", "Ash", "Cal", "Pem", "Quen"]
SURNAME_TAILS = ["rick", "mere", "wick", "holt", "stad", "by", "ner", "dorf", "ley", "ton", "ham", "sell"]
COMPANY_STEMS = ["Alvor", "Brightwell", "Corvin", "Delmar", "Estry", "Fallow", "Greyson", "Hollis", "Ivel",
                 "Juno", "Kestrel", "Larkspur", "Mistral", "Northam", "Orrin", "Pylon"]
INDUSTRIES = {"Systems": "software", "Foods": "food", "Logistics": "logistics", "Bikes": "bicycle",
              "Textiles": "textile", "Energy": "energy", "Robotics": "robotics", "Print": "printing"}
RIVERS = ["Ells", "Tarrow", "Wend", "Maple Brook", "Lissel", "Orme"]


def town(rng):
    return rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)


def person(rng):
    first, pronoun = rng.choice(PEOPLE_FIRST)
    return f"{first} {rng.choice(SURNAME_HEADS)}{rng.choice(SURNAME_TAILS)}", pronoun


def company(rng):
    kind = rng.choice(sorted(INDUSTRIES))
    return f"{rng.choice(COMPANY_STEMS)} {kind}", INDUSTRIES[kind]


def random_date(rng, year=2026):
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def front_or_back(s: Style, key: str, adverbial: str, clause: str) -> str:
    """`Adverbial, clause.` or `Clause adverbial.` (the clause without final punctuation)."""
    if not adverbial:
        return cap(clause) + "."
    if s.flag(key):
        return cap(adverbial) + ", " + clause + "."
    return cap(clause) + " " + adverbial + "."


def frame_council(rng):
    t = town(rng)
    agent = rng.choice([f"the town council of {t}", f"the {t} city council", "the regional transport authority",
                        f"the planning committee in {t}"])
    river = rng.choice(RIVERS)
    # (object, plural, purpose or "")
    obj, plural, purpose = rng.choice([
        (f"plans for a new footbridge over the {river}", True, "ease traffic on the old road bridge"),
        (f"a proposal to extend the tram line to {town(rng)}", False, "connect the new housing estates"),
        ("the renovation of the old library", False, "make the building accessible to wheelchair users"),
        ("a budget of {money} for road repairs", False, "fix the worst potholes before winter"),
        (f"plans to close the {t} swimming pool", True, ""),
        ("a ban on cars in the market square", False, "make the centre safer for pedestrians"),
        (f"new cycle lanes along the {river}", True, "encourage people to cycle to work"),
        ("a plan to plant two thousand trees", False, "cool the streets in summer"),
    ])
    money = rng.choice([850_000, 1_200_000, 2_500_000, 4_200_000, 600_000])
    decision = weighted(rng, {"approve": 5, "reject": 2, "postpone": 1.5})
    if decision != "approve":
        purpose = ""
    date = random_date(rng)
    year = rng.random() < 0.4
    votes = (rng.randint(12, 25), rng.randint(3, 11)) if rng.random() < 0.3 and decision != "postpone" else None

    def realize(s: Style) -> str:
        o = obj.replace("{money}", s.one("money", money_forms(money)))
        when = "on " + s.one("date", date_forms(date, year))
        if s.flag("passive"):
            be = "were" if plural else "was"
            verb = {"approve": s.one("approved_p", [f"{be} approved", f"{be} given the green light"]),
                    "reject": s.one("rejected_p", [f"{be} rejected", f"{be} turned down", f"{be} voted down"]),
                    "postpone": s.one("postponed_p", [f"{be} postponed", f"{be} put on hold", f"{be} put off"])}[decision]
            clause = f"{o} {verb} by {agent}"
        else:
            verb = {"approve": s.one("approved", ["approved", "gave the green light to", "voted to approve"]),
                    "reject": s.one("rejected", ["rejected", "turned down", "voted against"]),
                    "postpone": s.one("postponed", ["postponed", "put off", "delayed a decision on"])}[decision]
            clause = f"{agent} {verb} {o}"
        if votes:
            a, b = votes
            clause += " " + s.one("votes", [f"by {a} votes to {b}", f"with {a} votes in favour and {b} against",
                                            f"in {a_or_an(f'{a}-{b}')} vote"])
        if not purpose:
            return front_or_back(s, "date_front", when, clause)
        goal = s.one("purpose", ["to", "in order to", "so as to"]) + " " + purpose
        order = s.pick("order", 4)
        if order == 0:
            return f"{cap(when)}, {clause} {goal}."
        if order == 1:
            return f"{cap(clause)} {when} {goal}."
        if order == 2:
            return f"{cap(clause)} {goal} {when}."
        return f"{cap(goal)}, {clause} {when}."
    return realize


def frame_hiring(rng):
    name, industry = company(rng)
    t = town(rng)
    n = rng.choice([12, 15, 20, 25, 30, 40, 45, 60, 80, 100, 120, 150, 200, 250, 300, 400])
    dept = rng.choice(["its research team", "its delivery fleet", "its customer service", "its production",
                       "its online shop", "its repair workshops"])
    date = random_date(rng)
    reported = rng.random() < 0.5          # "would hire" (reported) or "will hire"

    def realize(s: Style) -> str:
        said = s.one("said", ["said", "announced", "stated"])
        when = "on " + s.one("date", date_forms(date, False))
        where = s.one("where", [f", {a_or_an(industry)} company based in {t},", f", {a_or_an(industry)} firm from {t},",
                                f", {a_or_an(industry)} company which is based in {t},", f" of {t}"])
        will = s.one("will", ["would", "was going to", "planned to"] if reported else ["will", "is going to", "plans to"])
        hire = s.one("hire", ["hire", "take on", "recruit"])
        staff = s.one("staff", ["new staff", "new employees", "new workers", "more people"])
        number = s.one("n", count_forms(n))
        how = s.one("how", ["to expand {d}", "in order to expand {d}", "as part of an expansion of {d}",
                            "for the expansion of {d}"]).format(d=dept)
        core = f"{name}{where} {said}"
        if s.flag("date_front"):
            return f"{cap(when)}, {core} that it {will} {hire} {number} {staff} {how}."
        return f"{core} {when} that it {will} {hire} {number} {staff} {how}."
    return realize


def frame_match(rng):
    def team():
        t = town(rng)
        return rng.choice([f"{t} Rovers", f"FC {t}", f"{t} United", f"{t} Athletic", f"Sporting {t}"])
    home, away = team(), team()
    while away.split()[0] == home.split()[0] or away == home:
        away = team()
    a, b = rng.choice([(1, 0), (2, 0), (2, 1), (3, 1), (3, 0), (4, 2), (1, 1), (2, 2), (0, 0), (3, 2), (5, 1)])
    day = rng.choice(["on Saturday", "on Sunday", "on Wednesday evening", "last night", "on Friday night"])
    crowd = rng.choice([None, None, 3200, 8500, 12400, 21000, 950])
    scorer, _ = person(rng)
    scorer_goals = a if a in (2, 3) and rng.random() < 0.5 else 0

    def realize(s: Style) -> str:
        score = s.one("score", [f"{a}-{b}", f"{a}–{b}"])
        if a == b:
            what = s.one("draw", [f"{home} and {away} drew {score}", f"{home} drew {score} with {away}",
                                  f"the match between {home} and {away} ended {score}",
                                  f"{home} and {away} played out {a_or_an(score)} draw"])
        else:
            what = s.one("win", [f"{home} beat {away} {score}", f"{home} defeated {away} {score}",
                                 f"{away} lost {b}-{a} to {home}", f"{home} won {score} against {away}",
                                 f"{home} beat {away} by {words(a)} goals to {words(b)}",
                                 f"{away} were beaten {score} by {home}"])
        extras = []
        if crowd:
            c = s.one("crowd_n", count_forms(crowd))
            extras.append(s.one("crowd", [f"in front of {c} fans", f"in front of {c} spectators",
                                          f"before a crowd of {c}"]))
        clause = what + (" " + extras[0] if extras else "")
        text = front_or_back(s, "day_front", day, clause)
        if scorer_goals:
            times = {2: "twice", 3: "three times"}[scorer_goals]
            tails = [f". {scorer} scored {times} for {home}", f", with {scorer} scoring {times} for {home}"]
            if what.startswith(home):          # the winners are the subject: "thanks to" reads right
                tails += [f", with {scorer} scoring {times}", f", thanks to {words(scorer_goals)} goals from {scorer}"]
            tail = s.one("scorer", tails)
            text = text[:-1] + tail + "."
        return text
    return realize


DOCUMENTS = ["the sales figures for March", "the signed contract", "the slides from yesterday's meeting",
             "your invoice for the repairs", "the final version of the report", "a copy of the lease",
             "the guest list for the party", "the photos from the trip", "the updated timetable",
             "the minutes of the last meeting", "your comments on the draft", "the new floor plans"]
DEADLINES = ["Friday", "Monday morning", "the end of the week", "tomorrow", "Thursday", "noon on Wednesday"]


def frame_request(rng):
    doc = rng.choice(DOCUMENTS)
    deadline = rng.choice(DEADLINES)
    recipient = rng.choice(["me", "me", "the whole team", "my assistant", "our lawyer"])

    def realize(s: Style) -> str:
        send = s.one("send", ["send", "email", "forward"])
        by = s.one("by", [f"by {deadline}", f"no later than {deadline}"])
        please = s.one("ask", ["Could you please {v} {r} {d} {b}?", "Would you mind {v}ing {r} {d} {b}?",
                               "Please {v} {r} {d} {b}.", "I would like you to {v} {r} {d} {b}.",
                               "Can you {v} {r} {d} {b}, please?", "I would be grateful if you could {v} {r} {d} {b}."])
        text = please.format(v=send, r=recipient, d=doc, b=by)
        return contract(text, s)
    return realize


REASONS_ABSENT = [("I am ill", "my illness"), ("my train has been cancelled", "a cancelled train"),
                  ("I have a doctor's appointment", "a doctor's appointment"),
                  ("my daughter's school is closed", "the closure of my daughter's school"),
                  ("my car has broken down", "a car breakdown"),
                  ("my flight has been delayed", "a delayed flight")]


def frame_absence(rng):
    event = rng.choice(["meeting", "workshop", "training session", "team lunch", "interview", "rehearsal"])
    day = rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    reason, reason_noun = rng.choice(REASONS_ABSENT)
    sorry = rng.random() < 0.4

    def realize(s: Style) -> str:
        go = s.one("go", [f"come to the {event} on {day}", f"attend the {event} on {day}",
                          f"attend {day}'s {event}", f"make it to the {event} on {day}"])
        able = s.one("able", ["I will not be able to", "I cannot", "I am unable to", "I am not able to"])
        if go.startswith("make it") and able == "I am unable to":
            able = "I cannot"
        shape = s.pick("shape", 4)
        if shape == 0:
            text = f"{able} {go} because {reason}."
        elif shape == 1:
            text = f"{cap(s.one('since', ['since', 'as', 'because']))} {reason}, {able} {go}."
        elif shape == 2:
            text = f"{able} {go}, as {reason}."
        else:
            text = f"Due to {reason_noun}, {able} {go}."
        if sorry and text.startswith("I "):
            text = s.one("sorry", ["I am sorry, but ", "Unfortunately, ", "I am afraid "]) + text
        elif sorry:
            text = s.one("sorry", ["I am sorry, but ", "Unfortunately, "]) + text[0].lower() + text[1:]
        return contract(text, s)
    return realize


def frame_booking(rng):
    people = rng.randint(2, 8)
    hour, minute = rng.choice([18, 19, 19, 20, 20, 21, 12, 13]), rng.choice([0, 0, 30, 15, 45])
    day = rng.choice(["Saturday", "Friday", "Sunday", "Thursday"])
    place = rng.choice(["a table", "a table by the window", "a table on the terrace", "a quiet table"])
    occasion = rng.choice(["", "", " for my mother's birthday", " for our anniversary", " for a work dinner"])

    def realize(s: Style) -> str:
        want = s.one("want", ["I would like to", "I want to", "Could I", "I am hoping to"])
        book = s.one("book", ["book", "reserve"])
        party = s.one("party", [f"for {words(people)}", f"for {people} people", f"for {words(people)} people",
                                f"for a party of {words(people)}"])
        time = "at " + s.one("time", time_forms(hour, minute))
        when = s.one("when", [f"{time} on {day}", f"on {day} {time}"])
        text = f"{want} {book} {place} {party} {when}{occasion}"
        text += "?" if want.startswith("Could") else "."
        if s.flag("please") and not want.startswith("Could"):
            text = text[:-1] + ", please."
        return contract(text, s)
    return realize


FEATURES = [("a small balcony", "a little balcony"), ("a large kitchen", "a big kitchen"),
            ("a sunny garden", "a garden that gets a lot of sun"), ("a new bathroom", "a recently renovated bathroom"),
            ("a wood stove", "a wood-burning stove"), ("a spacious cellar", "a roomy cellar"),
            ("a shared roof terrace", "a roof terrace shared with the neighbours")]


def frame_flat(rng):
    rooms = rng.randint(1, 4)
    f1, f2 = rng.sample(FEATURES, 2)
    river = rng.choice(RIVERS)
    street = rng.choice(STREETS)
    rent = rng.randrange(650, 1900, 10) if rng.random() < 0.5 else None
    kind = rng.choice(["flat", "apartment", "house", "cottage"])

    def realize(s: Style) -> str:
        n = s.one("one", ["one", "a single"]) if rooms == 1 else s.one("rooms", [words(rooms), str(rooms)])
        bed = "bedroom" if rooms == 1 else "bedrooms"
        a = s.one("f1", list(f1))
        b = s.one("f2", list(f2))
        home = f"the {kind} on {street}"
        view = s.one("view", [f"looks out over the {river}", f"has a view of the {river}", f"offers views of the {river}"])
        shape = s.pick("shape", 4)
        if shape == 0:
            first = f"{home} has {n} {bed}, {a} and {b}, and it {view}"
        elif shape == 1:
            first = f"there {'is' if rooms == 1 else 'are'} {n} {bed} in {home}, along with {a} and {b}, and it {view}"
        elif shape == 2:
            first = f"with {n} {bed}, {a} and {b}, {home} also {view}"
        else:
            first = f"{home}, which {view}, has {n} {bed}, {a} and {b}"
        if rent is None:
            return cap(first) + "."
        money = s.one("rent", money_forms(rent))
        rent_text = s.one("rent_shape", [f"The rent is {money} a month.", f"It costs {money} per month to rent.",
                                         f"The monthly rent is {money}."])
        return cap(first) + ". " + rent_text
    return realize


CAUSES = [("heavy rain", "it rained heavily"), ("a storm warning", "a storm warning was issued"),
          ("low ticket sales", "too few tickets were sold"), ("a power cut", "the power went out"),
          ("strong winds", "the wind was too strong"), ("a strike by rail workers", "rail workers went on strike"),
          ("illness in the band", "members of the band were ill")]
# (event, plural, has a band)
EVENTS = [("the summer fair", False, False), ("the open-air concert", False, True),
          ("the town marathon", False, False), ("the farmers' market", False, False),
          ("the book festival", False, False), ("the fireworks", True, False), ("the school play", False, False),
          ("the boat races", True, False), ("the jazz night", False, True)]


def frame_postponed(rng):
    event, plural, band = rng.choice(EVENTS)
    t = town(rng)
    cause, cause_clause = rng.choice([c for c in CAUSES if band or "band" not in c[0]])
    cancelled = rng.random() < 0.35
    new_date = None if cancelled or rng.random() < 0.4 else random_date(rng)

    def realize(s: Style) -> str:
        be = "were" if plural else "was"
        what = f"{event} in {t}"
        if cancelled:
            verb = s.one("cancel", ["cancelled", "called off"])
            noun = "cancellation"
        else:
            verb = s.one("postpone", ["postponed", "put off", "moved to a later date"] if not new_date else ["postponed", "moved", "put off"])
            noun = "postponement"
        until = ""
        if new_date:
            word = {"moved": "to", "put off": "until"}.get(verb) or s.one("until", ["until", "to"])
            until = f" {word} " + s.one("date", date_forms(new_date, False))
        shape = s.pick("shape", 4)
        if shape == 0:
            text = f"{cap(what)} {be} {verb}{until} {s.one('because', ['because of', 'due to', 'owing to'])} {cause}."
        elif shape == 1:
            text = f"{cap(s.one('because', ['because of', 'due to', 'owing to']))} {cause}, {what} {be} {verb}{until}."
        elif shape == 2:
            text = f"{cap(cause)} led to the {noun} of {what}{until}."
        else:
            text = f"{cap(what)} {be} {verb}{until} because {cause_clause}."
        return text
    return realize


# (measure, "measure at entity", entity)
MEASURES = [("sales", "sales at {c}", "{c}"), ("profits", "profits at {c}", "{c}"),
            ("visitor numbers", "visitor numbers at the {t} museum", "the {t} museum"),
            ("passenger numbers", "passenger numbers at {t} airport", "{t} airport"),
            ("membership", "membership of the {t} rowing club", "the {t} rowing club")]
PERIODS = [["in the second quarter", "in Q2", "between April and June"],
           ["in the first quarter", "in Q1", "between January and March"],
           ["in the third quarter", "in Q3", "between July and September"],
           ["in March", "during March", "over the month of March"],
           ["last year", "over the past year", "in the last twelve months"]]


def frame_statistic(rng):
    c, _ = company(rng)
    t = town(rng)
    kind, plain, entity = rng.choice(MEASURES)
    plain, entity = plain.format(c=c, t=t), entity.format(c=c, t=t)
    possessive = entity + ("'" if entity.endswith("s") else "'s") + " " + kind
    up = rng.random() < 0.6
    pct = rng.choice([3, 4, 5, 6, 8, 9, 11, 12, 14, 15, 18, 20, 23, 30])
    period = rng.choice(PERIODS)
    compare = rng.random() < 0.35

    def realize(s: Style) -> str:
        p = s.one("pct", percent_forms(pct))
        when = s.one("period", period)
        verb = s.one("verb", ["rose", "increased", "went up", "grew"] if up else ["fell", "dropped", "declined", "went down"])
        noun = s.one("noun", ["rise", "increase"] if up else ["fall", "drop", "decline"])
        cmp_text = " " + s.one("cmp", ["compared with the same period a year earlier", "year on year",
                                       "from a year earlier"]) if compare and "year" not in when else ""
        shape = s.pick("shape", 4)
        subject = s.one("subject", [plain, possessive])
        if shape == 0:
            text = f"{cap(subject)} {verb} by {p} {when}{cmp_text}."
        elif shape == 1:
            text = f"{cap(when)}, {subject} {verb} {p}{cmp_text}."
        elif shape == 2:
            text = f"There was {a_or_an(p)} {noun} in {plain} {when}{cmp_text}."
        else:
            text = f"{cap(entity)} saw {a_or_an(p)} {noun} in {kind} {when}{cmp_text}."
        return text
    return realize


CHORES = [("turn off the heating", "switch off the heating", "the heating is switched off", "off"),
          ("turn off the lights", "switch off the lights", "the lights are switched off", "off"),
          ("lock the back door", "lock the door at the back", "the back door is locked", "locked"),
          ("close all the windows", "shut all the windows", "all the windows are closed", "closed"),
          ("water the plants", "give the plants some water", "the plants are watered", "watered"),
          ("empty the dishwasher", "unload the dishwasher", "the dishwasher is emptied", "emptied")]
WHENS = [("before you leave the office", "before leaving the office"),
         ("before you go home", "before going home"),
         ("when you arrive in the morning", "on arriving in the morning"),
         ("after the last class", "once the last class is over"),
         ("every Friday", "on Fridays")]


def frame_instruction(rng):
    chore = rng.choice(CHORES)
    when = rng.choice(WHENS)

    def realize(s: Style) -> str:
        w = s.one("when", list(when))
        shape = s.pick("shape", 4)
        act = s.one("verb", [chore[0], chore[1]])
        if shape == 0:
            core = f"{act} {w}"
        elif shape == 1:
            core = f"{w}, {act}"
        elif shape == 2:
            core = f"make sure {chore[2]} {w}"
        else:
            core = s.one("remember", ["do not forget to", "remember to"]) + f" {act} {w}"
        text = cap(core) + "."
        if s.flag("please"):
            text = "Please " + text[0].lower() + text[1:] if shape != 1 else text[:-1] + ", please."
        return contract(text, s)
    return realize


JOBS = ["nurse", "teacher", "baker", "software developer", "bus driver", "vet", "architect", "librarian",
        "carpenter", "pharmacist"]
WORKPLACES = {"nurse": "at the local hospital", "teacher": "at a primary school", "baker": "in a family bakery",
              "software developer": "for a small start-up", "bus driver": "for the city's transport company",
              "vet": "at an animal clinic", "architect": "at a firm of architects", "librarian": "at the public library",
              "carpenter": "in a furniture workshop", "pharmacist": "at a pharmacy in the old town"}


def frame_moved(rng):
    name, pronoun = person(rng)
    t, t2 = town(rng), town(rng)
    year = rng.randint(2009, 2024)
    job = rng.choice(JOBS)
    studies = rng.random() < 0.5
    possessive = {"she": "her", "he": "his"}[pronoun]

    def realize(s: Style) -> str:
        moved = s.one("moved", ["moved", "relocated"])
        when = s.one("year", [f"in {year}", f"back in {year}"])
        article = "an" if job[0] in "aeiou" else "a"
        why = s.one("why", [f"to work as {article} {job}", f"in order to work as {article} {job}",
                            f"to take a job as {article} {job}", f"for a job as {article} {job}"])
        place = WORKPLACES[job]
        after = ""
        if studies:
            after = s.one("after", [f"after finishing {possessive} studies in {t2}",
                                    f"after {pronoun} had finished studying in {t2}",
                                    f"having completed {possessive} studies in {t2}"])
        shape = s.pick("shape", 3)
        if shape == 0:
            text = f"{name} {moved} to {t} {when} {why} {place}"
            text = text + (", " + after if after else "") + "."
        elif shape == 1:
            text = f"{cap(when)}, {name} {moved} to {t} {why} {place}" + (", " + after if after else "") + "."
        else:
            if after:
                text = f"{cap(after)}, {name} {moved} to {t} {when} {why} {place}."
            else:
                text = f"{name} {moved} to {t} {when}, where {pronoun} {s.one('works', ['started working', 'began working'])} as {article} {job} {place}."
        return text
    return realize


def frame_reschedule(rng):
    name, _ = person(rng)
    thing = rng.choice(["the meeting with {n}", "the call with {n}", "{n}'s job interview", "the dentist appointment",
                        "the team review", "the viewing of the flat"]).format(n=name)
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    old, new = rng.sample(days, 2)
    hour, minute = rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 0, 30])
    by_us = rng.random() < 0.5

    def realize(s: Style) -> str:
        at = "at " + s.one("time", time_forms(hour, minute))
        moved = s.one("moved", ["moved", "rescheduled", "changed"])
        shape = s.pick("shape", 3)
        if shape == 0:
            text = f"{cap(thing)} has been {moved} from {old} to {new} {at}."
        elif shape == 1:
            text = f"{cap(thing)} will now take place on {new} {at} instead of {old}."
        else:
            text = f"{cap(thing)} is no longer on {old}; it is now on {new} {at}."
        if by_us and shape == 0:
            text = s.one("we", [text, f"We have {moved} {thing} from {old} to {new} {at}."])
        return contract(text, s)
    return realize


WORKS = [("painted", ["painted"], "the mural on the school wall", "painting"),
         ("designed", ["designed", "drew up the plans for"], "the new footbridge", "design"),
         ("repaired", ["repaired", "fixed"], "the roof of the church", "repair"),
         ("founded", ["founded", "set up", "started"], "the bakery on the corner", "founding"),
         ("built", ["built", "constructed"], "the greenhouse behind the school", "construction"),
         ("organised", ["organised", "arranged", "ran"], "the charity run", "organisation"),
         ("planted", ["planted"], "the orchard by the river", "planting"),
         ("restored", ["restored", "renovated"], "the old mill", "restoration")]


def frame_works(rng):
    name, pronoun = person(rng)
    participle, actives, thing, noun = rng.choice(WORKS)
    when = rng.choice(["last summer", "in 2021", "two years ago", "in the spring of 2023", "in 2019", "last year"])
    who = rng.choice(["", f", a local {rng.choice(['artist', 'engineer', 'builder', 'volunteer'])},"])
    if participle in ("founded", "organised") and who:
        who = ""
    t = town(rng)

    def realize(s: Style) -> str:
        w = s.one("when", [when, when.replace("in the spring of", "in spring")] if "spring" in when else [when])
        place = s.one("place", [f" in {t}", f" in the town of {t}"])
        shape = s.pick("shape", 3)
        if shape == 0:
            verb = s.one("verb", actives)
            clause = f"{name}{who} {verb} {thing}{place}"
        elif shape == 1:
            passive = participle if s.flag("passive_verb") or participle in ("painted", "planted") else \
                {"designed": "designed", "repaired": "fixed", "founded": "set up", "built": "constructed",
                 "organised": "organised", "restored": "renovated"}[participle]
            clause = f"{thing}{place} was {passive} by {name}{who}"
        else:
            clause = f"the {noun} of {thing}{place} was carried out by {name}{who}" if noun not in ("founding", "organisation") \
                else f"{name}{who} was responsible for the {noun} of {thing}{place}"
        return front_or_back(s, "when_front", w, clause).replace(",.", ".").replace(",,", ",")
    return realize


def frame_opening(rng):
    place = rng.choice(["café", "bakery", "library branch", "bike shop", "health centre", "bookshop", "swimming pool"])
    street = rng.choice(STREETS)
    date = random_date(rng)
    open_h, close_h = rng.choice([(7, 18), (8, 18), (9, 17), (10, 20), (8, 20)])
    days = rng.choice([("on weekdays", "from Monday to Friday", "Monday to Friday"),
                       ("every day", "seven days a week", "daily"),
                       ("from Tuesday to Saturday", "Tuesdays to Saturdays", "Tuesday through Saturday")])

    def realize(s: Style) -> str:
        d = s.one("date", date_forms(date, False))
        clock = s.pick("clock", 3)
        o, c = time_forms(open_h, 0)[clock], time_forms(close_h, 0)[clock]
        hours = s.one("hours", [f"from {o} to {c}", f"between {o} and {c}"])
        ds = s.one("days", list(days))
        shape = s.pick("shape", 3)
        if shape == 0:
            return f"The new {place} on {street} opens on {d} and will be open {ds} {hours}."
        if shape == 1:
            return f"Opening on {d}, the new {place} on {street} will welcome visitors {ds} {hours}."
        return f"From {d}, the new {place} on {street} will be open {hours}, {ds}."
    return realize


PARAPHRASE_FRAMES = {frame_council: 10, frame_hiring: 9, frame_match: 9, frame_request: 8, frame_absence: 8,
                     frame_booking: 7, frame_flat: 7, frame_postponed: 9, frame_statistic: 9,
                     frame_instruction: 6, frame_moved: 8, frame_reschedule: 7, frame_works: 8, frame_opening: 6}

TOKEN = re.compile(r"\w+|[^\w\s]")


def word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the lower-cased word sets."""
    x, y = set(TOKEN.findall(a.lower())), set(TOKEN.findall(b.lower()))
    return len(x & y) / len(x | y)


def tidy(text: str) -> str:
    """One final full stop after "a.m."/"p.m."."""
    return re.sub(r"([ap]\.m\.)\.$", r"\1", text)


def make_paraphrases(out: Path) -> dict:
    rng = random.Random(SEED * 10 + 4)
    pairs, sources = [], set()
    while len(pairs) < 3100:
        realize = weighted(rng, PARAPHRASE_FRAMES)(rng)
        base = Style(rng)
        source = tidy(realize(base))
        if source in sources or len(source) > 130:          # keep sentences short, the corpus small
            continue
        for _ in range(20):
            paraphrase = tidy(realize(Style(rng, base)))
            if paraphrase != source and word_overlap(source, paraphrase) <= 0.8 and len(paraphrase) <= 130:
                break
        else:
            continue
        sources.add(source)
        pairs.append({"source": source, "paraphrase": paraphrase})
    train, heldout = split_records(rng, pairs, heldout_share=600 / 3100)
    write_text(out / "paraphrases" / "train.jsonl", jsonl(train))
    write_text(out / "paraphrases" / "heldout.jsonl", jsonl(heldout))
    overlap = [word_overlap(p["source"], p["paraphrase"]) for p in pairs]
    return {"train": len(train), "heldout": len(heldout), "overlap": sum(overlap) / len(overlap)}


# =========================================================================== READMEs
def size_table(folder: Path, rows: list) -> str:
    """A markdown table of (file, what, count) with each file's size."""
    lines = ["| file | contents | size |", "|---|---|---|"]
    for name, what in rows:
        lines.append(f"| `{name}` | {what} | {kb(folder / name)} |")
    return "\n".join(lines)


def made_by(function: str) -> str:
    return (f"**Synthetic.** Every record was generated by `Tools/corpora/make_corpora.py` "
            f"(function `{function}`, seed {SEED}) from templates, word lists and distributions "
            f"written in that script. No text or record was copied from a real data set, and no real "
            f"person, company, order or payment is behind it. `{COMMAND}` (from the repository root) "
            f"rewrites it byte for byte.")


def write_readmes(out: Path, facts: dict) -> None:
    tx = facts["transactions"]
    rates = ", ".join(f"{channel} {fraud / n:.1%} ({fraud}/{n:,})" for channel, (n, fraud) in tx["by_channel"].items())
    folder = out / "transactions"
    write_text(folder / "README.md", f"""# transactions

Card payments at *Hollin & Vey*, a fictional retailer with stores in Germany, Austria and
Switzerland, a web shop and a phone order line: one row per payment, 13 columns whose
values depend on each other the way a synthesizer must learn.

{made_by("make_transactions")}

{size_table(folder, [("train.csv", f"{tx['train']:,} rows + header"), ("heldout.csv", f"{tx['heldout']:,} rows + header")])}

The {tx['rows']:,} rows are drawn independently, shuffled, and split 80/20 by row.

## Format

CSV with a header row: comma separator, RFC 4180 quoting (no value needs quotes), LF line
ends, UTF-8 (ASCII only). An empty cell is a missing value.

## Columns

| column | type | values |
|---|---|---|
| `date` | date `YYYY-MM-DD` | days of {TX_YEAR} |
| `weekday` | category | `Mon` … `Sun`, the weekday of `date` |
| `hour` | integer 0–23 | hour of the payment |
| `channel` | category | `store`, `online`, `phone` |
| `country` | category | country of the card (ISO 3166 alpha-2): {", ".join(sorted(CURRENCY))} |
| `currency` | category | currency of that country (ISO 4217): {", ".join(sorted(set(CURRENCY.values())))} |
| `merchant_category` | category | {", ".join(sorted(PRICE) + ["gift_cards"])} |
| `items` | integer 1–45, sometimes empty | articles in the basket (tickets for travel, cards for gift cards) |
| `amount` | decimal, two places | total in `currency` |
| `payment_method` | category | {", ".join(sorted(set(m for t in PAYMENT_BY_CHANNEL.values() for m in t)))} |
| `customer_age` | integer 18–88, empty for guests | age of the card holder |
| `customer_segment` | category | {", ".join(SEGMENT_TASTE)} |
| `is_fraud` | integer 0/1 | 1 = fraudulent payment: {tx['fraud']} rows, {tx['fraud'] / tx['rows']:.1%} |

Missing values: `customer_age` is empty in exactly the `guest` rows ({tx['missing_age']}); `items` is
empty in {tx['missing_items']} rows chosen at random.

## Dependencies built in

- `weekday` is a function of `date`. Volume varies by day: Saturdays are busiest; November
  (the Black Friday weekend ×2.2) and December before Christmas are peaks, January is quiet.
  Stores are closed on Sundays and on 1 January, 1 May, 3 October and 25–26 December (no
  `store` rows on those days); the phone line is closed on Sundays.
- `hour` depends on `channel`: stores 8–19 with peaks at noon and late afternoon (Saturdays
  around midday), phone 8–19, online round the clock with an evening peak (19–22).
  Students and young professionals buy online late at night, seniors rarely do.
- `channel` depends on age: the online share falls and the phone share rises with age; guests
  buy only online or by phone.
- `country` depends on `channel` (stores: mostly DE plus tourists; phone: DE, AT, CH; online:
  across Europe and the US). `currency` is a function of `country`.
- `merchant_category` depends on `channel` (groceries mostly in store, travel by phone or
  online and never in store), on the month (toys and gift cards in November–December, travel
  in summer, home and garden in spring, electronics around Black Friday) and on the segment
  (families buy toys, students books, premium customers travel).
- `items` depends on the category (groceries many, electronics mostly 1, travel 1–4 and more
  for families). `amount` is log-normal per category (median per item from 3 EUR for groceries
  to 190 EUR for travel), grows with `items`, is scaled by segment (premium ×1.6, student
  ×0.7) and for phone orders (×1.3, not travel), then converted into `currency` (1 EUR =
  {", ".join(f"{v:g} {k}" for k, v in EUR_RATE.items() if k != "EUR")}). Gift cards are sums of
  25/50/100/200 denominations; many non-grocery prices end in `.99`; most travel amounts are whole.
- `payment_method` depends on `channel` (no prepaid or virtual cards by phone, no virtual cards
  in store), age (mobile wallets under 35, rarely from 65), segment (prepaid cards for students
  and guests, credit cards for premium) and country (credit cards for GB and US cards).
- `customer_segment` depends on age: mostly `student` up to 24, `young_professional` 25–34,
  `family` 25–64 (most of 35–54), `standard` and `premium` from 35 (`standard` also a few
  younger), `senior` from 65; `guest` exactly when the age is missing.
- `is_fraud` follows a logistic model: more likely with a high amount, at night (0–4 h),
  online (less by phone), with a foreign card (country ≠ DE), for gift cards and electronics,
  with prepaid or virtual cards and for guests; fraudulent baskets lean to the upper end of
  their category's amounts. Fraud share by channel: {rates}.
""")

    dl = facts["support-dialogues"]
    folder = out / "support-dialogues"
    intents = ["password resets (no email, expired link, locked account, lost 2FA phone)",
               "billing disputes (double charge, wrong amount, renewal after cancellation)",
               "late deliveries (delayed or lost parcel, replacement or refund)",
               "returns and refunds (30-day window, warranty for faulty goods, store credit)",
               "account deletion (loyalty points, open orders)",
               "bug reports (error codes, app versions, known fixes and workarounds)",
               "plan upgrades (price difference, prorated charge, next billing date)",
               "delivery address changes (before or after shipping)"]
    write_text(folder / "README.md", f"""# support-dialogues

Conversations between customers and the support desk of *Hollin & Vey*, the fictional
retailer of `../transactions` (web shop, app and membership plans Basic, Plus, Premium,
Family). One dialogue per line.

{made_by("make_dialogues")}

{size_table(folder, [("train.jsonl", f"{dl['train']:,} dialogues"), ("heldout.jsonl", f"{dl['heldout']:,} dialogues")])}

The {dl['train'] + dl['heldout']:,} dialogues (all different) are shuffled and split 80/20 by dialogue.

## Format

JSON Lines, UTF-8 (amounts use `€`): one object per line,
`{{"turns":[{{"speaker":"CUSTOMER","text":"..."}},{{"speaker":"AGENT","text":"..."}},...]}}`.
Speakers alternate and the customer speaks first; {dl['turns_min']}–{dl['turns_max']} turns, {dl['turns_mean']:.2f} on
average. A dialogue ending on the customer (odd number of turns) is a customer's last "thanks, bye".

## Contents

Eight intents, each a small script with several phrasings per turn:

{chr(10).join("- " + i for i in intents)}.

Slots: order numbers (`HV-` and six digits; customers write `#123456`, `order number 123456`...),
product names (invented brands), dates with weekdays, euro amounts, email addresses on
reserved example domains, error codes, app versions, plan names, ticket and claim numbers,
addresses in invented towns. The customer's tone (polite, neutral, annoyed) changes the
phrasing and the agent's empathy; greetings, agent introductions, follow-up questions and
closings are optional.

## Dependencies built in

- Facts are drawn once per dialogue, so every turn agrees: the order number, product, price
  and email address the customer gives are the ones the agent repeats; the agent asks for the
  order number or email only when the customer has not given it.
- Answers are computed from the facts: dates are real calendar dates with the right weekday
  (pick-up a day or two after the order, never on a Sunday, a new estimate after today; "have a great Friday" on a
  Friday); a return is accepted within 30 days of delivery, otherwise refused (store credit of
  half the price on request) unless the item is faulty (warranty claim); an overcharge refund
  is the difference between charged and real price; an upgrade costs the monthly price
  difference, prorated as difference × days left / 30; 100 loyalty points are worth €1; an
  error code is a known bug only on its platform and in versions older than its fix.
""")

    lg = facts["app-logs"]
    folder = out / "app-logs"
    levels = {}
    for level, _, _ in LOG_TEMPLATES.values():
        levels[level] = levels.get(level, 0) + 1
    write_text(folder / "README.md", f"""# app-logs

The backend log of the fictional web shop of *Hollin & Vey*: HTTP requests, logins, catalog
searches, carts, orders, payments, inventory and mail, with scheduled jobs in between.

{made_by("make_app_logs")}

{size_table(folder, [("train.log", f"{lg['train']:,} lines, {lg['first']} to {lg['train_last']}"),
                     ("heldout.log", f"{lg['heldout']:,} lines, {lg['heldout_first']} to {lg['last']}"),
                     ("templates.csv", f"{len(LOG_TEMPLATES)} event templates"),
                     ("header.regex", "the header format")])}

One simulated run of about 40 hours, in time order: `train.log` is the first 80% of the
lines, `heldout.log` the rest (the way the loghub samples in `../shared/corpora` beside the
repository are split).

## Format

Plain text, UTF-8 (ASCII only), LF line ends, one event per line:

```
{lg['example']}
```

Header: date, time with milliseconds, level padded to five characters (`INFO `, `WARN `,
`DEBUG`, `ERROR`), thread in brackets (`worker-1`…`worker-12`, `scheduler-1`, `scheduler-2`,
`mail-sender-1`, `mail-sender-2`), component and `: `. Components: {", ".join(LOG_COMPONENTS)}.

`header.regex` matches exactly the header of every line (everything up to and including the
`: ` after the component); it uses only literals, classes, escapes, groups, alternation and
counted repetition, so it reads the same in Python `re`, PCRE, ECMAScript and Synth's
`--regex`. The file has no final newline. To measure generated lines with
`../shared/eval/text/evaluate.py` (from the repository root):

```
.venv-eval/bin/python ../shared/eval/text/evaluate.py --mode logs \\
    --train corpora/app-logs/train.log --heldout corpora/app-logs/heldout.log --generated GEN.log \\
    --templates corpora/app-logs/templates.csv --time-groups Date,Time --level-group Level --component-group Component \\
    --format-regex '(?P<Date>\\d{{4}}-\\d{{2}}-\\d{{2}}) (?P<Time>\\d{{2}}:\\d{{2}}:\\d{{2}})\\.\\d{{3}} (?P<Level>[A-Z]+) +\\[(?P<Thread>[^\\]]+)\\] (?P<Component>\\w+): (?P<Content>.*)'
```

`templates.csv` (loghub style): columns `EventId,EventTemplate`, one row per message template,
`<*>` standing for one parameter. Every message is one template with its parameters filled
in, and matches no other template. Each template has one level and one component
({", ".join(f"{n} {lvl}" for lvl, n in levels.items())} templates).

## Dependencies built in

- Requests run on a worker thread that serves one request at a time: `request <id> started`,
  the components' lines, then `completed`/`rejected` (4xx, WARN)/`failed` (5xx, ERROR) with the
  status and the duration (a `slow request` WARN above 800 ms). Requests interleave; timestamps
  never decrease.
- A checkout places an order (ids increase over time) for the cart's exact total, reserves
  each product (stock runs low or out), charges the same total, may time out and retry (3,000
  ms each, failing after the third retry) or be declined, then marks the order paid or
  payment_failed and releases the reservation; a mail thread sends the confirmation seconds
  later. The hourly shipping job later marks paid orders shipped and mails a notice; users
  cancel some paid orders (refund of the same amount), and look them up again.
- Wrong passwords are retried by the same user; a password-guessing burst from one address
  ends with the account locked after attempt 5. SMTP failures are retried after the stated
  delay. Scheduled jobs run every 5, 10, 15, 30 and 60 minutes (sessions expire, carts are
  abandoned, inventory sync, cache refresh, shipping).
- Traffic follows the time of day (quiet at night, peak in the evening), slightly higher at
  the weekend. Levels follow the templates: mostly INFO, DEBUG for details, WARN and ERROR for
  the failures above.
""")

    pp = facts["paraphrases"]
    folder = out / "paraphrases"
    write_text(folder / "README.md", f"""# paraphrases

Pairs of English sentences with the same meaning: requests, messages to colleagues,
descriptions of homes, and news-like statements about invented people, towns, teams and
companies.

{made_by("make_paraphrases")}

{size_table(folder, [("train.jsonl", f"{pp['train']:,} pairs"), ("heldout.jsonl", f"{pp['heldout']:,} pairs")])}

The {pp['train'] + pp['heldout']:,} pairs are shuffled and split about 80/20 by pair. Every source sentence is
different, so no held-out source appears in training.

## Format

JSON Lines, UTF-8: one object per line, `{{"source":"...","paraphrase":"..."}}`. Sentences are at
most 130 characters; the paraphrase never equals the source.

## How the pairs are made

Each pair is one meaning (who did what, when, how much: {len(PARAPHRASE_FRAMES)} kinds of frame) realised
twice. A realisation makes its surface choices through a style; the paraphrase's style keeps
each of the source's choices or changes it with probability ½, and a pair is kept only if the
sentences differ and share at most 80% of their word types. The rewriting operations:

- synonym substitution in context (approved / gave the green light to, hire / take on /
  recruit, fixed / repaired, cancelled / called off, rose / went up / increased);
- active and passive voice, and converse relations (A beat B 3-1 / B lost 1-3 to A / B were
  beaten 3-1 by A);
- clause and adverbial reordering (date, purpose, reason or time clause first or last);
- nominalisation (postponed because of rain / rain led to the postponement of; to expand /
  as part of an expansion of; there was a 12% rise in / sales rose by 12%);
- "to" / "in order to" / "so as to"; because / since / as / due to; by / no later than;
- contractions (I am / I'm, cannot / can't, do not / don't) and request forms (could you /
  would you mind / please / I would like you to);
- number, date, time and money formats (12 / twelve, 12,400 / 12.4 thousand, 12 percent / 12
  per cent / 12%, 3 May / May 3rd / the 3rd of May / 2026-05-03, 3 pm / 3:00 p.m. / 15:00 /
  three o'clock in the afternoon, 4.2 million euros / €4,200,000).

Mean word-type overlap (Jaccard) between source and paraphrase: {pp['overlap']:.2f}.
""")

    total = sum(path.stat().st_size for name in facts for path in (out / name).iterdir())
    write_text(out / "README.md", f"""# Corpora

Four small corpora shipped with Synth, one per record kind, to train and test it without
any outside data. **All four are synthetic**: generated by `Tools/corpora/make_corpora.py`
(Python 3 standard library only, seed {SEED}) from templates, word lists and distributions
written in that script; nothing is copied from a real data set. Each folder's README
describes its format, size, fields and the dependencies built in.

| corpus | record | train | held-out |
|---|---|---|---|
| [`transactions/`](transactions/README.md) | card payment, CSV row with 13 columns | {tx['train']:,} rows | {tx['heldout']:,} rows |
| [`support-dialogues/`](support-dialogues/README.md) | support-desk dialogue, JSON line | {dl['train']:,} dialogues | {dl['heldout']:,} dialogues |
| [`app-logs/`](app-logs/README.md) | web shop backend log line (+ templates, header regex) | {lg['train']:,} lines | {lg['heldout']:,} lines |
| [`paraphrases/`](paraphrases/README.md) | sentence and paraphrase, JSON line | {pp['train']:,} pairs | {pp['heldout']:,} pairs |

Total {total / 1_000_000:.2f} MB. To remake every file byte for byte, from the repository root:

```
{COMMAND}
```

`python3 Tools/corpora/check_corpora.py corpora` parses every file and prints statistics.
""")


# ============================================================================= main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("corpora"), help="folder to write the corpora into")
    args = parser.parse_args()
    out = args.out
    facts = {
        "transactions": make_transactions(out),
        "support-dialogues": make_dialogues(out),
        "app-logs": make_app_logs(out),
        "paraphrases": make_paraphrases(out),
    }
    write_readmes(out, facts)
    for name in facts:
        for path in sorted((out / name).iterdir()):
            print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
