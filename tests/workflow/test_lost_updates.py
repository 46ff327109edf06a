"""
Two editors saving the same row: the second, stale save is refused rather
than silently reverting the first's change, keeps what was typed, and says so
at the top of the page. Every admin form of a row readers see carries a digest
of the row (and of its inline rows) as it was when opened.
"""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from claims.models import Affiliation, Article, Figure, Source, Topic
from tests.factories import as_post_data, page_text, submitted_fields
from tests.seed import AFFILIATION, ARTICLE, FIGURE, SOURCE, TOPIC


def change_url(row):
    return reverse(f"admin:claims_{row._meta.model_name}_change", args=[row.pk])


def opened(client, row):
    """The fields of `row`'s change form as a browser has them, opened now."""
    return submitted_fields(client.get(change_url(row)), f"{row._meta.model_name}_form")


ROWS = {
    # model, slug, the first editor's change, the second editor's change
    "source": (Source, SOURCE.nis, {"name": "NIS (South Korea)"}, {"reliability": "B"}),
    "affiliation": (
        Affiliation,
        AFFILIATION.russia,
        {"name": "Government of Russia"},
        {"name": "The Kremlin"},
    ),
    "article": (
        Article,
        ARTICLE.nis_casualties,
        {"title": "The NIS counts the casualties"},
        {"url": "https://example.org/elsewhere"},
    ),
    "topic": (Topic, TOPIC.north_korea_russia, {"name": "Pyongyang and Moscow"}, {"name": "War"}),
    "figure": (
        Figure,
        FIGURE.casualties,
        {"definition": "Killed or wounded, as stated."},
        {"short_name": "casualties so far"},
    ),
}


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("kind", ROWS)
def test_a_stale_save_is_refused_and_keeps_what_was_typed(seed, client, editor, reviewer, kind):
    model, slug, first_change, second_change = ROWS[kind]
    row = model.objects.get(slug=slug)
    client.force_login(editor)
    alices_form = opened(client, row)
    client.force_login(reviewer)
    bobs_form = opened(client, row)
    response = client.post(change_url(row), as_post_data(bobs_form, **first_change))
    assert response.status_code == 302
    client.force_login(editor)
    response = client.post(change_url(row), as_post_data(alices_form, **second_change))
    assert response.status_code == 200
    name = model._meta.verbose_name
    content = response.content.decode()
    top = content[: content.index(f'id="{model._meta.model_name}_form"')]
    top = page_text(HttpResponse(top[top.index('class="errornote error-summary"') :]))
    assert (
        f"Nothing was changed. Correct this, then try again. Everything you typed is still "
        f"below. This {name} was changed by someone else since you opened it."
    ) in top
    ((field, typed),) = second_change.items()
    assert response.context["adminform"].form[field].value() == typed
    # The first editor's change stands; nothing of the second's was saved.
    expected = {field: getattr(row, field) for field in second_change} | first_change
    stored = model.objects.get(pk=row.pk)
    assert {field: getattr(stored, field) for field in expected} == expected


@pytest.mark.parametrize("kind", ROWS)
def test_a_form_opened_after_the_change_saves(seed, client, editor, reviewer, kind):
    model, slug, first_change, second_change = ROWS[kind]
    row = model.objects.get(slug=slug)
    client.force_login(reviewer)
    client.post(change_url(row), as_post_data(opened(client, row), **first_change))
    client.force_login(editor)
    response = client.post(change_url(row), as_post_data(opened(client, row), **second_change))
    assert response.status_code == 302
    stored = model.objects.get(pk=row.pk)
    for field, value in {**first_change, **second_change}.items():
        assert getattr(stored, field) == value


def estimate_row(fields, estimate):
    """The prefix of `estimate`'s inline row on its figure's form."""
    for name, value in fields:
        if name.startswith("estimates-") and name.endswith("-id") and value == str(estimate.pk):
            return name.removesuffix("-id")
    raise AssertionError(f"{estimate} is not on its figure's form")


def test_an_estimate_changed_since_the_figure_was_opened_refuses_the_stale_save(
    seed, client, editor, reviewer
):
    figure = Figure.objects.get(slug=FIGURE.casualties)
    estimate = figure.estimates.get(low=4700)
    client.force_login(editor)
    alices_form = opened(client, figure)
    client.force_login(reviewer)
    bobs_form = opened(client, figure)
    row = estimate_row(bobs_form, estimate)
    response = client.post(change_url(figure), as_post_data(bobs_form, **{f"{row}-low": "4800"}))
    assert response.status_code == 302
    # Alice only meant to change the definition, but her form still says 4,700:
    # saved, it would put the old value back.
    client.force_login(editor)
    response = client.post(
        change_url(figure), as_post_data(alices_form, definition="Killed or wounded.")
    )
    assert response.status_code == 200
    assert "This figure was changed by someone else since you opened it." in page_text(response)
    assert "Killed or wounded.</textarea>" in response.content.decode()
    stored = Figure.objects.get(pk=figure.pk)
    assert stored.definition == figure.definition
    assert stored.estimates.get(pk=estimate.pk).low == 4800


def test_a_save_without_the_digest_is_refused(seed, client, editor):
    source = Source.objects.get(slug=SOURCE.nis)
    client.force_login(editor)
    data = as_post_data(opened(client, source), name="Renamed by a script", row_digest="")
    response = client.post(change_url(source), data)
    assert response.status_code == 200
    assert "This source was changed by someone else since you opened it." in page_text(response)
    assert Source.objects.get(pk=source.pk).name == source.name
