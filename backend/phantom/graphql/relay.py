"""Relay-style connections over ``kit.pagination`` pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from phantom.kit.pagination import ModelT, Page, encode_cursor

NodeT = TypeVar("NodeT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[ModelT], to_node: Callable[[ModelT], NodeT]) -> Connection[NodeT]:
        edges = [Edge(cursor=encode_cursor(item), node=to_node(item)) for item in page.items]
        return cls.of(edges, page.has_next_page, page.has_previous_page, page.total_count)

    @classmethod
    def of(
        cls, edges: list[Edge[NodeT]], has_next_page: bool, has_previous_page: bool, total: int
    ) -> Connection[NodeT]:
        """Edges with cursors of any kind (keyset by time and id, or a sequence number)."""
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next_page,
                has_previous_page=has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )
