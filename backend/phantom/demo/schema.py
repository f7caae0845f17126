"""``demoSetup``: how far the demo organization's preparation is (a banner's data)."""

from __future__ import annotations

import strawberry
from strawberry import Info

from phantom.demo.progress import demo_progress
from phantom.graphql.context import Context
from phantom.graphql.permissions import authenticated


@strawberry.type(description="The demo organization's data being prepared at first start.")
class DemoSetup:
    step: int = strawberry.field(description="The step running (1-based); the last when done.")
    total: int
    label: str = strawberry.field(description='What the step does, e.g. "training a model".')
    done: bool
    error: str | None = strawberry.field(description="Why the last attempt stopped, if it did.")


@strawberry.type
class DemoQuery:
    @strawberry.field(
        extensions=authenticated(),
        description=(
            "insights:read. The demo data's preparation in this organization (standalone's "
            "demo only); null elsewhere, and when there is no demo."
        ),
    )
    async def demo_setup(self, info: Info[Context, None]) -> DemoSetup | None:
        found = await demo_progress.of(info.context.require_principal())
        if found is None:
            return None
        return DemoSetup(
            step=found.step,
            total=found.total,
            label=found.label,
            done=found.done,
            error=found.error,
        )
