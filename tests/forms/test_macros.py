"""The macros in forms/fields.html rendered on their own, in the app's Jinja environment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
import pytest
from fastapi import FastAPI
from markupsafe import Markup

from shipyard.forms import FormResult
from shipyard.web.templates import get_templates, register_template_global

from .conftest import Color, PostForm


def render(source: str, **context: Any) -> str:
    app = FastAPI()
    return _render(app, source, context)


def _render(app: FastAPI, source: str, context: dict[str, Any]) -> str:
    env = get_templates(app).env
    template = env.from_string('{% import "forms/fields.html" as f with context %}' + source)
    return template.render(context)


@pytest.mark.parametrize(
    ("macro", "html_type"),
    [
        ("text", "text"),
        ("email", "email"),
        ("number", "number"),
        ("date", "date"),
        ("datetime", "datetime-local"),
        ("time", "time"),
    ],
)
def test_input_macros_render_label_type_and_value(macro: str, html_type: str) -> None:
    html = render(f'{{{{ f.{macro}("thing", label="The thing", value="v1", required=true) }}}}')
    assert '<label for="field-thing">The thing <span class="required"' in html
    assert f'type="{html_type}"' in html
    assert 'value="v1"' in html
    assert 'required=""' in html


def test_password_macro_never_renders_a_value() -> None:
    html = render('{{ f.password("pw", value="s3cret") }}')
    assert 'type="password"' in html
    assert "s3cret" not in html


def test_help_and_errors_are_linked_by_aria() -> None:
    html = render('{{ f.text("name", help="Your full name", errors=["Too short", "<b>bad</b>"]) }}')
    assert '<p class="field-help" id="field-name-help">Your full name</p>' in html
    assert 'aria-describedby="field-name-help field-name-error"' in html
    assert 'aria-invalid="true"' in html
    assert '<p class="field-error">Too short</p>' in html
    assert "&lt;b&gt;bad&lt;/b&gt;" in html


def test_extra_attributes_pass_through_escaped() -> None:
    html = render(
        '{{ f.text("q", hx_post="/search", hx_target="#results", hx_trigger="keyup changed",'
        " hx_vals=vals, autofocus=true, disabled=false,"
        ' attrs={"data-x": "1", "class": "wide"}) }}',
        vals='{"a": "\\"><script>"}',
    )
    assert 'hx-post="/search"' in html
    assert 'hx-target="#results"' in html
    assert 'hx-trigger="keyup changed"' in html
    assert 'hx-vals="{&#34;a&#34;: &#34;\\&#34;&gt;&lt;script&gt;&#34;}"' in html
    assert 'autofocus=""' in html
    assert "disabled" not in html
    assert 'data-x="1"' in html
    assert 'class="wide"' in html


def test_attribute_names_that_could_break_out_are_refused() -> None:
    with pytest.raises(ValueError, match="Invalid character in attribute name"):
        render('{{ f.text("q", attrs={"x onmouseover=alert(1)": "y"}) }}')


def test_textarea_escapes_its_content() -> None:
    html = render('{{ f.textarea("body", value="</textarea><script>x</script>") }}')
    assert "&lt;/textarea&gt;&lt;script&gt;" in html
    assert "<script>" not in html


def test_select_with_pairs_mapping_and_plain_values() -> None:
    pairs = render('{{ f.select("c", choices=[("1", "One"), ("2", "Two")], value="2") }}')
    assert '<option value="2" selected="">Two</option>' in pairs
    assert '<option value="">' in pairs
    mapping = render('{{ f.select("c", choices={"a": "A"}, value="a", required=true) }}')
    assert '<option value="a" selected="">A</option>' in mapping
    assert '<option value="">' not in mapping
    plain = render('{{ f.multiselect("c", choices=["x", "y", 3], value=["y", "3"]) }}')
    assert "multiple" in plain
    assert '<option value="y" selected="">y</option>' in plain
    assert '<option value="3" selected="">3</option>' in plain
    assert '<option value="x">x</option>' in plain


def test_radio_group_and_checkbox_group() -> None:
    radio = render('{{ f.radio("size", choices=["s", "m"], value="m", label="Size") }}')
    assert "<legend>Size</legend>" in radio
    assert 'id="field-size-1" name="size" value="s">' in radio
    assert 'id="field-size-2" name="size" value="m" checked="">' in radio
    group = render('{{ f.checkboxes("t", choices=["a", "b", "c"], value=["a", "c"]) }}')
    assert group.count('checked=""') == 2
    assert group.count('type="checkbox"') == 3


@pytest.mark.parametrize(("value", "checked"), [(True, True), ("on", True), (False, False)])
def test_checkbox_checked_state(value: object, checked: bool) -> None:
    html = render('{{ f.checkbox("agree", value=value) }}', value=value)
    assert ('checked=""' in html) is checked
    assert 'value="on"' in html


def test_file_input_multiple_and_accept() -> None:
    html = render('{{ f.file("photos", multiple=true, accept="image/*", value="x.png") }}')
    assert 'type="file"' in html
    assert 'multiple=""' in html
    assert 'accept="image/*"' in html
    assert "x.png" not in html


def test_hidden_input_has_no_label() -> None:
    html = render('{{ f.hidden("next", value="/posts?a=1&b=2") }}')
    assert (
        html.strip()
        == '<input type="hidden" id="field-next" name="next" value="/posts?a=1&amp;b=2">'
    )


def test_csrf_field_is_added_only_when_registered() -> None:
    source = '{% call f.form(action="/x") %}body{% endcall %}'
    assert "csrf" not in render(source)
    app = FastAPI()
    register_template_global(
        app,
        "csrf_field",
        jinja2.pass_context(
            lambda ctx: Markup('<input type="hidden" name="csrf_token" value="{}">').format(
                ctx["token"]
            )
        ),
    )
    html = _render(app, source, {"token": "tok-123", "request": object()})
    assert (
        '<form action="/x" method="post"><input type="hidden" name="csrf_token" value="tok-123">'
        in html
    )


def test_form_macro_fields_derived_from_the_result() -> None:
    form = FormResult.blank(
        PostForm,
        {"title": "Edit me", "day": dt.date(2026, 1, 2), "tags": [Color.GREEN], "password": "x"},
    )
    html = render('{{ f.field("title", form=form) }}{{ f.field("day", form=form) }}', form=form)
    assert 'value="Edit me"' in html
    assert 'minlength="3" maxlength="80"' in html
    assert 'value="2026-01-02"' in html
    assert "A short title" in html


def test_auto_form_renders_every_field() -> None:
    form = FormResult.blank(PostForm, PostForm(title="Hello", tags=[Color.GREEN], count=3))
    html = render('{{ f.auto_form(form, action="/posts", hx_post="/posts") }}', form=form)
    assert html.count('<div class="field ') == len(form.fields)
    assert (
        '<form action="/posts" method="post" enctype="multipart/form-data" hx-post="/posts">'
        in html
    )
    assert '<option value="green" selected="">Green</option>' in html
    assert '<textarea id="field-body" name="body"></textarea>' in html
    assert 'type="file" multiple=""' in html
    assert '<button type="submit">Save</button>' in html


def test_csrf_field_without_request_leaves_a_hint() -> None:
    app = FastAPI()
    register_template_global(app, "csrf_field", jinja2.pass_context(lambda ctx: ctx["request"]))
    template = get_templates(app).env.from_string(
        '{% import "forms/fields.html" as f %}{% call f.form() %}{% endcall %}'
    )
    assert 'import "forms/fields.html" with context' in template.render(request=object())
