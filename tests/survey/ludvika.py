"""Hand-made paper forms for Ludvika (2085), round ifo-2017: every figure in the tests can be counted from them.

Codes are those printed on the IFO form (ifo-1.toml): nojd 1–2 positive, 3–4 negative, 5 "Har inte fått någon
hjälp" (excluded); kontakt 1–2 positive, 3–4 negative, 5 "Vet inte" (excluded); forandring 1–2 positive,
3 "Ingen skillnad" and 4–5 negative; kon 1 Kvinna, 2 Man.
"""

from __future__ import annotations

HEADER = "municipality,unit,area,kon,kontakt,nojd,forandring"


def forms(kommunkod: str, area: str, *groups: tuple[int, str, str, str, str]) -> list[str]:
    """`count` identical forms per group of (count, kon, kontakt, nojd, forandring) codes ("" = blank)."""
    return [
        f"{kommunkod},,{area},{kon},{kontakt},{nojd},{change}"
        for n, kon, kontakt, nojd, change in groups
        for _ in range(n)
    ]


LUDVIKA_2017 = [
    # vårdnadshavare, 12 forms: nojd 7 + 1 + 1 = 9 positive, 2 negative, 1 no help → 9/11; kontakt 8/10 (2 blank)
    *forms("2085", "vardnadshavare", (7, "1", "1", "1", ""), (1, "2", "2", "2", ""), (1, "2", "3", "2", ""),
           (1, "1", "3", "3", ""), (1, "2", "", "4", ""), (1, "1", "", "5", "")),
    # missbruk, 20 forms: nojd 17/20; kontakt 15/20; forandring 10 + 4 better, 6 "Ingen skillnad" → 14/20
    *forms("2085", "missbruk", (10, "2", "1", "1", "1"), (4, "2", "2", "2", "2"), (1, "1", "2", "1", "3"),
           (2, "1", "3", "2", "3"), (3, "1", "4", "3", "3")),
    # ekonomiskt bistånd, 6 forms: nojd 3/4 (2 no help) → too few; kontakt 6/6
    *forms("2085", "ekonomiskt_bistand", (3, "1", "1", "1", ""), (1, "2", "2", "3", ""), (2, "2", "1", "5", "")),
    # ungdomar, 4 forms: fewer than five respondents, left out of everything (IFO-totalt too)
    *forms("2085", "ungdomar", (4, "2", "1", "1", "1")),
]  # fmt: skip
