from enum import StrEnum


class TradeMode(StrEnum):
    ORDER_NUM = "order_num"
    POSITION_PCT = "position_pct"

    def __str__(self) -> str:
        return str(self.value)
