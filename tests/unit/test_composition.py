"""The application is composed, not mixed in: one unit of work and one service per area.

A service reaches persistence only through `self.uow` and another area only through a service it
was given when PlacementsApp was built, so the dependencies between areas are the lines of
PlacementsApp.__init__. These tests read the code (no database).
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from placements.app import PlacementsApp
from placements.base import AreaService, UnitOfWork


def services() -> dict[str, type[AreaService]]:
    return {k: v for k, v in inspect.get_annotations(PlacementsApp, eval_str=True).items()
            if isinstance(v, type) and issubclass(v, AreaService)}


def test_every_area_is_a_service_on_the_app_and_no_service_is_a_mixin():
    found = services()
    assert {"workflow", "capacity", "students", "solves", "apprenticeship"} <= set(found)
    assert PlacementsApp.__mro__[1] is UnitOfWork  # nothing mixed into the application
    for cls in found.values():
        assert cls.__mro__[1] is AreaService, f"{cls.__name__} derives from another service"


def test_a_service_uses_only_its_own_members_the_unit_of_work_and_the_services_it_was_given():
    for cls in services().values():
        given = set(inspect.signature(cls.__init__).parameters) - {"self"}
        own = set(vars(cls))
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "self"):
                assert node.attr in own | given, (
                    f"{cls.__name__} uses self.{node.attr}: neither its own, nor the unit of "
                    f"work (self.uow), nor a service given to it ({sorted(given)})")


def test_the_services_are_built_once_and_share_the_one_unit_of_work(sqlite_url):
    from placements.settings import Settings

    app = PlacementsApp(Settings(database_url=sqlite_url))
    try:
        for area in services():
            assert getattr(app, area).uow is app
        assert app.clinical_hours.workflow is app.workflow
        assert app.names.apprenticeship is app.apprenticeship
    finally:
        app.engine.dispose()
