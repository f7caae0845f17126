"""A registered model's value model: what each kind of prediction is worth, in one
currency, and how many predictions a month it makes. One per model (its versions are
valued with the same figures, so they can be compared)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from phantom.db import Base, TenantScoped


class ValueModel(TenantScoped, Base):
    """Binary classifiers use the four outcome figures, multiclass the value matrix,
    regression the two per-unit error costs; the others are null. Costs are positive
    amounts (subtracted), values may be negative (the matrix holds values only)."""

    __tablename__ = "value_models"
    __table_args__ = (UniqueConstraint("tenant_id", "model_id"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("registered_models.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # BINARY or REGRESSION
    true_positive_value: Mapped[float | None] = mapped_column(Float)
    true_negative_value: Mapped[float | None] = mapped_column(Float)
    false_positive_cost: Mapped[float | None] = mapped_column(Float)
    false_negative_cost: Mapped[float | None] = mapped_column(Float)
    under_prediction_cost: Mapped[float | None] = mapped_column(Float)  # per unit of error
    over_prediction_cost: Mapped[float | None] = mapped_column(Float)
    # multiclass: value of each (actual row, predicted column) outcome, costs negative,
    # over ``matrix_classes`` (the classes of the version it was set through)
    value_matrix: Mapped[list[list[float]] | None] = mapped_column(JSON)
    matrix_classes: Mapped[list[str] | None] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    monthly_volume: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]
    updated_by: Mapped[uuid.UUID | None]
