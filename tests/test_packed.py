"""PackedStrings gives back exactly the strings it was given, across chunk boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import packed
from framing.engine import ArticleTask, TaskList
from framing.packed import PackedStrings

# Any code point, lone surrogates and characters outside the BMP included: each chunk is a
# plain Python string, so nothing is encoded on the way.
TEXTS = st.lists(st.text(st.characters(exclude_categories=())), max_size=40)


@settings(max_examples=200, deadline=None)
@given(values=TEXTS, chunk=st.integers(1, 7))
def test_every_value_comes_back_exactly(values, chunk):
    old = packed.CHUNK
    packed.CHUNK = chunk
    try:
        p = PackedStrings(values)
        assert len(p) == len(values)
        assert [p[i] for i in range(len(values))] == values
        assert list(p) == values
        assert p[1:-1] == values[1:-1] and p[::2] == values[::2]
        if values:
            assert p[-1] == values[-1]
    finally:
        packed.CHUNK = old


def test_out_of_range_index_raises():
    p = PackedStrings(["甲", "乙"])
    with pytest.raises(IndexError):
        p[2]
    with pytest.raises(IndexError):
        p[-3]


def test_emoji_widens_only_its_own_chunk(monkeypatch):
    monkeypatch.setattr(packed, "CHUNK", 2)
    p = PackedStrings(["策略", "焦慮", "人才😀", "戰爭"])
    assert [len(c) for c in p._chunks] == [4, 5]
    assert p[2] == "人才😀" and p[3] == "戰爭"


def test_task_list_gives_back_the_tasks():
    tasks = [ArticleTask(f"d{i}", f"標題{i}", "內文" * i) for i in range(2500)]
    tl = TaskList(tasks)
    assert len(tl) == 2500
    assert tl[0] == tasks[0] and tl[2499] == tasks[2499] and tl[1023:1026] == tasks[1023:1026]
    assert list(tl) == tasks
