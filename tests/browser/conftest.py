"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core checks, screenshots.

Playwright's own browser download does not work here (no network): the tests drive
/usr/bin/chromium, which scripts/system-deps.sh installs. Every request to anything but
the live test server is aborted, so no page can load from the internet unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.screenshots import SCREENSHOTS
from tests.personas import PASSWORD, World, make_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
BLOCKING_IMPACTS = {"serious", "critical"}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the browser tests, closed when the last of them has run.

    Playwright's sync API keeps an event loop running in the test thread while it is
    open, and Django's ORM refuses to run beside one unless DJANGO_ALLOW_ASYNC_UNSAFE is
    set. It is safe here (the loop only drives the browser), so the switch is on for
    exactly as long as Playwright is: not for the core or web tests, before or after.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/system-deps.sh (installs Debian's chromium)"
        )
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv(ASYNC_UNSAFE, "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One browser tab at one viewport, recording what went wrong while it was open."""

    page: Page
    viewport: str
    base_url: str
    problems: list[str] = field(default_factory=list)

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}"

    def check_accessibility(self, upstream: frozenset[str] = frozenset()) -> None:
        """axe-core inside the page: no serious or critical violations.

        ``upstream`` names rules a third-party page we serve but do not write (Swagger
        UI) is known to break; each use says why, and they are listed in the notes.
        """
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in BLOCKING_IMPACTS and v["id"] not in upstream
        ]
        assert blocking == [], "\n".join(blocking)

    def overflow_px(self) -> int:
        """How far the page is wider than the screen it was opened on.

        Measured against the configured width: on a phone, Chromium widens its layout
        viewport (and window.innerWidth) to fit a page that is too wide.
        """
        # A locator can match before the stylesheet and images have loaded; measuring
        # then sees an unstyled page (a chart at its natural width), so wait for "load".
        self.page.wait_for_load_state("load")
        width = VIEWPORTS[self.viewport]["width"]
        return int(self.page.evaluate("document.documentElement.scrollWidth")) - width

    def screenshot(self, name: str, *, upstream_layout: bool = False) -> Path:
        """Save the whole page to var/screenshots/; first check that nothing spills sideways.

        ``upstream_layout``: a third-party page (Swagger UI) whose layout is not ours.
        """
        if not upstream_layout:
            overflow = self.overflow_px()
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def open_tab(browser: Browser, viewport: str, base_url: str) -> Iterator[Visit]:
    """A fresh browser context (its own cookies: one person signed in) with one tab at
    ``viewport``; on leaving, the context is closed and nothing may have gone wrong in it.

    The ``visit`` fixture is one of these; a test that needs two people at once (a
    prescriber and their patient) opens a second one with the same viewport.
    """
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        device_scale_factor=1,
        service_workers="block",
    )
    tab = Visit(page=context.new_page(), viewport=viewport, base_url=base_url)

    def only_local(route: object) -> None:
        request_url = route.request.url  # type: ignore[attr-defined]
        if request_url.startswith((base_url, "data:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            tab.problems.append(f"blocked external request: {request_url}")
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", only_local)
    tab.page.on("pageerror", lambda exc: tab.problems.append(f"page error: {exc}"))
    tab.page.on(
        "console",
        lambda msg: (
            tab.problems.append(f"console {msg.type}: {msg.text}")
            # A document's own 4xx is asserted by open(); other failed loads by "response".
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.page.on(
        "response",
        lambda r: (
            tab.problems.append(f"HTTP {r.status} for {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
    assert tab.problems == []


@pytest.fixture(params=sorted(VIEWPORTS))
def visit(request: pytest.FixtureRequest, browser: Browser, live_server: object) -> Iterator[Visit]:
    with open_tab(browser, request.param, str(live_server.url)) as tab:  # type: ignore[attr-defined]
        yield tab


@pytest.fixture
def world(transactional_db: None) -> World:
    """The shared personas, in the database the live server reads."""
    return make_world()


def sign_in(visit: Visit, username: str) -> None:
    """Sign in through the login page, as a person does."""
    visit.open("/accounts/login/")
    visit.page.get_by_label("Username").fill(username)
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.page.get_by_role("button", name="Sign in").click()
