"""axe-core's WCAG 2.0 and 2.1 A and AA rules on every public page, the official's forms and
the campaign team's work queue, in every site language: no violation.

axe comes from the axe-core npm package (package.json; `npm ci` in scripts/setup), read from
node_modules at run time, never copied into the repository. The pages' Content Security
Policy allows no inline script, and Playwright's add_script_tag(path=...) injects the file
inline: so this test's browser contexts alone bypass the CSP (bypass_csp=True); the policy
itself is tested in test_content_security_policy.py.

One browser, one context per role (nobody, the official, the admin), each signed in once;
each page opened in each language in the same tab.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.a11y_pages import build_world, signed_in_contexts

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        TAGS,
    )
    return result


def describe(path: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{path}: {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {' '.join(node['summary'].split())[:300]}")
    return "\n".join(lines)


def test_axe_finds_no_violation_in_any_language(browser, live_server, settings):
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (scripts/setup does)"
    settings.STAFF_REQUIRE_MFA = False  # the queue's pages, not the second factor, are what is checked here
    world = build_world()
    contexts = signed_in_contexts(
        browser, live_server.url, world, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    tabs = {role: context.new_page() for role, context in contexts.items()}
    failures = []
    try:
        for language in LANGUAGES:
            for _name, role, path in world.pages:
                url = f"/{language}/{path}"
                page = tabs[role]
                response = page.goto(url)
                assert response is not None and response.status == 200, f"{url}: {response and response.status}"
                assert page.locator("html").get_attribute("lang") == language, url
                violations = axe_violations(page)
                if violations:
                    failures.append(describe(url, violations))
        # The API's documentation (Swagger UI), outside the language prefix.
        page = tabs["public"]
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".swagger-ui .info")
        violations = axe_violations(page)
        if violations:
            failures.append(describe("/api/v1/docs/", violations))
    finally:
        for context in contexts.values():
            context.close()
    assert not failures, "axe-core found violations:\n" + "\n".join(failures)


def test_the_axe_rules_run_on_our_pages(browser, live_server):
    """The check above cannot pass by checking nothing: on a page with a known fault, axe reports it."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/en/accessibility/")
    page.evaluate("document.querySelector('main h1').insertAdjacentHTML('afterend', '<img src=x.png>')")
    violations = axe_violations(page)
    context.close()
    assert [v["id"] for v in violations] == ["image-alt"], json.dumps(violations)


# WCAG's contrast ratio of two CSS colours "rgb(r, g, b)" (axe leaves disabled controls and
# focus outlines out, so these two are measured here).
CONTRAST = """([a, b]) => {
    const lum = (css) => {
        const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => {
            c /= 255;
            return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
}"""


def test_focus_rings_and_required_commitments_are_legible(browser, live_server):
    world = build_world()
    contexts = signed_in_contexts(browser, live_server.url, world, viewport={"width": 1280, "height": 900})
    try:
        page = contexts["official"].new_page()
        draft_form = next(path for name, _role, path in world.pages if name == "pledge-form")
        page.goto(f"/ar/{draft_form}")

        # The keyboard's focus: a 3px ring at 3:1 or more against the page's white.
        page.keyboard.press("Tab")
        for _ in range(3):
            page.keyboard.press("Tab")
            ring = page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                    return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"""
            )
            assert ring["style"] == "solid" and ring["width"] >= 3, ring
            assert page.evaluate(CONTRAST, [ring["color"], "rgb(255, 255, 255)"]) >= 3

        # A required commitment: ticked, locked, and its label at 4.5:1 or more, not faded.
        required = page.locator(".form-check-input:disabled").first
        assert required.is_checked()
        label = page.locator(f"label[for='{required.get_attribute('id')}']")
        style = label.evaluate("el => ({color: getComputedStyle(el).color, opacity: getComputedStyle(el).opacity})")
        assert style["opacity"] == "1", style
        assert page.evaluate(CONTRAST, [style["color"], "rgb(255, 255, 255)"]) >= 4.5, style
    finally:
        for context in contexts.values():
            context.close()
