"""The storage tests' real servers, for variants on S3 (moto) and Azure (Azurite)."""

from tests.storage.conftest import azurite_connection_string as azurite_connection_string
from tests.storage.conftest import moto_endpoint as moto_endpoint
