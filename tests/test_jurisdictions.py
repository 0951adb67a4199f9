"""The one jurisdiction helper: what a code covers, in Python, and the boundary check of a code."""

import pytest

from triggers.jurisdictions import RegionCodeError, depth, is_under, normalise_region, prefix


@pytest.mark.parametrize(
    ("code", "jurisdiction", "under"),
    [
        ("654321", "654300", True),  # a county of the prefecture
        ("654300", "654300", True),  # the prefecture itself
        ("654300-KNS", "654300", True),  # a non-standard unit of the prefecture
        ("654321", "650000", True),
        ("654321", "000000", True),  # the nation covers everything
        ("000000", "000000", True),
        ("654321", "654321", True),
        ("654322", "654321", False),  # a county covers only itself
        ("654300", "654321", False),  # nor its prefecture
        ("654121", "654300", False),  # 伊犁 is not 阿勒泰 although both start 654
        ("654300", "654300-KNS", False),  # a unit covers only itself
        ("654300-KNS", "654300-KNS", True),
        ("110101", "110100", True),  # 北京市市辖区 (1101) covers 东城区
        ("110201", "110100", False),
        ("654321", "6543", True),  # a bare prefix (channel files allow them) works too
    ],
)
def test_is_under(code, jurisdiction, under):
    assert is_under(code, jurisdiction) is under


@pytest.mark.parametrize(
    ("code", "expected_prefix", "expected_depth"),
    [
        ("000000", "", 0),
        ("650000", "65", 2),
        ("654300", "6543", 4),
        ("654321", "654321", 6),
        ("110100", "1101", 4),
        ("654300-KNS", "654300-KNS", 10),
    ],
)
def test_prefix_and_depth(code, expected_prefix, expected_depth):
    assert prefix(code) == expected_prefix
    assert depth(code) == expected_depth


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("654300", "654300"),
        (" 654321\n", "654321"),
        ("654300-KNS", "654300-KNS"),
        ("654300-kns", "654300-KNS"),
        ("000000", "000000"),
    ],
)
def test_normalise_region_keeps_codes(text, code):
    assert normalise_region(text) == code


@pytest.mark.parametrize(
    "text", ["6543", "65430", "6543000", "阿勒泰", "", " ", "654300-", "65430a"]
)
def test_normalise_region_refuses_what_is_not_a_code(text):
    with pytest.raises(RegionCodeError) as raised:
        normalise_region(text)
    message = str(raised.value)
    assert "地区代码应为 6 位数字" in message and "region code is 6 digits" in message
    assert repr(text) in message
