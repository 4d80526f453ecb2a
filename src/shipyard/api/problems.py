"""The API's problem types, re-exported from :mod:`shipyard.core.problems` (their home).

Kept so ``from shipyard.api.problems import register_problem_type`` keeps working.
"""

from shipyard.core.problems import (
    AUTHENTICATION_REQUIRED,
    BAD_REQUEST,
    CONFLICT,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    PERMISSION_DENIED,
    RATE_LIMITED,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    UNSUPPORTED_MEDIA_TYPE,
    UNSUPPORTED_VERSION,
    VALIDATION,
    HTTPProblem,
    ProblemRegistry,
    ProblemType,
    problem_type_uri,
    problem_types,
    register_problem_type,
)

__all__ = [
    "AUTHENTICATION_REQUIRED",
    "BAD_REQUEST",
    "CONFLICT",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "NOT_FOUND",
    "PAYLOAD_TOO_LARGE",
    "PERMISSION_DENIED",
    "RATE_LIMITED",
    "SERVER_ERROR",
    "SERVICE_UNAVAILABLE",
    "UNSUPPORTED_MEDIA_TYPE",
    "UNSUPPORTED_VERSION",
    "VALIDATION",
    "HTTPProblem",
    "ProblemRegistry",
    "ProblemType",
    "problem_type_uri",
    "problem_types",
    "register_problem_type",
]
