"""The policy table lists exactly what the package exposes, and agrees with the handlers' own markings."""
import pytest

from tests.hostile import inventory
from tests.hostile.inventory import AUTHORING, DOWNLOADS, HANDLERS, LEARNER, PUBLIC, STAFF_ONLY, VIEWS


def test_every_installed_block_has_a_scenario():
    assert set(inventory.block_classes()) == set(inventory.BLOCK_XML), \
        "an XBlock entry point without an entry in inventory.BLOCK_XML"


def test_every_handler_is_listed_with_a_policy():
    found = set(inventory.discovered_handlers())
    assert found, "introspection found no handlers at all"
    unlisted = sorted(found - set(HANDLERS))
    gone = sorted(set(HANDLERS) - found)
    assert not unlisted, f"new handler(s) without a policy in tests/hostile/inventory.py: {unlisted}"
    assert not gone, f"listed handler(s) that no longer exist: {gone}"


def test_every_view_is_listed_with_a_policy():
    found = set(inventory.discovered_views())
    assert found
    assert found == set(VIEWS), f"views in elsx.urls: {sorted(found)}; listed: {sorted(VIEWS)}"
    assert set(VIEWS.values()) <= {PUBLIC, STAFF_ONLY, AUTHORING, LEARNER}


@pytest.mark.parametrize("key", sorted(HANDLERS), ids=inventory.ident)
def test_the_json_handler_marking_agrees_with_the_table(key):
    """json_handler records staff_only; the table must not call a staff-only handler anything else."""
    marking = getattr(inventory.discovered_handlers()[key], "elsx_handler", None)
    if key in inventory.GET_JSON:
        assert marking is not None and marking["method"] == "GET"
        assert marking["staff_only"] == (HANDLERS[key] == STAFF_ONLY)
        return
    if key in DOWNLOADS:
        assert marking is None, "a download handler became a JSON handler: move it out of DOWNLOADS"
        return
    if key in inventory.UPLOADS:
        assert marking is not None and marking.get("upload"), f"{key} is not an elsx upload_handler"
        assert marking["method"] == "POST" and marking["staff_only"] == (HANDLERS[key] == STAFF_ONLY)
        return
    assert not (marking or {}).get("upload"), f"{key} takes a file: list it in inventory.UPLOADS"
    assert marking is not None, f"{key} is not an elsx json_handler, so nothing checks who calls it"
    assert marking["method"] == "POST"
    assert marking["staff_only"] == (HANDLERS[key] == STAFF_ONLY)
