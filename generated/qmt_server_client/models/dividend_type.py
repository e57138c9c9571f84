from enum import StrEnum


class DividendType(StrEnum):
    BACK = "back"
    BACK_RATIO = "back_ratio"
    FRONT = "front"
    FRONT_RATIO = "front_ratio"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
