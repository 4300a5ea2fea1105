"""Text for CSV files that people open in a spreadsheet program."""


def csv_cell(value) -> str:
    """The value as CSV text that a spreadsheet shows as text: a cell that starts with =, +, -, @
    or a tab/return would run as a formula (CSV injection), so it gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
