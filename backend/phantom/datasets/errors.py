"""Dataset errors: every refusal says what was wrong and what to do about it."""

from __future__ import annotations

from phantom.kit.errors import BadUserInput


class InvalidDataset(BadUserInput):
    """The upload cannot become a dataset (BAD_USER_INPUT); nothing is kept."""


class UploadTooLarge(BadUserInput):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            f"The file is larger than the limit of {human_size(max_bytes)} "
            f"({max_bytes} bytes): upload a smaller file or a sample of it, or convert it "
            "to Parquet, which is usually much smaller."
        )
        self.max_bytes = max_bytes


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
