from enum import IntEnum


class OrderStatus(IntEnum):
    UNREPORTED = 48
    WAIT_REPORTING = 49
    REPORTED = 50
    REPORTED_CANCEL = 51
    PARTSUCC_CANCEL = 52
    PART_CANCEL = 53
    CANCELED = 54
    PART_SUCC = 55
    SUCCEEDED = 56
    JUNK = 57
    UNKNOWN = 255

    def __str__(self) -> str:
        return str(self.value)
