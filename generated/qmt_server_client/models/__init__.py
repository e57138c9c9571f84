"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_list import AccountList
from .allin_request import AllinRequest
from .allin_response import AllinResponse
from .bar_answer_form import BarAnswerForm
from .cancel_all_entry import CancelAllEntry
from .cancel_all_request import CancelAllRequest
from .cancel_all_response import CancelAllResponse
from .cancel_result import CancelResult
from .dividend_type import DividendType
from .error_response import ErrorResponse
from .login_form import LoginForm
from .market_data_response import MarketDataResponse
from .market_data_response_data import MarketDataResponseData
from .order import Order
from .order_outcome import OrderOutcome
from .order_ref import OrderRef
from .order_side import OrderSide
from .order_status import OrderStatus
from .orders_query import OrdersQuery
from .outer_trade_request import OuterTradeRequest
from .outer_trade_response import OuterTradeResponse
from .portfolio import Portfolio
from .portfolio_response import PortfolioResponse
from .position import Position
from .position_list import PositionList
from .price_type import PriceType
from .reverse_repo_request import ReverseRepoRequest
from .reverse_repo_response import ReverseRepoResponse
from .send_message_request import SendMessageRequest
from .send_message_result import SendMessageResult
from .send_message_result_status import SendMessageResultStatus
from .session_order_request import SessionOrderRequest
from .session_ratio_trade_request import SessionRatioTradeRequest
from .session_trade_response import SessionTradeResponse
from .trade_mode import TradeMode
from .trade_operation import TradeOperation
from .trader_result import TraderResult
from .trader_status import TraderStatus

__all__ = (
    "Account",
    "AccountList",
    "AllinRequest",
    "AllinResponse",
    "BarAnswerForm",
    "CancelAllEntry",
    "CancelAllRequest",
    "CancelAllResponse",
    "CancelResult",
    "DividendType",
    "ErrorResponse",
    "LoginForm",
    "MarketDataResponse",
    "MarketDataResponseData",
    "Order",
    "OrderOutcome",
    "OrderRef",
    "OrderSide",
    "OrderStatus",
    "OrdersQuery",
    "OuterTradeRequest",
    "OuterTradeResponse",
    "Portfolio",
    "PortfolioResponse",
    "Position",
    "PositionList",
    "PriceType",
    "ReverseRepoRequest",
    "ReverseRepoResponse",
    "SendMessageRequest",
    "SendMessageResult",
    "SendMessageResultStatus",
    "SessionOrderRequest",
    "SessionRatioTradeRequest",
    "SessionTradeResponse",
    "TradeMode",
    "TradeOperation",
    "TraderResult",
    "TraderStatus",
)
