"""What a visitor does on the education site: search, jump through contents, use the keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Visit


def test_a_visitor_searches_from_the_header(visit: Visit) -> None:
    visit.open("/")
    visit.page.get_by_label("Search the articles").fill("pregnancy")
    visit.page.get_by_label("Search the articles").press("Enter")
    expect(visit.page).to_have_url(re.compile(r"/search/\?q=pregnancy$"))
    expect(visit.page.get_by_role("status")).to_contain_text("“pregnancy”")
    first = visit.page.locator(".results h2 a").first
    expect(first).to_be_visible()
    expect(visit.page.locator(".results mark").first).to_be_visible()
    first.click()
    expect(visit.page.locator("h1")).to_be_visible()
    assert "/learn/" in visit.page.url


def test_the_contents_jump_to_their_section(visit: Visit) -> None:
    visit.open("/learn/treatment/")
    contents = visit.page.get_by_role("navigation", name="On this page")
    link = contents.get_by_role("link").nth(1)
    target = link.get_attribute("href")
    assert target is not None
    link.click()
    expect(visit.page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(visit.page.locator(target)).to_be_in_viewport()


def test_the_skip_link_is_the_first_stop_for_the_keyboard(visit: Visit) -> None:
    visit.open("/learn/withdrawal/")
    visit.page.keyboard.press("Tab")
    skip = visit.page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    visit.page.keyboard.press("Enter")
    expect(visit.page).to_have_url(re.compile(r"#main$"))


def test_a_search_without_words_explains_itself(visit: Visit) -> None:
    visit.open("/search/")
    visit.page.get_by_label("Words to search for").fill("???")
    visit.page.get_by_label("Words to search for").press("Enter")
    expect(visit.page.get_by_role("alert")).to_have_text(
        "Please type at least one word to search for."
    )
