"""The resource generators: ``shipyard scaffold crud|api|model|job|page``.

Each builds a :class:`~shipyard.scaffold.plan.Plan` for a project made by ``shipyard
new`` from the templates in ``scaffold/resource/`` (rendered with ``<< >>`` and
``<% %>`` delimiters, so the Jinja templates they produce keep their own). Generated
code follows the hand-written showcase (``examples/showcase/app/ships``): one feature
package ``app/<plural>/``, its templates, a factory and tests under ``tests/<plural>/``,
one registration line in ``app/routes.py`` and one link in the layout's navigation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shipyard.errors import ShipyardError
from shipyard.scaffold import edits
from shipyard.scaffold.code import FieldCode, Target, snake_words
from shipyard.scaffold.fields import ARRAY_ITEM_KINDS, FieldSpec, parse_fields
from shipyard.scaffold.names import ResourceNames, resource_names, snake_case
from shipyard.scaffold.plan import Plan

TEMPLATES = Path(__file__).parent / "resource"
Kind = Literal["crud", "api", "model"]
ROUTES = "app/routes.py"
LAYOUT = "app/templates/layouts/app.html"
MODELS = "app/models.py"
MAIN = "app/main.py"
FILE_EXTENSIONS = (
    ("shipyard.storage", "StorageExtension"),
    ("shipyard.attachments", "AttachmentsExtension"),
)
IMAGES_EXTENSION = ("shipyard.images", "ImagesExtension")
"""Added too when a resource has ``image`` fields: it serves their thumbnails."""
SCENARIO = "tests/scenario.py"
USER = Target(
    model="User",
    module="shipyard.auth",
    table="users",
    label="email",
    factory_module=None,
)
CLASS_PATTERN = r"^class {model}\("
TABLE_PATTERN = re.compile(r'__tablename__ = "([a-z0-9_]+)"')
LABEL_PATTERN = re.compile(r"^    (\w+): Mapped\[str\] = mapped_column\(String", re.MULTILINE)


@dataclass(frozen=True)
class ResourceTarget:
    """How a template imports a referenced model and its factory."""

    target: Target

    @property
    def model(self) -> str:
        return self.target.model

    @property
    def import_line(self) -> str:
        return f"from {self.target.module} import {self.target.model}"

    @property
    def factory_import(self) -> str:
        if self.target.factory_module is None:
            return "from shipyard.testing import UserFactory"
        return f"from {self.target.factory_module} import {self.target.factory}"


def _environment() -> Environment:
    # Renders Python and Jinja source, not HTML, so autoescaping would corrupt it.
    env = Environment(  # noqa: S701  # nosec B701
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        variable_start_string="<<",
        variable_end_string=">>",
        block_start_string="<%",
        block_end_string="%>",
        comment_start_string="<#",
        comment_end_string="#>",
    )
    env.filters["pyrepr"] = repr
    env.globals["snake_words"] = snake_words
    return env


def find_target(root: Path, model: str) -> Target:
    """The model ``references:<model>`` points at: an app model, or Shipyard's ``User``."""
    pattern = re.compile(CLASS_PATTERN.format(model=model), re.MULTILINE)
    found: list[str] = []
    for path in sorted((root / "app").glob("*/models.py")):
        text = path.read_text(encoding="utf-8")
        found += re.findall(r"^class ([A-Z]\w*)\(.*Model\)", text, re.MULTILINE)
        if pattern.search(text):
            table = TABLE_PATTERN.search(text)
            label = LABEL_PATTERN.search(text)
            package = path.parent.name
            return Target(
                model=model,
                module=f"app.{package}.models",
                table=table.group(1) if table else f"{package}",
                label=label.group(1) if label else "id",
                factory_module=f"tests.{package}.factories",
            )
    if model == USER.model:
        return USER
    choices = ", ".join(sorted({*found, USER.model}))
    raise ShipyardError(
        f"references:{model}: there is no model {model} in this project",
        hint=f"models you can reference: {choices} (scaffold {model} first)",
    )


def uses_auth(root: Path) -> bool:
    """Whether the app mounts Shipyard's accounts (then pages and API need permissions)."""
    main = root / "app" / "main.py"
    return main.is_file() and "AuthExtension" in main.read_text(encoding="utf-8")


