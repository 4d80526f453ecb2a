"""What each field becomes in the generated files: Python types, columns, sample values.

:class:`FieldCode` turns one :class:`~shipyard.scaffold.fields.FieldSpec` into the
snippets the templates place (the model's annotation and column, the form's and the API
schemas' types, a factory default, valid sample input for the tests); :class:`Target` is
the model a ``references:`` field points at, found in the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shipyard.scaffold.fields import FieldSpec, parse_boolean

PYTHON_TYPES = {
    "string": "str",
    "text": "str",
    "integer": "int",
    "bigint": "int",
    "boolean": "bool",
    "float": "float",
    "double": "float",
    "decimal": "Decimal",
    "date": "date",
    "datetime": "datetime",
    "timestamp": "datetime",
    "time": "time",
    "json": "dict[str, Any]",
    "uuid": "UUID",
    "email": "str",
    "url": "str",
}
COLUMN_TYPES = {
    "text": "Text()",
    "integer": "Integer()",
    "bigint": "BigInteger()",
    "boolean": "Boolean()",
    "float": "Float()",
    "double": "Double()",
    "date": "Date()",
    "datetime": "DateTime()",
    "timestamp": "UtcDateTime()",
    "time": "Time()",
    "json": "JSON()",
    "uuid": "Uuid()",
    "email": "String(EMAIL_MAX_LENGTH)",
    "url": "String(URL_MAX_LENGTH)",
}
ON_DELETE_SQL = {"cascade": "CASCADE", "restrict": "RESTRICT", "set-null": "SET NULL"}
SORTABLE = frozenset(
    {"string", "integer", "bigint", "float", "double", "decimal", "date", "datetime"}
    | {"timestamp", "email", "url", "enum", "boolean", "references"}
)
FILTERABLE = SORTABLE | {"text", "uuid"}
SEARCHABLE = frozenset({"string", "text", "email", "url"})
OUT_OF_FORMS = frozenset({"json", "array"})


@dataclass(frozen=True)
class Target:
    """The model a reference points at: class, import, table and the column that names it."""

    model: str
    module: str
    table: str
    label: str
    factory_module: str | None

    @property
    def factory(self) -> str:
        """The factory that builds one for tests (``author_factory``, ``UserFactory()``)."""
        from shipyard.scaffold.names import snake_case

        if self.factory_module is None:
            return f"{self.model}Factory()"
        return f"{snake_case(self.model)}_factory"


@dataclass(frozen=True)
class FieldCode:
    """The snippets of one field, for a model called ``model``."""

    spec: FieldSpec
    model: str
    target: Target | None = None
    shares_target: bool = False  # another reference of the model points at the same table

    @property
    def name(self) -> str:
        """The attribute name (``author`` for a reference)."""
        return self.spec.name

    @property
    def column(self) -> str:
        """The column and input name (``author_id`` for a reference)."""
        return self.spec.column

    @property
    def label(self) -> str:
        """``Published at``: the field as a heading."""
        return self.spec.name.replace("_", " ").capitalize()

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def resolved_target(self) -> Target:
        """The model a reference points at (resolved before anything is rendered)."""
        if self.target is None:
            raise ValueError(f"{self.spec.name} is not a resolved reference")
        return self.target

    @property
    def relationship(self) -> str:
        """``relationship()``, naming its column when the target is referenced twice."""
        if self.shares_target:
            return f'relationship(foreign_keys="{self.model}.{self.column}")'
        return "relationship()"

    @property
    def enum_class(self) -> str:
        """``PostStatus`` for the enum field ``status`` of ``Post``."""
        return self.model + "".join(part.capitalize() for part in self.spec.name.split("_"))

    @property
    def length_constant(self) -> str | None:
        """``TITLE_MAX_LENGTH`` for string fields (declared in the model module)."""
        return f"{self.spec.name.upper()}_MAX_LENGTH" if self.kind == "string" else None

    @property
    def python_type(self) -> str:
        """The value's Python type, without ``| None``."""
        spec = self.spec
        if spec.kind == "enum":
            return self.enum_class
        if spec.kind == "array":
            return f"list[{PYTHON_TYPES[spec.item or 'string']}]"
        if spec.kind == "references":
            return "int"
        return PYTHON_TYPES[spec.kind]

    @property
    def optional_suffix(self) -> str:
        return " | None" if self.spec.optional else ""

    @property
    def mapped(self) -> str:
        """``Mapped[str | None]``."""
        return f"Mapped[{self.python_type}{self.optional_suffix}]"

    @property
    def column_type(self) -> str:
        spec = self.spec
        if spec.kind == "string":
            return f"String({self.length_constant})"
        if spec.kind == "decimal":
            return f"Numeric({spec.precision}, {spec.scale})"
        if spec.kind == "enum":
            return f"Enum({self.enum_class}, native_enum=False, length={self.enum_length})"
        if spec.kind == "array":
            item = COLUMN_TYPES.get(spec.item or "", "String()")
            if spec.item == "string":
                item = "String()"
            return f'JSON().with_variant(ARRAY({item}), "postgresql")'
        return COLUMN_TYPES[spec.kind]

    @property
    def enum_length(self) -> int:
        return max(len(choice) for choice in self.spec.choices)

    @property
    def mapped_column(self) -> str:
        """``mapped_column(String(TITLE_MAX_LENGTH), unique=True)``."""
        spec = self.spec
        if spec.kind == "references":
            target = self.resolved_target
            on_delete = ON_DELETE_SQL[spec.on_delete or "cascade"]
            arguments = [f'ForeignKey("{target.table}.id", ondelete="{on_delete}")']
            arguments.append("index=True")
        else:
            arguments = [self.column_type]
            if spec.indexed:
                arguments.append("index=True")
        if spec.unique:
            arguments.append("unique=True")
        if spec.default is not None:
            arguments.append(f"default={self.default_value}")
        elif spec.kind == "boolean":
            arguments.append("default=False")
        elif spec.kind in ("json", "array") and not spec.optional:
            arguments.append(f"default={'dict' if spec.kind == 'json' else 'list'}")
        return f"mapped_column({', '.join(arguments)})"

    @property
    def default_value(self) -> str:
        """The ``default=`` value as Python source."""
        value = self.spec.default
        if value is None:
            raise ValueError(f"{self.spec.name} has no default to render")
        kind = self.spec.kind
        if kind == "boolean":
            return str(parse_boolean(value))
        if kind in ("integer", "bigint"):
            return str(int(value))
        if kind in ("float", "double"):
            return repr(float(value))
        if kind == "decimal":
            return f'Decimal("{Decimal(value)}")'
        if kind == "enum":
            return f"{self.enum_class}.{value}"
        return repr(value)

    @property
    def has_default(self) -> bool:
        """Whether the form and create schema may leave the field out."""
        spec = self.spec
        defaulted = spec.kind in ("boolean", "json", "array")
        return spec.optional or spec.default is not None or defaulted

    @property
    def in_form(self) -> bool:
        """JSON and array fields are set through the API, not the HTML form."""
        return self.kind not in OUT_OF_FORMS

    @property
    def sortable(self) -> bool:
        return self.kind in SORTABLE

    @property
    def filterable(self) -> bool:
        return self.kind in FILTERABLE

    @property
    def searchable(self) -> bool:
        return self.kind in SEARCHABLE

    def _constraints(self, *, for_form: bool) -> list[str]:
        spec = self.spec
        if spec.kind == "string":
            minimum = [] if spec.optional else ["min_length=1"]
            return [*minimum, f"max_length={self.length_constant}"]
        if spec.kind in ("email", "url"):
            upper = spec.kind.upper()
            return [f"max_length={upper}_MAX_LENGTH", f"pattern={upper}_PATTERN"]
        if spec.kind == "text" and not spec.optional:
            return ["min_length=1"]
        if spec.kind == "decimal":
            return [f"max_digits={spec.precision}", f"decimal_places={spec.scale}"]
        if spec.kind in ("integer", "bigint"):
            bits = 31 if spec.kind == "integer" else 63
            return [f"ge=-(2**{bits})", f"lt=2**{bits}"]
        if spec.kind in ("float", "double"):
            return ["allow_inf_nan=False"]
        del for_form
        return []

    def _annotated(self, base: str, *, for_form: bool, extra: tuple[str, ...] = ()) -> str:
        arguments = [*self._constraints(for_form=for_form), *extra]
        if self.spec.optional:
            base = f"{base} | None"
        if not arguments:
            return base
        return f"Annotated[{base}, Field({', '.join(arguments)})]"

    @property
    def form_type(self) -> str:
        """The annotation in the HTML form model."""
        if self.kind == "text":
            base = self._annotated("str", for_form=True)
            if base.startswith("Annotated["):
                return base[: -len(")]")] + '), Widget("textarea")]'
            return f'Annotated[{base}, Widget("textarea")]'
        if self.kind == "references":
            return self._annotated("int", for_form=True, extra=(f'title="{self.label}"',))
        return self._annotated(self.python_type, for_form=True)

    @property
    def schema_type(self) -> str:
        """The annotation in the API's create schema."""
        if self.kind == "timestamp":
            return self._annotated("AwareDatetime", for_form=False)
        return self._annotated(self.python_type, for_form=False)

    @property
    def update_type(self) -> str:
        """The annotation in the API's update schema: anything may be left out."""
        return self.schema_type if self.spec.optional else f"{self.schema_type} | None"

    @property
    def read_type(self) -> str:
        """The annotation in the API's read schema."""
        return f"{self.python_type}{self.optional_suffix}"

    @property
    def form_default(self) -> str:
        """`` = ...`` after the annotation in forms and create schemas, or ``""``."""
        if self.spec.default is not None:
            return f" = {self.default_value}"
        if self.spec.optional:
            return " = None"
        if self.kind == "boolean":
            return " = False"
        if self.kind == "json" and not self.spec.optional:
            return " = Field(default_factory=dict)"
        if self.kind == "array" and not self.spec.optional:
            return " = Field(default_factory=list)"
        return ""

    @property
    def factory_value(self) -> str:
        """A factory default producing a valid, unique-when-needed value."""
        spec = self.spec
        kind = spec.kind
        if kind == "string":
            word = spec.name.replace("_", " ").capitalize()
            text = f"{word} {{n}}" if (spec.length or 0) >= len(word) + 8 else "{n}"
            return repr(text)
        if kind == "text":
            return repr(f"{self.label} of {snake_words(self.model)} {{n}}.")
        if kind in ("integer", "bigint"):
            return "lambda n: n"
        if kind in ("float", "double"):
            return "lambda n: n + 0.5"
        if kind == "decimal":
            return 'Decimal("1")'
        if kind == "boolean":
            return "False"
        if kind == "date":
            return "lambda n: date(2030, 1, 1) + timedelta(days=n)"
        if kind == "datetime":
            return "lambda n: datetime(2030, 1, 1, 12, 0) + timedelta(minutes=n)"
        if kind == "timestamp":
            return "lambda n: datetime(2030, 1, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=n)"
        if kind == "time":
            return "time(9, 30)"
        if kind == "json":
            return 'lambda n: {"number": n}'
        if kind == "uuid":
            return "lambda _: uuid4()"
        if kind == "email":
            return repr(f"{spec.name}{{n}}@example.test")
        if kind == "url":
            return repr("https://example.test/{n}")
        if kind == "enum":
            return f"{self.enum_class}.{spec.choices[0]}"
        if kind == "array":
            return ARRAY_SAMPLES[spec.item or "string"]
        return f"lambda _: {self.resolved_target.factory}.build()"

    def sample(self, variant: int = 1) -> object:
        """A valid JSON value for the API tests (``variant`` 2 differs from 1)."""
        spec = self.spec
        kind = spec.kind
        if kind in ("string", "text"):
            word = "first" if variant == 1 else "second"
            return word[: spec.length] if spec.length else word
        if kind in ("integer", "bigint"):
            return 40 + variant
        if kind in ("float", "double"):
            return 1.5 * variant
        if kind == "decimal":
            return "1" if variant == 1 else "2"
        if kind == "boolean":
            return variant == 1
        if kind == "date":
            return f"2031-0{variant}-15"
        if kind == "datetime":
            return f"2031-0{variant}-15T10:30:00"
        if kind == "timestamp":
            return f"2031-0{variant}-15T10:30:00Z"
        if kind == "time":
            return f"0{variant}:30:00"
        if kind == "json":
            return {"variant": variant}
        if kind == "uuid":
            return f"00000000-0000-4000-8000-00000000000{variant}"
        if kind == "email":
            return f"person{variant}@example.test"
        if kind == "url":
            return f"https://example.test/{variant}"
        if kind == "enum":
            return spec.choices[(variant - 1) % len(spec.choices)]
        if kind == "array":
            return ARRAY_JSON_SAMPLES[spec.item or "string"]
        return None  # a reference: the tests use the id of a row they create

    def form_sample(self) -> str | None:
        """The text a browser would submit for :meth:`sample`; None for unchecked boxes."""
        value = self.sample()
        if value is True:
            return "on"
        if value is False:
            return None
        if self.kind == "datetime" or self.kind == "timestamp":
            return "2031-01-15T10:30"
        return str(value)

    def display(self, variable: str) -> str:
        """The Jinja expression that shows this field of ``variable`` in a page."""
        value = f"{variable}.{self.name}"
        if self.target is not None:
            value = f"{value}.{self.target.label}"
        elif self.kind == "boolean":
            return f'"Yes" if {value} else "No"'
        elif self.kind in ("json", "array"):
            value = f"{value}|tojson"
        if self.spec.optional:
            return f'{value} if {variable}.{self.name} is not none else ""'
        return value

    @property
    def search_sample(self) -> str:
        """A searchable value containing the word ``zebra``."""
        if self.kind == "email":
            return "zebra@example.test"
        if self.kind == "url":
            return "https://zebra.example.test"
        return "zebra"

    @property
    def invalid_form(self) -> str | None:
        """Form text the page must refuse with 422, or None when every text is valid."""
        kind = self.kind
        if kind in ("integer", "bigint", "float", "double", "decimal"):
            return "twelve"
        if kind in ("date", "datetime", "timestamp", "time", "uuid"):
            return "not valid"
        if kind in ("email", "url"):
            return "not valid"
        if kind == "enum":
            return "not_a_choice"
        if kind in ("string", "text") and not self.spec.optional:
            return ""
        return None

    @property
    def invalid_json(self) -> object:
        """A JSON value the API must refuse with 422."""
        kind = self.kind
        if kind in ("string", "text"):
            return 42 if self.spec.optional else ""
        if kind == "boolean":
            return "maybe"
        if kind in ("json", "array"):
            return "not a collection"
        return "not valid"


ARRAY_SAMPLES = {
    "string": 'lambda n: [f"tag{n}"]',
    "text": 'lambda n: [f"Line {n}."]',
    "integer": "lambda n: [n, n + 1]",
    "bigint": "lambda n: [n, n + 1]",
    "boolean": "lambda _: [True, False]",
    "float": "lambda n: [n + 0.5]",
    "double": "lambda n: [n + 0.5]",
}
ARRAY_JSON_SAMPLES: dict[str, object] = {
    "string": ["a", "b"],
    "text": ["a line"],
    "integer": [1, 2],
    "bigint": [1, 2],
    "boolean": [True],
    "float": [0.5],
    "double": [0.5],
}


def snake_words(model: str) -> str:
    """``BlogPost`` -> ``blog post``."""
    from shipyard.scaffold.names import snake_case

    return snake_case(model).replace("_", " ")
