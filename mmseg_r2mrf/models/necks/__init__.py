
from .amdf import AMDF  # noqa: F401
