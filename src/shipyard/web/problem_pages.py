"""The pages behind problem ``type`` URIs: ``/problems/`` and one page per problem type.

RFC 9457 asks that a type URI, when dereferenced, documents the problem for people. With
the default ``api.problem_base_uri`` (``/problems/``) the app serves those pages itself,
in its layout, from the registry of problem types; an app that documents its errors
elsewhere sets an absolute base and these pages are not mounted.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shipyard.core.problems import HTTPProblem, problem_types
from shipyard.web.pages import PageRouter
from shipyard.web.render import render

problem_pages = PageRouter()
"""``/`` (every type) and ``/{slug}`` (one type), mounted under the problem base path."""


@problem_pages.get("/", name="problem_types", include_in_schema=False)
async def problem_type_index(request: Request) -> Response:
    types = sorted(problem_types, key=lambda problem: (problem.status, problem.slug))
    return render(request, "problems/index.html", {"types": types})


@problem_pages.get("/{slug}", name="problem_type", include_in_schema=False)
async def problem_type_page(request: Request, slug: str) -> Response:
    for problem in problem_types:
        if problem.slug == slug and problem.uri is None:
            return render(request, "problems/type.html", {"problem": problem})
    raise HTTPProblem(404, detail=f"No problem type is called {slug!r}.")
