"""
Words a reader's search takes as standing for others: the desk's recurring
words (killed, died, dead, deaths; casualties for the killed or wounded;
사망, 전사), which editors extend in the admin without a deploy.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.choices import Language
from claims.constraints import no_control_characters


def listed_words(text):
    """The words of a comma-separated list, trimmed, in order, without repeats."""
    words = []
    for word in (text or "").split(","):
        word = " ".join(word.split())
        if word and word not in words:
            words.append(word)
    return words


class RelatedWords(models.Model):
    """
    A set of words that stand for one another in a search (a claim that
    uses any of them is found by each), or, given a `wider` word, a set that
    word stands for: "casualties" finds claims saying "killed" or "wounded",
    but "killed" does not find "casualties".
    """

    language = models.CharField(
        max_length=8, choices=Language, default=Language.ENGLISH, verbose_name=_("language")
    )
    words = models.CharField(
        max_length=500,
        validators=[no_control_characters],
        help_text="Single words, separated by commas: “killed, died, dead, deaths”.",
        verbose_name=_("words"),
    )
    wider = models.CharField(
        "wider word",
        max_length=100,
        blank=True,
        validators=[no_control_characters],
        help_text="Optional: one word that stands for all of them, but not the other way "
        "round: “casualties”.",
    )

    class Meta:
        verbose_name = _("related words")
        verbose_name_plural = _("related words")
        ordering = ["language", "wider", "words"]

    def __str__(self):
        words = ", ".join(listed_words(self.words))
        return f"{self.wider}: {words}" if self.wider else words

    def clean(self):
        words = listed_words(self.words)
        if any(" " in word for word in [*words, self.wider.strip()]):
            raise ValidationError("One word each: a search matches words, not phrases.")
        if len(words) < (1 if self.wider.strip() else 2):
            raise ValidationError(
                {"words": "Give at least two words, or one and a wider word that stands for it."}
            )
        self.words = ", ".join(words)
        self.wider = self.wider.strip()
