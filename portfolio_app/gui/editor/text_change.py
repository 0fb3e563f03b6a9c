"""One edit of a text field as data, and the rule that groups typing into word-sized undo steps.

The editor's boxes report every change as a :class:`TextChange` (where, what was removed, what
was inserted), computed by comparing the text before and after. Undo commands keep these values,
never widgets, and grow while the student types one word: "hello " is one step, "world" the
next; a paste, a replaced selection or a jump elsewhere starts a new step. Pure Python, so the
grouping rule is tested without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextChange:
    """``removed`` was replaced by ``inserted`` at ``position`` (in characters)."""

    position: int
    removed: str
    inserted: str

    @property
    def is_insertion(self) -> bool:
        """Only new text (typing)."""
        return not self.removed and bool(self.inserted)

    @property
    def is_deletion(self) -> bool:
        """Only removed text (Backspace or Delete)."""
        return bool(self.removed) and not self.inserted

    def apply(self, text: str) -> str:
        """``text`` with this change made (raises ValueError when it does not fit the text)."""
        end = self.position + len(self.removed)
        if text[self.position : end] != self.removed:
            raise ValueError("the text changed since")
        return text[: self.position] + self.inserted + text[end:]

    def inverse(self) -> TextChange:
        """The change that undoes this one."""
        return TextChange(self.position, self.inserted, self.removed)


def diff_texts(before: str, after: str) -> TextChange | None:
    """The single change that turns ``before`` into ``after`` (None when they are equal)."""
    if before == after:
        return None
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return TextChange(start, before[start : len(before) - end], after[start : len(after) - end])


def _starts_word(text: str) -> bool:
    return bool(text) and not text[0].isspace()


def merged(first: TextChange, second: TextChange) -> TextChange | None:
    """``first`` then ``second`` as one undo step, or None when they are separate steps.

    Typing continues a step while it extends the same run of text and has not started a new
    word after a space or line break. Backspace and Delete group the same way, a word at a time.
    """
    if len(second.inserted) > 1 or len(second.removed) > 1:
        return None  # a paste or a replaced selection is a step of its own
    if second.is_insertion and first.inserted:
        if second.position != first.position + len(first.inserted):
            return None
        if first.inserted[-1].isspace() and _starts_word(second.inserted):
            return None
        return TextChange(first.position, first.removed, first.inserted + second.inserted)
    if second.is_deletion and first.is_deletion:
        if second.position + len(second.removed) == first.position:  # Backspace
            if first.removed[0].isspace() and _starts_word(second.removed):
                return None
            return TextChange(second.position, second.removed + first.removed, "")
        if second.position == first.position:  # Delete
            if first.removed[-1].isspace() and _starts_word(second.removed):
                return None
            return TextChange(first.position, first.removed + second.removed, "")
    return None
