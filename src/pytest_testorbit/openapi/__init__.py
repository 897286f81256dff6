"""OpenAPI descriptions (3.0, 3.1, Swagger 2.0) read once into operations, for ``orbit import
openapi`` and ``orbit coverage``. Needs the ``import`` extra (openapi-spec-validator)."""
