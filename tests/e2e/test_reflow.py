"""Reflow (WCAG 1.4.10): every public page, the official's forms and the campaign team's work
queue fit a 320 px wide screen (a small phone, or 1280 px at 400% zoom) in Arabic (right to
left), French (long words) and English: nothing scrolls sideways. The Arabic and French pages
are saved as screenshots in test-artifacts/ (reflow-<language>-<page>.png) for a person to
look at.
"""

import pytest

from tests.e2e.a11y_pages import build_world, signed_in_contexts

pytestmark = pytest.mark.e2e

WIDTH = 320
LANGUAGES = ("ar", "fr", "en")
SCREENSHOTS = ("ar", "fr")

# The elements that stick out of the screen, to say what to fix when the page is too wide.
WIDE_ELEMENTS = """(width) => {
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
        // What scrolls inside its own box (a wide table in .table-responsive) is allowed.
        // (An absolutely placed element escapes a scroller that is not its containing block.)
        let clipped = false;
        const absolute = getComputedStyle(el).position === "absolute";
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX !== "visible" && !(absolute && style.position === "static")) {
                clipped = true;
                break;
            }
        }
        if (clipped) continue;
        // Only the outermost element that sticks out, not every child inside it.
        if (out.some(o => o.el.contains(el))) continue;
        const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
        const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (classes ? "." + classes : "");
        out.push({el, text: `${name} [${Math.round(box.left)}..${Math.round(box.right)}]`});
    }
    return out.slice(0, 8).map(o => o.text);
}"""


def test_no_page_scrolls_sideways_at_320_px(browser, live_server, artifacts_dir, settings):
    settings.STAFF_REQUIRE_MFA = False  # the queue's layout, not the second factor, is what is checked here
    world = build_world()
    contexts = signed_in_contexts(
        browser, live_server.url, world, viewport={"width": WIDTH, "height": 640}, device_scale_factor=1
    )
    tabs = {role: context.new_page() for role, context in contexts.items()}
    too_wide = []
    try:
        for language in LANGUAGES:
            for name, role, path in world.pages:
                url = f"/{language}/{path}"
                page = tabs[role]
                response = page.goto(url)
                assert response is not None and response.status == 200, f"{url}: {response and response.status}"
                page.wait_for_load_state("networkidle")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > WIDTH:
                    too_wide.append(f"{url}: {scroll_width} px wide; {page.evaluate(WIDE_ELEMENTS, WIDTH)}")
                if language in SCREENSHOTS:
                    page.screenshot(path=str(artifacts_dir / f"reflow-{language}-{name}.png"), full_page=True)
    finally:
        for context in contexts.values():
            context.close()
    assert not too_wide, "pages wider than 320 px:\n" + "\n".join(too_wide)


def test_the_dashboard_headline_figures_are_whole_at_320_px(browser, live_server):
    """The headline figures are not cut: each number fits inside its box."""
    build_world()
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 640})
    page = context.new_page()
    try:
        for language in ("ar", "fr"):
            page.goto(f"/{language}/dashboard/")
            boxes = page.locator(".headline-figures .figure-box")
            assert boxes.count() >= 3
            for box in boxes.all():
                cut = box.evaluate(
                    """box => [...box.querySelectorAll("dt, dd, data")].some(
                        el => el.scrollWidth > el.clientWidth + 1
                            || el.getBoundingClientRect().right > box.getBoundingClientRect().right + 1
                            || el.getBoundingClientRect().left < box.getBoundingClientRect().left - 1)"""
                )
                assert not cut, f"/{language}/dashboard/: {box.inner_text()!r} is cut"
    finally:
        context.close()
