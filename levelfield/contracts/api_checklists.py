"""(being written)"""

ROUTERS: list = []
