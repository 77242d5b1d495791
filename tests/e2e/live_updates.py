"""A click against a live update, for the components fed live data (`keyedChildren` in
softphone_web/js/components/dom.js): the data arrives between the press and the release of a
click, and the click must still land. Chromium fires no `click` when the pressed element was
replaced or moved in the meantime; under load that is how the jurors' and the candidate's
clicks were lost. `update` is a script that feeds the component fresh data, as the live socket
or a fetch would (by default the test page's `window.__update()`)."""

from __future__ import annotations

from typing import Any

UPDATE = "() => window.__update()"

# Every element matched before the update is still in the document afterwards, in the same
# order (new ones may have come in between).
_SAME_AS_BEFORE = """(selector) => {
  const before = window.__keptBefore;
  const after = [...document.querySelectorAll(selector)].filter((node) => before.includes(node));
  return before.length > 0 && before.length === after.length
    && before.every((node, i) => node === after[i]);
}"""


def kept_across(page: Any, selector: str, update: str = UPDATE) -> bool:
    """The elements matching `selector` are the same ones after `update` runs."""
    page.evaluate("(s) => { window.__keptBefore = [...document.querySelectorAll(s)]; }", selector)
    page.evaluate(update)
    return bool(page.evaluate(_SAME_AS_BEFORE, selector))


def press_during(page: Any, target: Any, update: str = UPDATE) -> None:
    """Presses the mouse on `target`'s middle, runs `update`, releases."""
    box = target.bounding_box()
    assert box is not None, "the element to click is not shown"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate(update)
    page.mouse.up()
