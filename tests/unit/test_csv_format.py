"""The CSV cells of api/csv_format.py: as strict as JSON bodies, and what is written reads back."""

from __future__ import annotations

import pytest

from api.csv_format import cell_text, cell_value, columns
from api.students import PlacementRequestSchema, StudentSchema
from placements.imports import column_of


def test_columns_follow_the_schema_with_objects_dotted():
    cols = {c.name: c for c in columns(StudentSchema())}
    assert list(cols)[:6] == ["id", "version", "college", "name", "home.lat", "home.lon"]
    assert cols["home.lat"].required and cols["name"].required
    assert not cols["max_travel_km"].required and cols["id"].server_set
    assert "unplaced.reason" in {c.name for c in columns(PlacementRequestSchema())}


@pytest.mark.parametrize(("name", "cell", "value"), [
    ("required_hours", "120", 120),
    ("preferred_sites", "s1; s2;", ["s1", "s2"]),
    ("group", "'=cohort", "=cohort"),
])
def test_cells_become_the_json_values(name, cell, value):
    field = PlacementRequestSchema().fields[name]
    assert cell_value(field, cell) == value


@pytest.mark.parametrize(("name", "cell"), [
    ("required_hours", "120.0"), ("required_hours", "12O"), ("required_hours", "1" * 40),
])
def test_a_fraction_or_text_is_no_whole_number(name, cell):
    with pytest.raises(ValueError, match="whole number"):
        cell_value(PlacementRequestSchema().fields[name], cell)


def test_numbers_and_json_cells_are_strict():
    fields = StudentSchema().fields
    with pytest.raises(ValueError, match="number"):
        cell_value(fields["max_travel_km"], "nan")
    with pytest.raises(ValueError, match="JSON"):
        cell_value(fields["unavailable"], "[{")
    with pytest.raises(ValueError, match="no field can hold"):
        cell_value(fields["unavailable"], '[{"weekdays": ["0"], "start": "08:00"}]')


@pytest.mark.parametrize("value", [["BLS", "TB"], [0, 3], "=SUM(A1)", "-Ana", "plain"])
def test_what_is_written_reads_back(value):
    field = (StudentSchema().fields["credentials"] if value == ["BLS", "TB"]
             else PlacementRequestSchema().fields["group"] if isinstance(value, str)
             else StudentSchema().fields["unavailable"].inner.schema.fields["weekdays"])
    assert cell_value(field, cell_text(value)) == value


def test_error_paths_name_the_column_and_the_item():
    assert column_of("home.lat") == ("home.lat", "")
    assert column_of("preferred_sites.1") == ("preferred_sites", "item 2: ")
    assert column_of("unavailable[0]") == ("unavailable", "item 1: ")
    assert column_of("unavailable.0.start") == ("unavailable", "item 1: start: ")
