"""The one exception type for input a user can get wrong."""


class InputError(ValueError):
    """Bad input: the message is one line, Chinese then English, naming the
    column, row or value and the fix."""


def require_columns(frame, columns, what: str = "表") -> None:
    """Raise :class:`InputError` naming the first missing column and listing those found."""
    for col in columns:
        if col not in frame.columns:
            found = ", ".join(map(str, frame.columns))
            raise InputError(f"缺少必需列 '{col}' (missing required column '{col}'); "
                             f"{what}中的列 (columns found): {found}")


def require_rows(frame, what: str = "交易表") -> None:
    """Raise :class:`InputError` when a table has no rows."""
    if len(frame) == 0:
        raise InputError(f"{what}是空的 (the table is empty); 请检查文件和筛选条件 (check the file and filters)")
