"""The devices respondents answer on: the office's shared iPad and their own phone (CSS px, touch)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    name: str
    width: int
    height: int
    is_mobile: bool

    def context_options(self) -> dict[str, object]:
        return {
            "viewport": {"width": self.width, "height": self.height},
            "has_touch": True,
            "is_mobile": self.is_mobile,
            "locale": "sv-SE",
        }


IPAD = Device("ipad", 810, 1080, is_mobile=False)
PHONE = Device("phone", 390, 844, is_mobile=True)
