"""Typing becomes undo steps of about a word; the change arithmetic is exact."""

from __future__ import annotations

import random

from portfolio_app.gui.editor.text_change import TextChange, diff_texts, merged


def _type(text: str) -> list[TextChange]:
    """Steps as the undo stack would keep them after typing ``text`` one key at a time."""
    steps: list[TextChange] = []
    before = ""
    for character in text:
        after = before + character
        change = diff_texts(before, after)
        assert change is not None
        combined = merged(steps[-1], change) if steps else None
        if combined is None:
            steps.append(change)
        else:
            steps[-1] = combined
        before = after
    return steps


def test_typing_groups_into_words_with_their_following_space() -> None:
    steps = _type("hello world, again\nnext")
    assert [s.inserted for s in steps] == ["hello ", "world, ", "again\n", "next"]


def test_backspace_groups_a_word_at_a_time() -> None:
    text = "hello world"
    steps: list[TextChange] = []
    while text:
        change = diff_texts(text, text[:-1])
        assert change is not None
        combined = merged(steps[-1], change) if steps else None
        if combined is None:
            steps.append(change)
        else:
            steps[-1] = combined
        text = text[:-1]
    assert [s.removed for s in steps] == [" world", "hello"]


def test_a_paste_or_a_jump_elsewhere_is_a_step_of_its_own() -> None:
    first = TextChange(0, "", "abc")
    assert merged(first, TextChange(3, "", "pasted text")) is None
    assert merged(first, TextChange(1, "", "x")) is None
    assert merged(first, TextChange(3, "", "d")) == TextChange(0, "", "abcd")


def test_inverse_undoes_and_apply_refuses_the_wrong_text() -> None:
    change = TextChange(6, "world", "team")
    assert change.apply("hello world!") == "hello team!"
    assert change.inverse().apply("hello team!") == "hello world!"
    try:
        change.apply("hello there!")
    except ValueError:
        pass
    else:
        raise AssertionError("a change must not apply to text it does not fit")


def test_diff_then_apply_gives_the_new_text() -> None:
    rng = random.Random(20261129)
    alphabet = "aab \nééx"
    for _ in range(3000):
        before = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        after = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        change = diff_texts(before, after)
        if before == after:
            assert change is None
        else:
            assert change is not None
            assert change.apply(before) == after
            assert change.inverse().apply(after) == before
