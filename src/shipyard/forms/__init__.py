"""Pydantic models as HTML forms: parse, validate, re-render with errors inline.

Owns form parsing (:mod:`.parsing`), field descriptions (:mod:`.fields`), the result a
handler and template share (:mod:`.result`), the dependency (:mod:`.dependency`) and the
422 re-render (:mod:`.response`). The Jinja macros live in ``templates/forms/fields.html``.
Not owned here: CSRF (``shipyard.security``) and page/fragment rendering (``shipyard.web``).

::

    PostFormDep = Annotated[FormResult[PostForm], Depends(form_of(PostForm))]

    @router.post("/posts")
    async def create(request: Request, form: PostFormDep) -> Response:
        if not form.is_valid:
            return form_response(request, "posts/new.html", {}, form)
        post = form.data
"""

from shipyard.forms.dependency import form_of
from shipyard.forms.fields import FieldSpec, Widget, describe
from shipyard.forms.parsing import FormLimits
from shipyard.forms.response import form_response
from shipyard.forms.result import FormResult

__all__ = [
    "FieldSpec",
    "FormLimits",
    "FormResult",
    "Widget",
    "describe",
    "form_of",
    "form_response",
]
