"""A person filters sites by a region's name, not its code."""

import pytest

pytestmark = pytest.mark.django_db


def test_site_list_filters_by_region_name(demo_users):
    from sitecensus.registry import selectors

    by_name = set(selectors.website_list(demo_users["guoban"], region="涞水县").values_list("name", flat=True))
    by_code = set(selectors.website_list(demo_users["guoban"], region="130623").values_list("name", flat=True))
    assert by_name == by_code and "涞水镇人民政府网站" in by_name and "保定市人民政府" not in by_name
    assert not selectors.website_list(demo_users["guoban"], region="火星").exists()