class ResourceGenerator:
    """Plans a resource called ``model`` with ``specs`` in the project at ``root``."""

    def __init__(
        self, root: Path, model: str, specs: list[str], *, plural: str | None = None
    ) -> None:
        self.root = root
        _check_project(root)
        self.names = resource_names(model, plural)
        parsed = parse_fields(specs)
        targets: list[str | None] = [spec.target for spec in parsed if spec.target]
        codes = [self._code(spec, targets.count(spec.target) > 1) for spec in parsed]
        self.fields = [code for code in codes if not code.spec.is_file]
        """The column fields."""
        self.files = [code for code in codes if code.spec.is_file]
        """The ``image`` and ``file`` fields: attachment slots, no column."""
        self.auth = uses_auth(root)
        self.env = _environment()

    def _code(self, spec: FieldSpec, shares_target: bool) -> FieldCode:
        target = find_target(self.root, spec.target) if spec.target else None
        if target is not None and target.model == self.names.model:
            raise ShipyardError(
                f"{spec.spec}: a model referencing itself is not generated",
                hint="add the self-reference by hand after scaffolding",
            )
        return FieldCode(spec, self.names.model, target, shares_target)

    def refuse_if_referenced(self) -> None:
        """Refuse to destroy a model other models still reference (destroy those first)."""
        foreign_key = f'ForeignKey("{self.names.plural}.id"'
        own = self.root / "app" / self.names.plural / "models.py"
        for path in sorted((self.root / "app").glob("*/models.py")):
            if path != own and foreign_key in path.read_text(encoding="utf-8"):
                raise ShipyardError(
                    f"app/{path.parent.name}/models.py references {self.names.model}",
                    hint=f"destroy {path.parent.name} first, or remove its reference by hand",
                )

    def context(self) -> dict[str, Any]:
        """The values every template sees."""
        names: ResourceNames = self.names
        fields = self.fields
        targets = {
            field.target.model: ResourceTarget(field.target) for field in fields if field.target
        }
        form_fields = [field for field in fields if field.in_form]
        return {
            "r": names,
            "fields": fields,
            "form_fields": form_fields,
            "skipped": [field for field in fields if not field.in_form],
            "columns": [f for f in fields if f.in_form and f.kind != "text"][:4] or fields[:1],
            "refs": [field for field in fields if field.target],
            "owner": next((field for field in fields if field.target == USER), None),
            "targets": list(targets.values()),
            "enums": [field for field in fields if field.kind == "enum"],
            "sortable": [field for field in fields if field.sortable],
            "filterable": [field for field in fields if field.filterable],
            "searchable": [field for field in fields if field.searchable],
            "required": [field for field in fields if not field.has_default],
            "required_columns": [field for field in fields if not field.spec.optional],
            "invalid": fields[0] if fields else None,
            "invalid_form": next((f for f in form_fields if f.invalid_form is not None), None),
            "editable": next((f for f in fields if not f.target), None),
            "has_email": any(field.kind == "email" for field in fields),
            "has_url": any(field.kind == "url" for field in fields),
            "model_imports": self._model_names(),
            "column_types": self._column_types(),
            "filter_example": self._filter_example(),
            "files": self.files,
            "images": [field for field in self.files if field.kind == "image"],
            "auth": self.auth,
            "html": True,
            "api": True,
        }

    def _model_names(self) -> list[str]:
        names = [self.names.model]
        names += [field.enum_class for field in self.fields if field.kind == "enum"]
        names += [f.length_constant for f in self.fields if f.length_constant is not None]
        for kind in ("email", "url"):
            if any(field.kind == kind for field in self.fields):
                names += [f"{kind.upper()}_MAX_LENGTH", f"{kind.upper()}_PATTERN"]
        return names

    def _column_types(self) -> list[str]:
        """The SQLAlchemy names the model uses (``String``, ``ForeignKey``..., ``Index``)."""
        used = {
            name
            for field in self.fields
            for name in re.findall(r"\b([A-Za-z]+)\(", field.mapped_column)
            if name not in ("mapped_column", "UtcDateTime")
        }
        # The index on created_at serves the default sort of the pages and the API.
        return sorted((used - {"with_variant"}) | {"Index"})

    def _filter_example(self) -> str:
        for field in self.fields:
            if field.searchable:
                return f"{field.column}__icontains=..."
        return "created_at__gte=2030-01-01"

    def _render(self, template: str, context: dict[str, Any]) -> str:
        return self.env.get_template(template).render(context)

    def plan(self, kind: Kind, *, remove: bool = False) -> Plan:
        """The files and edits of ``kind`` (``remove``: the edits taken back, for destroy)."""
        if not self.fields and kind != "model":
            raise ShipyardError(
                f"{self.names.model} needs at least one field besides image and file fields",
                hint=f"for example: shipyard scaffold {kind} {self.names.model} title:string",
            )
        context = self.context()
        context["html"] = kind == "crud"
        context["api"] = kind in ("crud", "api")
        plan = Plan(self.root)
        for template, destination in self._files(kind):
            plan.create(destination, self._render(template, context))
        if not (self.root / "tests" / "__init__.py").exists():
            plan.create("tests/__init__.py", '"""The tests of this app."""\n', shared=True)
        if not (self.root / SCENARIO).exists():
            scenario = self._render("tests/scenario.py.jinja", context)
            plan.create(SCENARIO, scenario, shared=True, tidy=False)
        self._plan_edits(plan, kind, remove=remove)
        return plan

    def _files(self, kind: Kind) -> list[tuple[str, str]]:
        """(template, destination) of every file ``kind`` creates."""
        feature, tests = f"app/{self.names.plural}", f"tests/{self.names.plural}"
        modules = ["__init__", "models"]
        test_modules = ["__init__", "factories"]
        if kind in ("crud", "api"):
            modules += ["schemas", "api", *(["permissions", "policy"] if self.auth else [])]
            test_modules.append("test_api")
        files = [(f"app/feature/{name}.py.jinja", f"{feature}/{name}.py") for name in modules]
        if kind == "crud":
            files += [
                (f"app/feature/{name}.py.jinja", f"{feature}/{name}.py")
                for name in ("forms", "pages")
            ]
            files += [
                (f"templates/feature/{page}.html", f"app/templates/{self.names.plural}/{page}.html")
                for page in ("index", "form", "show")
            ]
            test_modules.append("test_pages")
        files += [(f"tests/feature/{name}.py.jinja", f"{tests}/{name}.py") for name in test_modules]
        return files

    def _plan_edits(self, plan: Plan, kind: Kind, *, remove: bool) -> None:
        names = self.names
        if self.files and not remove:
            images = any(field.kind == "image" for field in self.files)
            plan.edit(MAIN, lambda text: _with_file_storage(text, images=images))
        model_import = f"from app.{names.plural}.models import {names.model}"
        plan.edit(
            MODELS,
            lambda text: edits.all_names(
                edits.import_line(text, model_import, remove=remove), names.model, remove=remove
            ),
        )
        if kind in ("crud", "api"):
            api_import = f"from app.{names.plural} import api as {names.plural}_api"
            api_line = f"app.include_router({names.plural}_api.router)"
            plan.edit(ROUTES, lambda text: _register(text, api_import, api_line, remove=remove))
        if kind == "crud":
            pages_import = f"from app.{names.plural} import pages as {names.plural}_pages"
            pages_line = f"app.include_router({names.plural}_pages.pages)"
            plan.edit(ROUTES, lambda text: _register(text, pages_import, pages_line, remove=remove))
            link = f"<a href=\"{{{{ url_for('{names.plural}') }}}}\">{names.title}</a>"
            plan.edit(LAYOUT, lambda text: edits.nav_link(text, link, remove=remove))
        factory = f"{names.singular}_factory"
        factory_import = f"from tests.{names.plural}.factories import {factory}"
        method = self._render("tests/scenario_method.py.jinja", self.context())
        plan.edit(
            SCENARIO,
            lambda text: edits.class_method(
                edits.import_line(text, factory_import, remove=remove),
                f"with_{names.plural}",
                method,
                remove=remove,
            ),
        )


