"""The demo organization of ``phantom standalone`` (composition layer: it calls every
domain's services as the demo's members would; docs/operations.md, "The demo")."""
