"""Strings packed into a few large ones, read back one by one (the engine's task list).

Why: the local workers of :mod:`framing.engine` are forked from the process that loaded the
corpus. A page of memory stays shared between a parent and its forked children only as long
as nobody writes to it, and CPython writes to an object whenever it takes or drops a
reference to it. Sending an article to a worker pickles its text, its id and its cache key,
so each of those objects' pages would be copied into the parent as its article is sent: on a
large corpus the texts would end up held twice, once shared with the workers and once in the
parent (about 200 MB at 100,000 articles). :class:`PackedStrings` keeps many strings as
slices of a few large ones, which are only ever read: each value is a new object made on
demand and dropped once sent.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

#: Strings per packed chunk. A chunk is one Python string, so one character outside the
#: Basic Multilingual Plane (an emoji) makes only its own chunk take 4 bytes a character.
CHUNK = 1024


class PackedStrings(Sequence[str]):
    """An immutable sequence of strings stored as chunks of :data:`CHUNK` joined strings.

    Parameters
    ----------
    values : iterable of str
        The strings, in order; each is read back exactly (``packed[i] == values[i]``).
    """

    def __init__(self, values: Iterable[str]) -> None:
        self._chunks: list[str] = []
        self._ends = array("q")  # end of each string within its chunk
        part: list[str] = []
        end = 0
        for value in values:
            part.append(value)
            end += len(value)
            self._ends.append(end)
            if len(part) == CHUNK:
                self._chunks.append("".join(part))
                part, end = [], 0
        if part:
            self._chunks.append("".join(part))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self._ends)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("PackedStrings index out of range")
        start = self._ends[index - 1] if index % CHUNK else 0
        return self._chunks[index // CHUNK][start : self._ends[index]]

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

