"""File sizes as people read them: never "0 KB" for a small file."""


def size_label(size: int | None) -> str:
    size = int(size or 0)
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        kb = size / 1024
        return f"{kb:.1f} KB" if kb < 10 else f"{kb:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