def _with_file_storage(text: str, *, images: bool) -> str:
    """``app/main.py`` with the storage and attachments extensions (image and file fields),
    and the images extension when there are ``images`` fields."""
    if edits.EXTENSIONS not in text:
        raise ShipyardError(
            f"{MAIN} has no App(extensions=[...]) to add file storage to",
            hint="add StorageExtension() and AttachmentsExtension() to the app's extensions",
        )
    for module, name in (*FILE_EXTENSIONS, *([IMAGES_EXTENSION] if images else [])):
        text = edits.import_line(text, f"from {module} import {name}")
        text = edits.extension(text, f"{name}()")
    return text


def _register(text: str, import_line: str, line: str, *, remove: bool) -> str:
    text = edits.import_line(text, import_line, remove=remove)
    return edits.append_to_function(text, "register_routes", line, remove=remove)


def _check_project(root: Path) -> None:
    missing = [path for path in (ROUTES, MODELS, LAYOUT) if not (root / path).is_file()]
    if missing:
        raise ShipyardError(
            f"{root} does not look like a Shipyard project ({', '.join(missing)} missing)",
            hint="run this in a project made by `shipyard new`, or pass --directory",
        )


JOB_ARGUMENT_KINDS = ARRAY_ITEM_KINDS
JOBS = "app/jobs.py"


