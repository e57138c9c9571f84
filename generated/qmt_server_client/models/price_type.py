from enum import IntEnum


class PriceType(IntEnum):
    LIMIT = 0
    LATEST = 1
    BEST_FIVE_IOC = 2
    OWN_SIDE_BEST = 3
    COUNTER_SIDE_BEST = 5

    def __str__(self) -> str:
        return str(self.value)
