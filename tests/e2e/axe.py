"""axe-core in the browser: the accessibility checks any browser test can run on its page.

The app's Content-Security-Policy (``script-src 'self'``) refuses an injected inline
script, so open the page with ``bypass_csp=True`` (``browser.new_page(...,
bypass_csp=True)``) for ``page.add_script_tag`` to load axe; without it the helper says so.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from phantom.config import REPO_ROOT

AXE = REPO_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN = """async () => {
  const result = await window.axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes
      .slice(0, 5)
      .map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}"""


async def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now, those of the given impacts."""
    assert AXE.exists(), (
        f"{AXE} is missing: run `cd frontend && npm ci` (axe-core is a dev dependency)"
    )
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    assert await page.evaluate("() => typeof window.axe !== 'undefined'"), (
        "axe-core did not load: open the page with bypass_csp=True (the app's CSP refuses it)"
    )
    found: list[dict[str, Any]] = await page.evaluate(RUN)
    return [v for v in found if v["impact"] in impacts]


async def assert_no_serious_axe_violations(page: Page, where: str) -> None:
    """Fails listing every serious or critical violation (rule, help, first nodes)."""
    found = await axe_violations(page)
    assert found == [], f"axe on {where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in found
    )