def job_plan(root: Path, name: str, specs: list[str], *, remove: bool = False) -> Plan:
    """``scaffold job SendDigest``: the job class in ``app/jobs.py`` and its test."""
    _check_project(root)
    names = resource_names(name, plural=f"{snake_case(name)}_jobs")
    fields = [FieldCode(spec, name) for spec in parse_fields(specs, columns=False)]
    for field in fields:
        if field.kind not in JOB_ARGUMENT_KINDS:
            raise ShipyardError(
                f"job argument {field.spec.spec!r}: jobs take plain JSON values",
                hint=f"types for job arguments: {', '.join(JOB_ARGUMENT_KINDS)}",
            )
    module = snake_case(name)
    env = _environment()
    context: dict[str, Any] = {
        "name": names.model,
        "module": module,
        "title": snake_words(name).capitalize(),
        "fields": fields,
    }
    plan = Plan(root)
    test = env.get_template("job/test_job.py.jinja").render(context)
    plan.create(f"tests/test_{module}.py", test)
    job = env.get_template("job/job.py.jinja").render(context)
    plan.edit(JOBS, lambda text: edits.top_level_class(text, name, job, remove=remove))
    return plan


def page_plan(root: Path, name: str, *, remove: bool = False) -> Plan:
    """``scaffold page About``: ``/about``, its template, a test, its route and a nav link."""
    _check_project(root)
    names = resource_names(name, plural=f"{snake_case(name)}_pages")
    module = snake_case(names.model)
    context = {
        "name": names.model,
        "module": module,
        "title": snake_words(name).capitalize(),
        "url": "/" + module.replace("_", "-"),
    }
    env = _environment()
    plan = Plan(root)
    plan.create(f"app/{module}.py", env.get_template("page/page.py.jinja").render(context))
    plan.create(f"app/templates/{module}.html", env.get_template("page/page.html").render(context))
    test = env.get_template("page/test_page.py.jinja").render(context)
    plan.create(f"tests/test_{module}.py", test)
    route = f"app.include_router({module}_page.pages)"
    page_import = f"from app import {module} as {module}_page"
    plan.edit(ROUTES, lambda text: _register(text, page_import, route, remove=remove))
    link = f"<a href=\"{{{{ url_for('{module}') }}}}\">{context['title']}</a>"
    plan.edit(LAYOUT, lambda text: edits.nav_link(text, link, remove=remove))
    return plan


@dataclass(frozen=True)
class PolicyOwner:
    """The ``<name>_id`` column of a model that references ``User``: its owner."""

    name: str

    @property
    def column(self) -> str:
        return f"{self.name}_id"


OWNER_PATTERN = re.compile(
    r'^    (\w+)_id: Mapped\[[^\]]*\]\s*=\s*mapped_column\(\s*ForeignKey\(\s*"users\.id"',
    re.MULTILINE,
)


def policy_plan(root: Path, model: str) -> Plan:
    """``scaffold policy Post``: ``app/<package>/policy.py`` for a model of the project.

    An owner policy when the model references ``User`` (its first ``<name>_id`` foreign
    key to ``users.id``), otherwise signed-in users may add, change and delete.
    """
    _check_project(root)
    target = find_target(root, model)
    if target is USER:
        raise ShipyardError(
            "User is Shipyard's model", hint="scaffold a policy for your own models"
        )
    package = target.module.split(".")[1]
    models = (root / "app" / package / "models.py").read_text(encoding="utf-8")
    start = re.search(CLASS_PATTERN.format(model=model), models, re.MULTILINE)
    body = models[start.end() if start else 0 :]
    following = re.search(r"^class ", body, re.MULTILINE)
    owner = OWNER_PATTERN.search(body[: following.start()] if following else body)
    context = {
        "r": resource_names(model, plural=package),
        "owner": PolicyOwner(owner.group(1)) if owner else None,
    }
    plan = Plan(root)
    policy = _environment().get_template("app/feature/policy.py.jinja").render(context)
    plan.create(f"app/{package}/policy.py", policy)
    return plan
