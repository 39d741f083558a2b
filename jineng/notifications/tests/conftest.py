from __future__ import annotations

import pytest

from jineng.learning.tests import factories


@pytest.fixture
def learner(regions):
    return factories.make_learner(name="王小明")


@pytest.fixture
def other_learner(regions):
    return factories.make_learner(name="李小红")
