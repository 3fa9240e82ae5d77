"""The REST API /api/v1: a thin view layer over the services, documented as OpenAPI 3.1."""
