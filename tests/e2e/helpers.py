"""Small helpers for browser journeys: signing in through the real form, numbered screenshots."""

import io
from pathlib import Path

from pypdf import PdfWriter

LOGIN_PATH = "/en/accounts/login/"


def log_in(page, email: str, password: str, *, expect_path: str = "**/en/accounts/profile/"):
    """Sign in through allauth's login form, as a person would."""
    page.goto(LOGIN_PATH)
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(expect_path)


class Shooter:
    """shoot(page, "step") saves test-artifacts/<prefix>-NN-step.png, numbered across browser contexts."""

    def __init__(self, folder: Path, prefix: str):
        self.folder = folder
        self.prefix = prefix
        self.count = 0
        self.paths: list[Path] = []

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.paths.append(path)
        return path


def write_pdf(path: Path, *, pages: int = 1) -> Path:
    """A real (blank) PDF made with pypdf, for upload fields."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def new_tab(browser, base_url: str):
    """A second person's browser: its own context (cookies), same size and language as ``page``."""
    context = browser.new_context(base_url=base_url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()
