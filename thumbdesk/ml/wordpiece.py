"""A plain BERT WordPiece tokenizer (uncased), reading the model's ``vocab.txt``.

Does what the ``tokenizers`` file of all-MiniLM-L6-v2 specifies (BertNormalizer with
clean_text, handle_chinese_chars and lowercase, accents stripped because lowercase is on;
BertPreTokenizer; WordPiece with "##" continuations and [UNK] for a word it cannot split;
[CLS] ... [SEP]), in ~80 lines of pure Python instead of a dependency that pulls in a model
hub client. ``scripts/models_text_encoder.py`` checks it gives the same ids as ``tokenizers``
on the whole topic vocabulary, the ImageNet labels and awkward strings at build time.
"""

from __future__ import annotations

import unicodedata

UNK, CLS, SEP = "[UNK]", "[CLS]", "[SEP]"
MAX_WORD_CHARS = 100


class WordPiece:
    """``ids(text)``: token ids with [CLS] and [SEP], at most ``max_tokens`` of them."""

    def __init__(self, vocab_text: str, max_tokens: int = 256) -> None:
        self.tokens = vocab_text.splitlines()
        self.vocab = {t: i for i, t in enumerate(self.tokens) if t}
        for special in (UNK, CLS, SEP):
            if special not in self.vocab:
                raise ValueError(f"vocabulary has no {special}")
        self.max_tokens = max_tokens

    def ids(self, text: str) -> list[int]:
        """Token ids of ``text`` (truncated like the reference: [CLS] + pieces + [SEP])."""
        pieces: list[int] = []
        for word in pretokenize(normalize(text)):
            pieces.extend(self._word_ids(word))
        pieces = pieces[: self.max_tokens - 2]
        return [self.vocab[CLS], *pieces, self.vocab[SEP]]

    def pieces(self, text: str) -> list[str]:
        """The WordPiece tokens of ``text`` (no [CLS] / [SEP]), e.g. fireplace, ##s."""
        tokens = self.tokens
        return [tokens[i] for i in self.ids(text)[1:-1]]

    def _word_ids(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.vocab[UNK]]
        out: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                idx = self.vocab.get(piece)
                if idx is not None:
                    out.append(idx)
                    break
                end -= 1
            else:
                return [self.vocab[UNK]]  # one unsplittable part makes the whole word unknown
            start = end
        return out


def normalize(text: str) -> str:
    """Clean control characters, space out CJK ideographs, strip accents, lower-case."""
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp in (0, 0xFFFD) or _is_control(ch):
            continue
        if _is_cjk(cp):
            out.extend((" ", ch, " "))
        elif _is_whitespace(ch):
            out.append(" ")
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFD", "".join(out))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.lower()


def pretokenize(text: str) -> list[str]:
    """Split on whitespace, and make every punctuation character a word of its own."""
    words: list[str] = []
    for chunk in text.split():
        current: list[str] = []
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )
